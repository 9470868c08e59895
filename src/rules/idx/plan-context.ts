// What the report planners of the index and return rules share: the planning context they
// report through, the sink kinds that index, and how guard texts are quoted.
import type { FunctionDef, PatchModel } from '../../model/model.js';
import type { Report, Verdict } from '../contract.js';
import type { GuardStatus, ParamFlow, Sink } from '../../facts/index/args.js';

/** The planner as the rule modules see it. */
export interface PlanContext {
  readonly model: PatchModel;
  /** The scalar-parameter flows of `fn` (memoised). */
  flows(fn: FunctionDef): ParamFlow[];
  /** Record a report (an unchanged line of an existing kfunc drops to info). */
  push(rule: string, report: Report): void;
  claims(f: ParamFlow, guard: string | null, verdict: Verdict | undefined, status: GuardStatus | null): NonNullable<Report['claims']>;
}

export const INDEX_KINDS = new Set(['subscript', 'offset', 'bit', 'callee']);

/** Guard text without its `(fn:line)` place. */
export const bare = (t: string) => t.replace(/ \([\w.]+:\d+\)$/, '');

/** `file:line` of a guard text `... (fn:line)` in a sibling defined in `file`, else the sibling's own line. */
export function guardPlace(s: { file: string; line: number }, t: string): string {
  const where = /\(([\w.]+):(\d+)\)$/.exec(t);
  return where ? `${s.file}:${where[2]}` : `${s.file}:${s.line}`;
}

/** Callee names along a sink's chain (`helper(w, idx)` -> helper, `tbl[i]` -> tbl). */
export function chainCallees(s: Sink): string[] {
  return s.chain.split(' -> ').slice(1).map((c) => c.replace(/\(.*$/, '').replace(/\[.*$/, ''));
}
