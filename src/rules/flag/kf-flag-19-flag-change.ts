// KF-FLAG-19: the patch changes the flags of a kfunc that already exists (a removed and an
// added BTF_ID_FLAGS line for it). Kfunc flags are part of the contract BPF programs were
// verified against, so some changes make deployed programs fail to load.
import { defineRule } from '../contract.js';
import { describeRegistration } from '../../model/c-query.js';
import { flagChangeImpact, targetEvidence } from '../../knowledge/kf-flags.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-19',
    severity: 'info',
    description: 'Point out flag changes on existing kfuncs and what they do to deployed BPF programs',
    rationale:
      'Kfuncs have no hard stability promise, but their flags decide which programs load: adding KF_SLEEPABLE, KF_RET_NULL or KF_ACQUIRE, or removing KF_RELEASE, rejects programs that loaded yesterday, while dropping KF_SLEEPABLE or KF_RET_NULL moves the burden onto the kernel code. Such changes need a justification in the commit message (a flag drop on bpf_get_root_mem_cgroup was merged and then reverted).',
    kernels: '>=6.0',
    messages: {
      breaking:
        '{name}() changes its flags ({change}): {why}. BPF programs already deployed against the old flags can fail to load; say why in the commit message and check the in-tree selftests and users',
      relaxing:
        '{name}() changes its flags ({change}): {why}. Old programs keep loading, but check that the kfunc body copes with the wider use',
    },
  },
  check({ model, report }) {
    const t = model.target;
    for (const r of model.registrations) {
      if (!r.added || !r.oldFlags) continue;
      const before = new Set(r.oldFlags);
      const after = new Set(r.flags);
      const added = r.flags.filter((f) => !before.has(f));
      const removed = r.oldFlags.filter((f) => !after.has(f));
      if (!added.length && !removed.length) continue;
      const impacts = [
        ...added.map((f) => ({ flag: f, change: 'added' as const, ...flagChangeImpact(f, 'added', t, r.flags) })),
        ...removed.map((f) => ({ flag: f, change: 'removed' as const, ...flagChangeImpact(f, 'removed', t, r.oldFlags) })),
      ].filter((i) => i.kind !== 'none');
      if (!impacts.length) continue;
      const breaking = impacts.filter((i) => i.kind === 'breaking');
      const shown = breaking.length ? breaking : impacts;
      const change = [added.length ? `adds ${added.join(', ')}` : '', removed.length ? `removes ${removed.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      report({
        messageId: breaking.length ? 'breaking' : 'relaxing',
        data: {
          name: r.kfunc,
          change,
          why: shown.map((i) => `${i.change === 'added' ? 'adding' : 'removing'} ${i.flag}: ${i.why}`).join('; '),
        },
        kfunc: r.kfunc,
        file: r.file,
        line: r.line,
        key: `${r.file}:${r.set ?? ''}`,
        evidence: [
          `before: BTF_ID_FLAGS(func, ${r.kfunc}${r.oldFlags.length ? `, ${r.oldFlags.join(' | ')}` : ''})`,
          `after: ${describeRegistration(r)}`,
          ...impacts.map((i) => `${i.change} ${i.flag} (${i.kind}): ${i.why}`),
          targetEvidence(t),
        ],
      });
    }
  },
});
