// Which argument a function gives up: it drops the argument's reference or frees it (directly,
// through a visible helper, or by calling a registered KF_RELEASE kfunc on it) and takes no
// reference on that object itself, so the caller may no longer use what it passed.
import type { FunctionDef } from '../../model/model.js';
import { structPointee } from '../../model/c-query.js';
import type { EffectAnalysis, ObjectEffect } from './object-effects.js';

export interface ReleasedArgument {
  /** The parameter whose object is released. */
  param: string;
  /** The first put or free of it. */
  effect: ObjectEffect;
}

/** The first pointer parameter `fn` releases and never grabs, or null. */
export function releasedArgument(effects: EffectAnalysis, fn: FunctionDef): ReleasedArgument | null {
  for (const p of fn.params) {
    if (!p.name || !p.pointer) continue;
    // A `struct x **` slot or a scalar pointer is a place to write, not a referenced object.
    if (/\*\s*\*/.test(p.type) || (!structPointee(p.type) && !/\bvoid\s*\*/.test(p.type) && !/^union /.test(p.type))) continue;
    const all = effects.paramEffects(fn, p.name);
    const drops = all.filter((e) => e.kind === 'put' || e.kind === 'free');
    // A get and a put of the same object in one function is borrowing, not releasing.
    if (!drops.length || all.some((e) => e.kind === 'get' || e.kind === 'tryget')) continue;
    return { param: p.name, effect: drops[0] };
  }
  return null;
}
