// What a function does to the reference of one object: takes it (conditionally or not),
// drops or frees it, or unlinks it from a container. Calls are read against the knowledge
// tables; calls of a visible function (a static helper of the patch, a callee the tree offers)
// are followed into that function's effects on the parameter the object is passed as, and a
// call of a registered KF_RELEASE kfunc counts as a release.
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { callsIn, definitionOf, hasFlag, registrationsOf } from '../../model/c-query.js';
import { CONDITIONAL_GET, PLAIN_GET } from '../../knowledge/reference-gets.js';
import { REFERENCE_PUTS } from '../../knowledge/reference-puts.js';
import { UNLINKING_CALLS } from '../../knowledge/unlinking-calls.js';
import { LINKING_CALLS } from '../../knowledge/linking-calls.js';
import { calleeFact, calleeFactByName } from '../../knowledge/callee-facts.js';
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
      const keyOf = (i: number) => (c.args[i] ? names.key(c.args[i]) : null);
      // 1. A kernel call the tables name exactly.
      const named = this.tableEffect(c.name, keyOf, key, false);
      if (named) {
        at(named.kind, c.name, c.line, named.why);
        continue;
      }
      // 2. A registered release kfunc called on the object.
      const regs = registrationsOf(this.model, c.name);
      if (c.name !== fn.name && regs.some((r) => hasFlag(r, 'KF_RELEASE')) && c.args.some((_, i) => keyOf(i) === key)) {
        at('put', c.name, c.line, `${c.name}() is registered with KF_RELEASE`);
        continue;
      }
      // 3. A visible callee: what its body does to the parameter the object is passed as.
      const callee = stack.includes(c.name) || stack.length >= MAX_CALL_DEPTH ? undefined : definitionOf(this.model, c.name);
      if (callee) {
        const before = out.length;
        c.args.forEach((_, i) => {
          const p = callee.params[i];
          if (!p?.name || keyOf(i) !== key) return;
          for (const e of this.paramEffects(callee, p.name, [...stack, c.name])) out.push({ ...e, via: [fn.name, ...e.via] });
        });
        if (out.length > before) continue;
      }
      // 4. The kernel's naming conventions (*_tryget, *_get, *_hold, *_put, ...).
      const byName = this.tableEffect(c.name, keyOf, key, true);
      if (byName) at(byName.kind, c.name, c.line, byName.why);
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

  /** The effect a call of `name` has on the object `key`, from the tables (names only, or patterns too). */
  private tableEffect(
    name: string,
    keyOf: (i: number) => string | null,
    key: string,
    patterns: boolean,
  ): { kind: EffectKind; why: string } | null {
    const fact = patterns ? calleeFact : calleeFactByName;
    if (patterns && CONDITIONAL_GET.test(name) && keyOf(0) === key)
      return { kind: 'tryget', why: `${name}() takes a reference only while the count is not zero` };
    if (patterns && PLAIN_GET.test(name) && keyOf(0) === key) return { kind: 'get', why: `${name}() takes a reference unconditionally` };
    const put = fact(REFERENCE_PUTS, name);
    if (put && keyOf(put.objArg) === key) return { kind: put.kind, why: put.why };
    const unlink = fact(UNLINKING_CALLS, name);
    if (unlink && unlink.how === 'node' && keyOf(unlink.objArg) === key) return { kind: 'unlink', why: unlink.why };
    const link = fact(LINKING_CALLS, name);
    if (link && keyOf(link.objArg) === key) return { kind: 'link', why: link.why };
    return null;
  }

  /** The effects of `fn` on its parameter `param`. */
  paramEffects(fn: FunctionDef, param: string, stack: string[] = [fn.name]): ObjectEffect[] {
    // Keyed by the whole call stack: what a helper can reach depends on where it was entered.
    const k = `${fn.file}:${fn.line}:${stack.join('>')}:${param}`;
    const memo = this.paramMemo.get(k);
    if (memo) return memo;
    const effects = this.effectsOn(fn, param, stack);
    this.paramMemo.set(k, effects);
    return effects;
  }
}
