// KF-FLAG-02: KF_RET_NULL on a kfunc that returns a scalar or void.
import { defineRule } from '../contract.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  isScalarType,
  isVoid,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-02',
    severity: 'warning',
    description: 'Flag KF_RET_NULL on kfuncs that do not return a pointer',
    rationale:
      'The verifier applies KF_RET_NULL only when the kfunc returns a pointer; on a scalar or void return it is silently ignored. The flag then documents a NULL check that never happens, and often means an error code was mistaken for a NULL return.',
    kernels: '>=6.0',
    messages: {
      scalarReturn:
        '{name}() is registered with KF_RET_NULL but returns `{ret}`, which is not a pointer: the flag has no effect. Drop KF_RET_NULL (document the error value instead)',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      if (!def) continue;
      const ret = bareType(def.returnType);
      if (!isVoid(ret) && !isScalarType(ret)) continue;
      for (const r of registrationsOf(model, name)) {
        if (!hasFlag(r, 'KF_RET_NULL')) continue;
        const at = flagFindingAnchor(r, def);
        report({
          messageId: 'scalarReturn',
          data: { name, ret },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: r.set ?? r.file,
          evidence: [
            `flag: ${describeRegistration(r)}`,
            `return type: \`${ret}\` in the definition at ${def.file}:${def.line}`,
            'the verifier only marks a returned pointer as maybe-NULL; for scalar and void returns KF_RET_NULL is ignored',
          ],
        });
      }
    }
  },
});
