// What a function does to the reference of one object: takes it (conditionally or not),
// drops or frees it, or unlinks it from a container. Calls are read against the knowledge
// tables; calls of a visible function (a static helper of the patch, a callee the tree offers)
// are followed into that function's effects on the parameter the object is passed as, and a
// call of a registered KF_RELEASE kfunc counts as a release.
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { callsIn, definitionOf, hasFlag, registrationsOf } from '../../model/c-query.js';
import { CONDITIONAL_GET, PLAIN_GET } from '../../knowledge/reference-gets.js';
import { REFERENCE_PUTS } from '../../knowledge/reference-puts.js';
import { LINKING_CALLS, UNLINKING_CALLS } from '../../knowledge/unlinking-calls.js';
import { calleeFact } from '../../knowledge/callee-facts.js';
import { ObjectNames } from './object-names.js';

export type EffectKind = 'tryget' | 'get' | 'put' | 'free' | 'unlink' | 'link' | 'store';

export interface ObjectEffect {
  kind: EffectKind;
  /** The call that has the effect (in the last function of `via`). */
  call: string;
  file: string;
  line: number;
  /** The functions from the one asked about down to the one holding the call. */
  via: string[];
  /** Why the call has that effect (the knowledge entry, or the registration). */
  why: string;
}

/** How deep the effects follow visible callees. */
export const MAX_CALL_DEPTH = 3;

/** Per-model effect analysis, memoised per function and parameter. */
export class EffectAnalysis {
  private names = new Map<string, ObjectNames>();
  private paramMemo = new Map<string, ObjectEffect[]>();

  constructor(private readonly model: PatchModel) {}

  namesOf(fn: FunctionDef): ObjectNames {
    const k = `${fn.file}:${fn.line}:${fn.name}`;
    let n = this.names.get(k);
    if (!n) {
      n = new ObjectNames(fn);
      this.names.set(k, n);
    }
    return n;
  }

  /** The effects of `fn`'s body on the object keyed `key` (see ObjectNames), in source order. */
  effectsOn(fn: FunctionDef, key: string, stack: string[] = [fn.name]): ObjectEffect[] {
    const names = this.namesOf(fn);
    const out: ObjectEffect[] = [];
    const at = (kind: EffectKind, call: string, line: number, why: string) =>
      out.push({ kind, call, file: fn.file, line, via: [fn.name], why });
    for (const c of callsIn(fn.body)) {
      const first = c.args[0];
      const keyOf = (i: number) => (c.args[i] ? names.key(c.args[i]) : null);
      if (first && CONDITIONAL_GET.test(c.name) && keyOf(0) === key) {
        at('tryget', c.name, c.line, `${c.name}() takes a reference only while the count is not zero`);
        continue;
      }
      if (first && PLAIN_GET.test(c.name) && keyOf(0) === key) {
        at('get', c.name, c.line, `${c.name}() takes a reference unconditionally`);
        continue;
      }
      const put = calleeFact(REFERENCE_PUTS, c.name);
      if (put && keyOf(put.objArg) === key) {
        at(put.kind, c.name, c.line, put.why);
        continue;
      }
      const unlink = calleeFact(UNLINKING_CALLS, c.name);
      if (unlink && unlink.how === 'node' && keyOf(unlink.objArg) === key) {
        at('unlink', c.name, c.line, unlink.why);
        continue;
      }
      const link = calleeFact(LINKING_CALLS, c.name);
      if (link && keyOf(link.objArg) === key) {
        at('link', c.name, c.line, link.why);
        continue;
      }
      const regs = registrationsOf(this.model, c.name);
      if (c.name !== fn.name && regs.some((r) => hasFlag(r, 'KF_RELEASE')) && c.args.some((_, i) => keyOf(i) === key)) {
        at('put', c.name, c.line, `${c.name}() is registered with KF_RELEASE`);
        continue;
      }
      // A visible callee: what it does to the parameter the object is passed as.
      if (stack.includes(c.name) || stack.length >= MAX_CALL_DEPTH) continue;
      const callee = definitionOf(this.model, c.name);
      if (!callee) continue;
      c.args.forEach((_, i) => {
        const p = callee.params[i];
        if (!p?.name || keyOf(i) !== key) return;
        for (const e of this.paramEffects(callee, p.name, [...stack, c.name])) out.push({ ...e, via: [fn.name, ...e.via] });
      });
    }
    // `x->slot = obj` or `global = obj`: something else now points at the object.
    for (const a of fn.body.descendantsOfType('assignment_expression')) {
      if (a.childForFieldName('operator')?.text !== '=') continue;
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (!left || !right || names.key(right) !== key) continue;
      if (left.type === 'identifier' && (names.locals.has(left.text) || names.params.has(left.text))) continue;
      at('store', '=', a.startPosition.row + 1, `\`${a.text.replace(/\s+/g, ' ').slice(0, 80)}\` stores it where other code finds it`);
    }
    return out;
  }

  /** The effects of `fn` on its parameter `param`. */
  paramEffects(fn: FunctionDef, param: string, stack: string[] = [fn.name]): ObjectEffect[] {
    const k = `${fn.file}:${fn.line}:${fn.name}:${param}`;
    const memo = this.paramMemo.get(k);
    if (memo) return memo;
    const effects = this.effectsOn(fn, param, stack);
    this.paramMemo.set(k, effects);
    return effects;
  }
}
