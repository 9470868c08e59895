// KF-REG-09: register_btf_kfunc_id_set() for a program type the target tree has no kfunc hook for.
import { defineRule } from '../contract.js';
import { hookMappingsAdded, isAudit } from '../../model/c-query.js';
import { progTypeSupport, progTypeSupported } from '../../knowledge/prog-types.js';

export default defineRule({
  meta: {
    id: 'KF-REG-09',
    severity: 'error',
    description: 'Report kfunc set registrations for program types the target kernel cannot hook',
    rationale:
      'register_btf_kfunc_id_set() maps the program type to a kfunc hook; a type without one makes it return -EINVAL, the set is never registered, and an error during registration frees every kfunc set already registered for the same BTF.',
    kernels: '>=5.18',
    messages: {
      unsupported:
        'register_btf_kfunc_id_set({progType}, &{idSet}) cannot succeed on {target}: that program type has no kfunc hook there, so the call returns -EINVAL and the kfuncs of {set} are not callable; register for a supported type or target a newer tree',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    // The patch may give the program type its hook in the same change (kernel/bpf/btf.c).
    const mapped = audit ? new Map<string, string>() : hookMappingsAdded(model);
    for (const c of model.registerCalls) {
      if (c.fn !== 'register_btf_kfunc_id_set' || !c.progType || !(audit || c.added)) continue;
      if (progTypeSupported(c.progType, model.target)) continue;
      if (mapped.has(c.progType.replace(/^BPF_PROG_TYPE_/, ''))) continue;
      const set = model.idSets.find((i) => i.name === c.idSet)?.set ?? c.idSet;
      report({
        messageId: 'unsupported',
        data: {
          progType: c.progType,
          idSet: c.idSet,
          set,
          target: `Linux ${model.target.version ?? `${model.target.major}.${model.target.minor}`}`,
        },
        kfunc: set,
        file: c.file,
        line: c.line,
        key: c.progType,
        evidence: [
          `call: register_btf_kfunc_id_set(${c.progType}, &${c.idSet}) at ${c.file}:${c.line}`,
          progTypeSupport(c.progType, model.target).reason,
          `target tree: ${model.target.reason}`,
        ],
      });
    }
  },
});
