// Helpers the index and size rules (KF-IDX-01..07) share: how guard texts are quoted, which
// parameter a __sz length pairs with, and the "pre-existing line" downgrade. The return rules
// (rules/ret) use the downgrade too.
import type { KfuncDef, Param, PatchModel } from '../../model/model.js';
import { isAudit } from '../../model/c-query.js';
import type { ParamFlow } from '../../facts/index/flow-types.js';
import type { Report } from '../contract.js';

/** Guard text without its `(fn:line)` place. */
export const bare = (t: string) => t.replace(/ \([\w.]+:\d+\)$/, '');

/** `file:line` of a guard text `... (fn:line)` in a sibling defined in `file`, else the sibling's own line. */
export function guardPlace(s: { file: string; line: number }, t: string): string {
  const where = /\(([\w.]+):(\d+)\)$/.exec(t);
  return where ? `${s.file}:${where[2]}` : `${s.file}:${s.line}`;
}

/** The parameter before the `i`-th one, where `__sz` pairs. */
export const paramBefore = (k: KfuncDef, i: number): Param | undefined => (i > 0 ? k.params[i - 1] : undefined);

/** The buffer a `__sz`/`__szk` parameter sizes (the pointer right before it), else null. */
export function pairedBuffer(k: KfuncDef, f: ParamFlow): string | null {
  if (f.suffix !== '__sz' && f.suffix !== '__szk') return null;
  const prev = paramBefore(
    k,
    k.params.findIndex((p) => p.name === f.name),
  );
  return prev?.pointer ? prev.name : null;
}

/**
 * Wraps a rule's `report` so that a report on an unchanged line of an existing kfunc drops to
 * info: the review is about what the patch adds or changes (never in an audit, where nothing is).
 */
export function unchangedAsInfo<R extends Report>(model: PatchModel, report: (r: R) => void): (r: R) => void {
  const audit = isAudit(model);
  return (r) => {
    const k = model.kfuncs.find((x) => x.name === r.kfunc && x.side === 'new');
    const file = model.files.find((f) => f.path === r.file);
    if (!audit && k && k.status !== 'added' && file && !file.addedLines.has(r.line)) {
      r = { ...r, severity: 'info', evidence: [...(r.evidence ?? []), 'pre-existing: this line is not changed by the patch'] };
    }
    report(r);
  };
}
