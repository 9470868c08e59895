// KF-FLAG-01: KF_ACQUIRE on a kfunc that does not return a pointer to a struct.
import { defineRule } from '../contract.js';
import { bareType, definitionOf, describeRegistration, flagFindingAnchor, hasFlag, registrationsOf, reviewedKfuncNames, structPointee } from '../../model/c-query.js';

/** Allocation kfuncs the verifier special-cases: they return `void *` yet acquire a reference. */
const EXEMPT = new Set(['bpf_obj_new_impl', 'bpf_percpu_obj_new_impl', 'bpf_refcount_acquire_impl']);

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
  return /^(void|(unsigned |signed )?(char|short|int|long|long long)( int)?|unsigned|signed|bool|_Bool|[us](8|16|32|64)|__[us](8|16|32|64)|u?int(8|16|32|64)_t|size_t|enum \w+)$/.test(pointee);
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-01',
    severity: 'error',
    description: 'Require KF_ACQUIRE kfuncs to return a pointer to a struct',
    rationale: 'The verifier can only track a reference for a returned PTR_TO_BTF_ID. An acquire kfunc that returns a scalar, void or a non-struct pointer is accepted at registration but makes every program that calls it fail to load with "acquire kernel function does not return PTR_TO_BTF_ID".',
    kernels: '>=6.0',
    messages: {
      notStructPointer: '{name}() is registered with KF_ACQUIRE but returns `{ret}`, not a struct pointer: every BPF program that calls it will be rejected at load. Return `struct <type> *` or drop KF_ACQUIRE',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      if (EXEMPT.has(name)) continue;
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
          kfunc: name, file: at.file, line: at.line, key: r.set ?? r.file,
          evidence: [
            `flag: ${describeRegistration(r)}`,
            `return type: \`${ret}\` in the definition at ${def.file}:${def.line}`,
            'the verifier only tracks references for a returned `struct X *` (exceptions: bpf_obj_new_impl, bpf_percpu_obj_new_impl, bpf_refcount_acquire_impl)',
          ],
        });
      }
    }
  },
});
