// The Finding: one reported problem. The same object feeds text, JSON, SARIF, email and GitHub
// output. The rule contract it comes from is src/rules/contract.ts; its names are re-exported
// here for the layers above the engine.
import type { Severity } from '../rules/contract.js';
import type { Verdict } from '../facts/semantics/verdict-type.js';
import type { ClaimAssessment } from '../facts/disputes.js';

export { SEVERITY_RANK, type Severity, type RuleMeta, type Rule } from '../rules/contract.js';
export type { Verdict } from '../facts/semantics/verdict-type.js';

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
  /** The same finding is there before the patch (shown as info; see src/core/baseline.ts). */
  predates?: boolean;
  /** Known disputed claims this finding answers (src/facts/disputes.ts). */
  claims?: ClaimAssessment[];
}
