// KF-REG-05: a BTF_KFUNCS set that never reaches register_btf_kfunc_id_set() or
// register_btf_fmodret_id_set().
import { defineRule } from '../contract.js';
import { fileFullyVisible, idSetsOf, isAudit } from '../../model/c-query.js';

function list(names: string[]): string {
  return names.length > 4 ? `${names.slice(0, 4).join(', ')}, ... (${names.length} in all)` : names.join(', ') || 'no entries';
}

export default defineRule({
  meta: {
    id: 'KF-REG-05',
    severity: 'error',
    description: 'Report BTF_KFUNCS sets that are never registered',
    rationale:
      'A kfunc set only becomes visible to the verifier once a struct btf_kfunc_id_set pointing at it is passed to register_btf_kfunc_id_set() (or register_btf_fmodret_id_set()); otherwise every program calling its kfuncs fails to load with "calling kernel function ... is not allowed".',
    kernels: '>=6.9',
    messages: {
      noIdSet:
        'kfunc set {set} is never registered: no struct btf_kfunc_id_set has .set = &{set}, so none of its kfuncs ({kfuncs}) are callable; wrap it in a btf_kfunc_id_set and pass that to register_btf_kfunc_id_set() from an initcall',
      neverPassed:
        'kfunc set {set} is never registered: {idSet} points at it but is never passed to register_btf_kfunc_id_set() or register_btf_fmodret_id_set(), so none of its kfuncs ({kfuncs}) are callable',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    for (const s of model.sets) {
      if (s.macro !== 'BTF_KFUNCS') continue;
      // Absence is only evidence when the whole file is known, or the set itself is new.
      if (!fileFullyVisible(model, s.file) && !s.added) continue;
      const touched =
        audit ||
        s.added ||
        model.registrations.some((r) => r.set === s.name && r.file === s.file && (r.added || r.removed)) ||
        model.idSets.some((i) => i.set === s.name && i.added);
      if (!touched) continue;
      const wraps = idSetsOf(model, s.name, s.file);
      const kfuncs = list(s.entries);
      if (wraps.length === 0) {
        report({
          messageId: 'noIdSet',
          data: { set: s.name, kfuncs },
          kfunc: s.name,
          file: s.file,
          line: s.line,
          evidence: [
            `BTF_KFUNCS_START(${s.name}) at ${s.file}:${s.line}`,
            `no btf_kfunc_id_set in the ${fileFullyVisible(model, s.file) ? 'fully visible' : 'added lines of'} ${s.file} sets .set = &${s.name}`,
          ],
        });
        continue;
      }
      // Registered directly, or its address handed to a helper / an array that registers it.
      if (wraps.some((w) => w.calls.length > 0 || (w.idSet.uses ?? []).length > 0)) continue;
      // A non-static id set may be registered from another file.
      if (wraps.some((w) => w.idSet.isStatic === false)) continue;
      // Its own lines must be fully known too.
      if (!wraps.every((w) => fileFullyVisible(model, w.idSet.file) || w.idSet.added)) continue;
      const w = wraps[0].idSet;
      report({
        messageId: 'neverPassed',
        data: { set: s.name, idSet: w.name, kfuncs },
        kfunc: s.name,
        file: w.file,
        line: w.line,
        evidence: [
          `BTF_KFUNCS_START(${s.name}) at ${s.file}:${s.line}`,
          ...wraps.map((x) => `static struct btf_kfunc_id_set ${x.idSet.name} = { .set = &${s.name} } at ${x.idSet.file}:${x.idSet.line}`),
          `no register_btf_kfunc_id_set()/register_btf_fmodret_id_set() call and no other use of &${w.name} in the visible code`,
        ],
      });
    }
  },
});
