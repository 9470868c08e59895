// KF-FLAG-01: KF_ACQUIRE on a kfunc that does not return a pointer to a struct.
import { defineRule } from '../contract.js';
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
import { isScalarSpelling } from '../../model/c-types.js';
import { VOID_RETURNING_ACQUIRE_KFUNCS } from '../../knowledge/special-kfuncs.js';

/** `struct X *` or `union X *`: what the verifier can type as PTR_TO_BTF_ID. */
function isStructPointer(type: string): boolean {
  return structPointee(type) !== null || /^union \w+ \*$/.test(bareType(type));
}

/** Types we can judge: scalars, void, and pointers to void, scalars, pointers or arrays. A pointer to an unknown typedef is left alone. */
function clearlyNotStructPointer(type: string): boolean {
  const t = bareType(type);
  if (!t.includes('*')) return true;
  if (/\*.*\*/.test(t)) return true;
  const pointee = t.replace(/\s*\*$/, '').trim();
  return pointee === 'void' || isScalarSpelling(pointee);
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-01',
    severity: 'error',
    description: 'Require KF_ACQUIRE kfuncs to return a pointer to a struct',
    rationale:
      'The verifier can only track a reference for a returned PTR_TO_BTF_ID. An acquire kfunc that returns a scalar, void or a non-struct pointer is accepted at registration but makes every program that calls it fail to load with "acquire kernel function does not return PTR_TO_BTF_ID".',
    kernels: '>=6.0',
    messages: {
      notStructPointer:
        '{name}() is registered with KF_ACQUIRE but returns `{ret}`, not a struct pointer: every BPF program that calls it will be rejected at load. Return `struct <type> *` or drop KF_ACQUIRE',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      if (VOID_RETURNING_ACQUIRE_KFUNCS.includes(name)) continue;
      const def = definitionOf(model, name);
      if (!def) continue;
      const ret = bareType(def.returnType);
      if (isStructPointer(ret) || !clearlyNotStructPointer(ret)) continue;
      for (const r of registrationsOf(model, name)) {
        if (!hasFlag(r, 'KF_ACQUIRE')) continue;
        const at = flagFindingAnchor(r, def);
        report({
          messageId: 'notStructPointer',
          data: { name, ret },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: r.set ?? r.file,
          evidence: [
            `flag: ${describeRegistration(r)}`,
            `return type: \`${ret}\` in the definition at ${def.file}:${def.line}`,
            `the verifier only tracks references for a returned \`struct X *\` (exceptions: ${VOID_RETURNING_ACQUIRE_KFUNCS.join(', ')})`,
          ],
        });
      }
    }
  },
});
