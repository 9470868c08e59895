// KF-FLAG-09: iterator kfuncs whose flags, name or prototype fail btf_check_iter_kfuncs().
import { defineRule } from '../contract.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  isPointerType,
  isVoid,
  registrationsOf,
  reviewedKfuncNames,
  structPointee,
} from '../../model/c-query.js';
import { ITER_FLAG_KIND, iterKfuncParts, iterStructName, iterStructType } from '../../knowledge/iterator-naming.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-09',
    severity: 'error',
    description: 'Check iterator kfunc flags, names and prototypes against the registration-time rules',
    rationale:
      "register_btf_kfunc_id_set() checks every KF_ITER_* entry (exactly one iterator flag, a bpf_iter_<type>_new|next|destroy name, a struct bpf_iter_<type> * first argument, one argument for next/destroy, a pointer return for next, void for destroy). One bad entry makes the call fail with -EINVAL and none of the set's kfuncs are registered.",
    kernels: '>=6.4',
    messages: {
      flagCount:
        '{name}() carries {flags}: an iterator kfunc must have exactly one of KF_ITER_NEW, KF_ITER_NEXT, KF_ITER_DESTROY, or the whole kfunc set fails to register',
      badName:
        '{name}() is registered with {flag} but is not named bpf_iter_<type>_{kind}: the whole kfunc set fails to register (-EINVAL). Rename it to bpf_iter_<type>_{kind}',
      badFirstArg:
        '{name}() must take `struct bpf_iter_{type} *` as its first argument (it takes {got}): the whole kfunc set fails to register (-EINVAL)',
      badArity:
        '{name}() is an iterator {kind} kfunc and must take exactly one argument (the iterator), not {count}: the whole kfunc set fails to register (-EINVAL)',
      nextReturn:
        '{name}() is an iterator next kfunc but returns `{ret}`; next must return a pointer (NULL ends the loop), or the whole kfunc set fails to register (-EINVAL)',
      destroyReturn:
        '{name}() is an iterator destroy kfunc but returns `{ret}`; destroy must return void, or the whole kfunc set fails to register (-EINVAL)',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      for (const r of registrationsOf(model, name)) {
        const iter = r.flags.filter((f) => f in ITER_FLAG_KIND);
        if (!iter.length) continue;
        const at = flagFindingAnchor(r, def);
        const setNote = `one bad iterator entry fails register_btf_kfunc_id_set() for the whole set${r.set ? ` ${r.set}` : ''}`;
        const base = { kfunc: name, file: at.file, line: at.line };
        const flagEv = `flags: ${describeRegistration(r)}`;
        if (iter.length !== 1) {
          report({
            ...base,
            messageId: 'flagCount',
            key: `flags:${r.set ?? r.file}`,
            data: { name, flags: iter.join(' | ') },
            evidence: [flagEv, setNote],
          });
          continue;
        }
        const kind = ITER_FLAG_KIND[iter[0]];
        const m = iterKfuncParts(name);
        if (!m || m.kind !== kind) {
          report({
            ...base,
            messageId: 'badName',
            key: `name:${r.set ?? r.file}`,
            data: { name, flag: iter[0], kind },
            evidence: [flagEv, `expected a name matching bpf_iter_<type>_${kind}`, setNote],
          });
        }
        if (!def) continue;
        const ret = bareType(def.returnType);
        const proto = `prototype: ${ret} ${name}(${def.params.map((p) => `${p.type} ${p.name}`.trim()).join(', ') || 'void'}) at ${def.file}:${def.line}`;
        const arg0 = def.params[0];
        const arg0Struct = arg0 ? structPointee(arg0.type) : null;
        const type = m ? m.type : arg0Struct ? iterStructType(arg0Struct) : null;
        if (type && arg0Struct !== iterStructName(type)) {
          report({
            ...base,
            messageId: 'badFirstArg',
            key: `arg0:${r.set ?? r.file}`,
            data: { name, type, got: arg0 ? `\`${bareType(arg0.type)}\`` : 'no argument' },
            evidence: [flagEv, proto, setNote],
          });
        }
        if ((kind === 'next' || kind === 'destroy') && def.params.length !== 1) {
          report({
            ...base,
            messageId: 'badArity',
            key: `arity:${r.set ?? r.file}`,
            data: { name, kind, count: def.params.length },
            evidence: [flagEv, proto, setNote],
          });
        }
        if (kind === 'next' && !isPointerType(ret)) {
          report({
            ...base,
            messageId: 'nextReturn',
            key: `ret:${r.set ?? r.file}`,
            data: { name, ret },
            evidence: [flagEv, proto, setNote],
          });
        }
        if (kind === 'destroy' && !isVoid(ret)) {
          report({
            ...base,
            messageId: 'destroyReturn',
            key: `ret:${r.set ?? r.file}`,
            data: { name, ret },
            evidence: [flagEv, proto, setNote],
          });
        }
      }
    }
  },
});
