// Shared vocabulary of kfunc-review: findings, rule metadata and the rule contract.
// Every layer (engine, reporters, GitHub) speaks only these types.
import type { PatchModel } from '../model/model.js';

export type Severity = 'error' | 'warning' | 'info';

/** Outcome of running an index finding through a semantics model. */
export type Verdict = 'confirmed' | 'warn-reachable' | 'refuted' | 'unconfirmed';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** One reported problem. The same object feeds text, JSON, SARIF, email and GitHub output. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** The kfunc the finding is about (or the set name for set-level findings). */
  kfunc: string;
  /** Path of the patched file, relative to the tree root (b/ side). */
  file: string;
  /** Line in the patched (post-image) file; with side 'old', a line of the pre-image. */
  line: number;
  side: 'new' | 'old';
  /** Subject of the patch the finding belongs to (empty for whole-tree audits). */
  patch: string;
  patchIndex: number;
  message: string;
  /** Ordered evidence lines: call chain, array and bound, guard, sibling, witness. */
  evidence: string[];
  verdict?: Verdict;
  /** Stable across line moves: hash of rule + kfunc + what (never the line). */
  fingerprint: string;
  /** True when `line` is an added line of the diff (inline-comment candidate). */
  onAddedLine: boolean;
  /** True when `line` is shown in the diff at all (added or context). */
  inDiff: boolean;
  /** Message template id of the rule that produced it. */
  messageId: string;
  /** Set when a user disposition marks this fingerprint as not-a-bug. */
  disposition?: { reason: string; link?: string; contradicted: boolean };
  /** A known disputed claim this finding answers (see src/facts/disputes.ts). */
  claims?: { id: string; claim: string; holds: boolean; why: string }[];
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  /** One line, imperative, shown in README and SARIF shortDescription. */
  description: string;
  /** Why this matters: which verifier behaviour or kernel bug class. */
  rationale: string;
  /** Kernel versions the rule applies to, e.g. '>=6.0' or 'all'. */
  kernels: string;
  messages: Record<string, string>;
}

/** What a rule hands back for one problem; the engine turns it into a Finding. */
export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  kfunc: string;
  file: string;
  line: number;
  side?: 'new' | 'old';
  evidence?: string[];
  /** Overrides the rule's default severity (e.g. downgrade to info when evidence is partial). */
  severity?: Severity;
  verdict?: Verdict;
  /** Distinguishes several findings of one rule on one kfunc (e.g. the parameter name). */
  key?: string;
  claims?: Finding['claims'];
}

export interface RuleContext {
  model: PatchModel;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

/** Identity helper that only types a rule: message ids must exist in meta.messages. */
export function defineRule<M extends Record<string, string>>(rule: {
  meta: Omit<RuleMeta, 'messages'> & { messages: M };
  check(ctx: RuleContext & { report(r: Report & { messageId: keyof M & string }): void }): void;
}): Rule {
  return rule as unknown as Rule;
}
