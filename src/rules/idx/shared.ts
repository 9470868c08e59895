// Helpers the index and size rules (KF-IDX-01..07) share: how guard texts are quoted and which
// parameter a __sz length pairs with.
import type { KfuncDef, Param } from '../../model/model.js';
import type { ParamFlow } from '../../facts/index/flow-types.js';

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
