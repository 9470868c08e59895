// KF-FLAG-21: a kfunc that hands its caller a reference (or a new object) with the pointer it
// returns, registered without KF_ACQUIRE.
import { defineRule } from '../contract.js';
import type { FunctionDef, PatchModel, Registration } from '../../model/model.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
  structPointee,
} from '../../model/c-query.js';
import type { ReferenceKind } from '../../facts/references/returned-reference.js';
import { VOID_RETURNING_ACQUIRE_KFUNCS } from '../../knowledge/special-kfuncs.js';
import { namedAsPair } from '../../knowledge/acquire-release-naming.js';

const HOW: Record<ReferenceKind, string> = {
  tryget: 'takes a reference on the object it returns',
  get: 'takes a reference on the object it returns',
  getter: 'returns an object a kernel getter handed it with a reference',
  alloc: 'returns an object it allocates',
  unlink: 'returns a node it unlinks from the container that owned it',
  'acquire-kfunc': 'returns what an acquire kfunc handed it',
};

/** The type the verifier can track a reference for: `struct X *`, or `void *` for the allocation kfuncs. */
function acquirableReturn(name: string, def: FunctionDef): string | null {
  const ret = bareType(def.returnType);
  if (structPointee(ret) || /^union \w+ \*$/.test(ret)) return ret;
  return ret === 'void *' && VOID_RETURNING_ACQUIRE_KFUNCS.includes(name) ? ret : null;
}

/** Struct-pointer parameter types of a function, bare. */
function pointerParamTypes(def: FunctionDef): string[] {
  return def.params.map((p) => bareType(p.type)).filter((t) => structPointee(t) !== null);
}

/**
 * A KF_RELEASE kfunc of the same set (or file, when the set is not known) that takes the type
 * this kfunc returns and is named as its pair (get/put, acquire/release, create/destroy, ...).
 */
function pairedRelease(model: PatchModel, name: string, reg: Registration, ret: string): { name: string; where: string } | null {
  for (const r of model.registrations) {
    if (r.removed || r.kfunc === name || !hasFlag(r, 'KF_RELEASE')) continue;
    if (reg.set ? r.set !== reg.set || r.file !== reg.file : r.file !== reg.file) continue;
    const def = definitionOf(model, r.kfunc);
    if (!def || !pointerParamTypes(def).includes(ret)) continue;
    if (namedAsPair(name, r.kfunc)) return { name: r.kfunc, where: `${r.file}:${r.line}` };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-21',
    severity: 'error',
    description: 'Require KF_ACQUIRE on kfuncs that return a referenced or newly allocated object',
    rationale:
      'Without KF_ACQUIRE the verifier does not track the pointer the kfunc returns as a reference: the program is never made to release it, so every call leaks a reference (or the whole object), and the release kfunc of that type cannot be called on it. A kfunc whose body takes a reference on what it returns, allocates it, unlinks it from its owner, or gets it from a referenced getter must be KF_ACQUIRE.',
    kernels: '>=6.0',
    messages: {
      returnsReference:
        '{name}() {how} ({call}() at {where}) but its BTF_ID_FLAGS entry lacks KF_ACQUIRE: the verifier never makes programs release it, so every call leaks. Add KF_ACQUIRE (and KF_RET_NULL if it can fail)',
      returnsReleased:
        '{name}() releases its argument `{param}` and returns it as the result, handing the reference on, but its BTF_ID_FLAGS entry lacks KF_ACQUIRE: the program loses track of the object it still owns. Add KF_ACQUIRE',
      pairedRelease:
        '{name}() returns `{ret}` and {release}() in the same set releases that type, so the two read as an acquire/release pair, but the entry of {name}() lacks KF_ACQUIRE: {release}() cannot be called on what it returns. Add KF_ACQUIRE, or rename the pair if the result is not referenced',
    },
  },
  check({ model, facts, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      if (!def) continue;
      const ret = acquirableReturn(name, def);
      if (!ret) continue;
      // Iterator `next` kfuncs return borrowed elements by design.
      const regs = registrationsOf(model, name).filter((r) => !hasFlag(r, 'KF_ACQUIRE') && !hasFlag(r, 'KF_ITER_NEXT'));
      if (!regs.length) continue;
      const { source, params, owner } = facts.returnedReference(def);
      const released = facts.releasedArgument(def);
      for (const r of regs) {
        const at = flagFindingAnchor(r, def);
        const key = r.set ?? r.file;
        const flags = `flags without KF_ACQUIRE: ${describeRegistration(r)}`;
        if (source) {
          const where = `${source.file}:${source.line}`;
          report({
            messageId: 'returnsReference',
            data: { name, how: HOW[source.kind], call: source.call, where },
            kfunc: name,
            ...at,
            key,
            evidence: [
              `${source.call}() at ${where}${source.via.length > 1 ? `, reached through ${source.via.join('() -> ')}()` : ''}: ${source.why}`,
              `return type: \`${ret}\``,
              flags,
            ],
          });
          continue;
        }
        // A release that hands the same object back (an init object turned live one).
        const releasedParam =
          released?.param ?? (hasFlag(r, 'KF_RELEASE') ? def.params.find((p) => structPointee(p.type))?.name : undefined);
        if (releasedParam && params.includes(releasedParam)) {
          report({
            messageId: 'returnsReleased',
            data: { name, param: releasedParam },
            kfunc: name,
            ...at,
            key,
            evidence: [
              released
                ? `releases \`${releasedParam}\` with ${released.effect.call}() at ${released.effect.file}:${released.effect.line}`
                : `registered with KF_RELEASE, which consumes \`${releasedParam}\`: ${describeRegistration(r)}`,
              `returns \`${releasedParam}\` (definition at ${def.file}:${def.line})`,
              flags,
            ],
          });
          continue;
        }
        // The body shows the object belongs to a container: the name does not make it an acquire.
        const pair = owner ? null : pairedRelease(model, name, r, ret);
        if (pair) {
          report({
            messageId: 'pairedRelease',
            severity: 'warning',
            data: { name, ret, release: pair.name },
            kfunc: name,
            ...at,
            key,
            evidence: [
              `${pair.name}() is registered with KF_RELEASE at ${pair.where} and takes \`${ret}\``,
              `${name}() returns \`${ret}\` (definition at ${def.file}:${def.line}); the names read as a get/put pair`,
              'the body shows no reference of its own (a pinned or global object handed out under acquire/release rules is still an acquire)',
              flags,
            ],
          });
        }
      }
    }
  },
});
