// KF-REG-16: a struct btf_kfunc_id_set initialiser names a member the target kernel's struct
// does not have.
import { defineRule } from '../contract.js';
import { isAudit } from '../../model/c-query.js';
import { idLists, initialiserMembers } from '../../model/text-query.js';
import { idSetLayout, releasesWithMember, ID_SET_FIRST } from '../../knowledge/kfunc-id-set-layout.js';

export default defineRule({
  meta: {
    id: 'KF-REG-16',
    severity: 'error',
    description: 'Report kfunc id set initialisers that name a member the target struct btf_kfunc_id_set lacks',
    rationale:
      'struct btf_kfunc_id_set changed shape twice (per-kind sets in 5.18, one flagged set in 6.0, a filter in 6.5). An initialiser that names a member the target does not have (a member of an older layout, or of an unmerged proposal) does not compile, and none of the kfuncs it would register can be called.',
    kernels: '>=5.18',
    messages: {
      unknown:
        '{idSet} sets .{member}, which struct btf_kfunc_id_set does not have on {target} (members: {members}){history}: the file does not build and {name}() is never registered',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const t = model.target;
    const layout = idSetLayout({ major: t.major, minor: t.minor });
    if (!layout) return;
    const sure = t.source === 'flag' || t.source === 'tree';
    for (const idSet of model.idSets) {
      if (!audit && !idSet.added) continue;
      const members = initialiserMembers(model, idSet.file, idSet.line);
      if (!members) continue;
      const lists = idLists(model, idSet.file);
      for (const m of members) {
        if (layout.members.includes(m.member)) continue;
        const history = releasesWithMember(m.member);
        // A member that no release has is wrong whatever the target; one of another layout
        // is wrong only if the target is right.
        const severity = history && !sure ? 'warning' : 'error';
        const setName = /^&?\s*(\w+)$/.exec(m.value)?.[1] ?? null;
        const kfuncs = [
          ...(lists.find((l) => l.name === setName)?.funcs.map((f) => f.name) ?? []),
          ...(model.sets.find((s) => s.name === setName && s.file === idSet.file)?.entries ?? []),
        ];
        const names = kfuncs.length ? [...new Set(kfuncs)] : [idSet.name];
        for (const name of names)
          report({
            messageId: 'unknown',
            severity,
            data: {
              idSet: idSet.name,
              member: m.member,
              target: `Linux ${t.major}.${t.minor}`,
              members: layout.members.join(', '),
              history: history ? `; only ${history} had it` : '; no release has it',
              name,
            },
            kfunc: name,
            file: idSet.file,
            line: m.line,
            key: `${idSet.name}.${m.member}`,
            evidence: [
              `.${m.member} = ${m.value} at ${idSet.file}:${m.line} in ${idSet.name}`,
              layout.why,
              `target tree: ${t.reason}`,
              ...(setName && kfuncs.length ? [`${setName} lists ${kfuncs.join(', ')}`] : []),
              `struct btf_kfunc_id_set exists from ${ID_SET_FIRST.major}.${ID_SET_FIRST.minor}`,
            ],
          });
      }
    }
  },
});
