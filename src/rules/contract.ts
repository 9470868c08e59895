// The rule contract: what a rule declares (meta), what it is given (the model and the shared
// facts context) and what it hands back (reports). Rules import only this, the model, knowledge
// and facts; the engine (src/core) turns reports into Findings.
import type { PatchModel } from '../model/model.js';
import type { Verdict } from '../facts/semantics/verdict-type.js';
export type { Verdict } from '../facts/semantics/verdict-type.js';
import type { ClaimAssessment } from '../facts/disputes.js';
import type { Facts } from '../facts/context.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

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
  claims?: ClaimAssessment[];
}

export interface RuleContext {
  model: PatchModel;
  /** Shared analyses of `model`, computed on first use and memoised (src/facts/context.ts). */
  facts: Facts;
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
