// KF-FLAG-03: a kfunc whose pointer return can be NULL but that is registered without KF_RET_NULL.
import { defineRule } from '../contract.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  pointerReturningKfuncs,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';
import { VOID_POINTER_RETURN_KFUNCS } from '../../knowledge/special-kfuncs.js';

/**
 * The kfuncs whose return the verifier types as a pointer: real pointers, plus the `void *`
 * kfuncs it special-cases (every other `void *` return is a scalar to BPF).
 */
function nullableReturnKfuncs(model: PatchModel): { name: string; def: FunctionDef }[] {
  const out = pointerReturningKfuncs(model);
  for (const name of reviewedKfuncNames(model)) {
    if (!VOID_POINTER_RETURN_KFUNCS.includes(name)) continue;
    const def = definitionOf(model, name);
    if (def && bareType(def.returnType) === 'void *') out.push({ name, def });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-03',
    severity: 'error',
    description: 'Require KF_RET_NULL on kfuncs whose pointer return can be NULL',
    rationale:
      'Without KF_RET_NULL the verifier types the returned pointer as non-NULL and lets the program dereference it or pass it to other kfuncs unchecked. When the kfunc does return NULL on some path, that is a kernel NULL-pointer dereference reachable from BPF.',
    kernels: '>=6.0',
    messages: {
      returnsNull:
        '{name}() returns NULL on some path but its BTF_ID_FLAGS entry lacks KF_RET_NULL: BPF programs may use the result without a NULL check. Add KF_RET_NULL',
      uncheckedLookup:
        '{name}() returns the unchecked result of {helper}(), which can return NULL, but its BTF_ID_FLAGS entry lacks KF_RET_NULL: BPF programs may use a NULL result without a check. Add KF_RET_NULL',
      helperReturnsNull:
        '{name}() returns what {helper}() returns, and {helper}() returns NULL on some path, but the BTF_ID_FLAGS entry of {name}() lacks KF_RET_NULL: BPF programs may use the result without a NULL check. Add KF_RET_NULL',
    },
  },
  check({ model, facts, report }) {
    for (const { name, def } of nullableReturnKfuncs(model)) {
      // Iterator `next` kfuncs are KF-FLAG-10's business.
      const regs = registrationsOf(model, name).filter((r) => !hasFlag(r, 'KF_RET_NULL') && !hasFlag(r, 'KF_ITER_NEXT'));
      if (!regs.length) continue;
      const path = facts.nullReturn(def);
      if (!path) continue;
      const messageId = path.kind === 'literal' ? 'returnsNull' : path.helperLine ? 'helperReturnsNull' : 'uncheckedLookup';
      for (const r of regs) {
        const at = flagFindingAnchor(r, def);
        report({
          messageId,
          data: { name, helper: path.callee ?? '' },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: r.set ?? r.file,
          evidence: [
            `NULL path: ${path.evidence}`,
            `flags without KF_RET_NULL: ${describeRegistration(r)}`,
            `return type: \`${bareType(def.returnType)}\``,
          ],
        });
      }
    }
  },
});
