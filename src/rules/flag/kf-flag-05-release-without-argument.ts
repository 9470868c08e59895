// KF-FLAG-05: KF_RELEASE on a kfunc with no (or more than one) releasable struct-pointer argument.
import { defineRule } from '../contract.js';
import type { Param } from '../../model/model.js';
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
import { argSuffix, suffixesWhere } from '../../knowledge/arg-suffixes.js';
import { isSpecialArgStruct } from '../../knowledge/special-arg-structs.js';

/** Suffixes whose parameter never carries the reference a release drops. */
const NEVER_RELEASED = suffixesWhere((s) => s.releasable === 'no');

function pointee(p: Param): string | null {
  return structPointee(p.type) ?? /^union (\w+) \*$/.exec(bareType(p.type))?.[1] ?? null;
}

/** A parameter the verifier can release: a struct pointer, or a BPF-allocated object (`p__alloc`). */
function releasable(p: Param): boolean {
  return pointee(p) !== null || argSuffix(p.suffix)?.releasable === 'yes';
}

/** A struct pointer that could plausibly be the referenced object (contexts and special objects excluded). */
function candidate(p: Param): boolean {
  const s = pointee(p);
  return s !== null && !isSpecialArgStruct(s) && !NEVER_RELEASED.has(p.suffix);
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-05',
    severity: 'error',
    description: 'Require KF_RELEASE kfuncs to take exactly one releasable struct-pointer argument',
    rationale:
      'KF_RELEASE drops the reference held by one pointer argument. With no struct-pointer argument the verifier rejects every call ("release kernel function expects refcounted PTR_TO_BTF_ID"); with several, only one may carry a reference at a call and readers cannot tell which one is released.',
    kernels: '>=6.0',
    messages: {
      noReleasable:
        '{name}() is registered with KF_RELEASE but takes no struct-pointer argument to release: every BPF program that calls it will be rejected at load. Take the object as `struct <type> *` or drop KF_RELEASE',
      severalCandidates:
        '{name}() is registered with KF_RELEASE and takes {count} struct-pointer arguments ({params}): the verifier allows only one referenced argument per call. Make sure exactly one is the released object and document which',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      if (!def) continue;
      for (const r of registrationsOf(model, name)) {
        if (!hasFlag(r, 'KF_RELEASE')) continue;
        const at = flagFindingAnchor(r, def);
        const proto = `${def.returnType} ${name}(${def.params.map((p) => `${p.type} ${p.name}`.trim()).join(', ') || 'void'}) at ${def.file}:${def.line}`;
        const cands = def.params.filter(candidate);
        if (!def.params.some(releasable)) {
          report({
            messageId: 'noReleasable',
            data: { name },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `none:${r.set ?? r.file}`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              `prototype: ${proto}`,
              'no parameter is a `struct X *` (or a `__alloc` object) that could carry the reference',
            ],
          });
        } else if (cands.length > 1) {
          report({
            messageId: 'severalCandidates',
            severity: 'warning',
            data: { name, count: cands.length, params: cands.map((p) => p.name).join(', ') },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `several:${r.set ?? r.file}`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              `prototype: ${proto}`,
              `struct-pointer parameters: ${cands.map((p) => `${p.type} ${p.name}`).join('; ')}`,
            ],
          });
        }
      }
    }
  },
});
