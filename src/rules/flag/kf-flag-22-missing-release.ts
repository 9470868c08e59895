// KF-FLAG-22: a kfunc that drops its argument's reference or frees it, registered without
// KF_RELEASE.
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
import { OWNERSHIP_TAKING_KFUNCS } from '../../knowledge/special-kfuncs.js';
import { isDestructorStub } from '../../knowledge/stub-names.js';
import { destructorStubOf, hasReleaseWord, namedAsPair } from '../../knowledge/acquire-release-naming.js';

/**
 * A KF_ACQUIRE kfunc of the same set (or file) that returns the type of one of this kfunc's
 * struct-pointer parameters and is named as its pair.
 */
function pairedAcquire(
  model: PatchModel,
  name: string,
  def: FunctionDef,
  reg: Registration,
): { name: string; where: string; type: string } | null {
  const types = def.params.map((p) => bareType(p.type)).filter((t) => structPointee(t) !== null);
  if (!types.length) return null;
  for (const r of model.registrations) {
    if (r.removed || r.kfunc === name || !hasFlag(r, 'KF_ACQUIRE')) continue;
    if (reg.set ? r.set !== reg.set || r.file !== reg.file : r.file !== reg.file) continue;
    const acq = definitionOf(model, r.kfunc);
    const type = acq && bareType(acq.returnType);
    if (!type || !types.includes(type)) continue;
    if (namedAsPair(r.kfunc, name)) return { name: r.kfunc, where: `${r.file}:${r.line}`, type };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-22',
    severity: 'error',
    description: 'Require KF_RELEASE on kfuncs that drop or free their argument',
    rationale:
      "A kfunc that puts or frees the object a program passes it consumes the program's reference. Without KF_RELEASE the verifier keeps the program's pointer alive after the call, so the program can use the freed object, release it again or store it in a map: a use-after-free or double put reachable from BPF.",
    kernels: '>=6.0',
    messages: {
      dropsReference:
        '{name}() {how} its argument `{param}` ({call}() at {where}) but its BTF_ID_FLAGS entry lacks KF_RELEASE: programs keep using the pointer after the call (use-after-free, double put). Add KF_RELEASE',
      pairedAcquire:
        '{name}() takes `{type}`, which {acquire}() in the same set hands out with KF_ACQUIRE, and the two read as an acquire/release pair, but the entry of {name}() lacks KF_RELEASE: programs have no way to drop the reference {acquire}() gives them. Add KF_RELEASE',
      destructorStub:
        '{name}() has a kptr destructor stub {stub}() named after it, which marks it as the release function of its type, but its BTF_ID_FLAGS entry lacks KF_RELEASE. Add KF_RELEASE',
    },
  },
  check({ model, facts, report }) {
    for (const name of reviewedKfuncNames(model)) {
      if (OWNERSHIP_TAKING_KFUNCS.includes(name) || isDestructorStub(name)) continue;
      const def = definitionOf(model, name);
      if (!def) continue;
      // Iterator destructors free the iterator's own state, which BPF does not reference-count.
      const regs = registrationsOf(model, name).filter((r) => !hasFlag(r, 'KF_RELEASE') && !hasFlag(r, 'KF_ITER_DESTROY'));
      if (!regs.length) continue;
      const released = facts.releasedArgument(def);
      for (const r of regs) {
        const at = flagFindingAnchor(r, def);
        const key = r.set ?? r.file;
        const flags = `flags without KF_RELEASE: ${describeRegistration(r)}`;
        if (released) {
          const e = released.effect;
          const where = `${e.file}:${e.line}`;
          report({
            messageId: 'dropsReference',
            data: { name, how: e.kind === 'free' ? 'frees' : 'drops the reference of', param: released.param, call: e.call, where },
            kfunc: name,
            ...at,
            key,
            evidence: [`${e.call}() at ${where}${e.via.length > 1 ? `, reached through ${e.via.join('() -> ')}()` : ''}: ${e.why}`, flags],
          });
          continue;
        }
        if (!hasReleaseWord(name)) continue;
        const pair = pairedAcquire(model, name, def, r);
        if (pair) {
          report({
            messageId: 'pairedAcquire',
            severity: 'warning',
            data: { name, type: pair.type, acquire: pair.name },
            kfunc: name,
            ...at,
            key,
            evidence: [
              `${pair.name}() is registered with KF_ACQUIRE at ${pair.where} and returns \`${pair.type}\``,
              `${name}() takes \`${pair.type}\` (definition at ${def.file}:${def.line}); the names read as a get/put pair`,
              'no put or free is visible in the body (a release of a pinned or global object can be empty and still needs the flag)',
              flags,
            ],
          });
          continue;
        }
        const stub = destructorStubOf(name);
        const stubDef = model.functions.get(stub);
        if (stubDef && def.params.some((p) => structPointee(p.type))) {
          report({
            messageId: 'destructorStub',
            severity: 'warning',
            data: { name, stub },
            kfunc: name,
            ...at,
            key,
            evidence: [
              `${stub}() is defined at ${stubDef.file}:${stubDef.line}: kptr destructors are the release kfunc's name plus _dtor`,
              flags,
            ],
          });
        }
      }
    }
  },
});
