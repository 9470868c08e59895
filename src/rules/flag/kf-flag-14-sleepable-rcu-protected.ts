// KF-FLAG-14: KF_SLEEPABLE together with KF_RCU_PROTECTED. The first forbids calls inside an
// RCU read-side section, the second requires one: no BPF program can call the kfunc.
import { defineRule } from '../contract.js';
import {
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';
import { RCU_PROTECTED_ANY_KFUNC, rcuProtectedEffective, targetEvidence, versionText } from '../../knowledge/kf-flags.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-14',
    severity: 'error',
    description: 'Reject kfuncs flagged both KF_SLEEPABLE and KF_RCU_PROTECTED',
    rationale:
      'The verifier rejects a sleepable kfunc inside bpf_rcu_read_lock() and, where it honours KF_RCU_PROTECTED, rejects (or distrusts) an RCU-protected kfunc outside one. With both flags there is no place a program can call it usefully; the registration itself is accepted, so the mistake only shows when programs fail to load.',
    kernels: '>=6.7',
    messages: {
      uncallable:
        '{name}() is registered with both KF_SLEEPABLE and KF_RCU_PROTECTED: sleepable kfuncs are rejected inside an RCU read-side section and RCU-protected ones need one, so no BPF program can call it. Drop KF_RCU_PROTECTED and take rcu_read_lock() inside the kfunc, or make it non-sleepable',
      contradictory:
        '{name}() is registered with both KF_SLEEPABLE and KF_RCU_PROTECTED: {version} ignores KF_RCU_PROTECTED on this kind of kfunc, but trees that honour it make the kfunc uncallable. Drop KF_RCU_PROTECTED and take rcu_read_lock() inside the kfunc',
    },
  },
  check({ model, report }) {
    const t = model.target;
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      for (const r of registrationsOf(model, name)) {
        if (!hasFlag(r, 'KF_SLEEPABLE') || !hasFlag(r, 'KF_RCU_PROTECTED')) continue;
        const at = flagFindingAnchor(r, def);
        const effective = rcuProtectedEffective(r.flags, t);
        report({
          messageId: effective ? 'uncallable' : 'contradictory',
          severity: effective ? 'error' : 'warning',
          data: { name, version: t.version ?? 'unknown' },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: `${r.file}:${r.set ?? ''}`,
          evidence: [
            `flags: ${describeRegistration(r)}`,
            'KF_SLEEPABLE: rejected inside bpf_rcu_read_lock()/preempt-off/IRQ-off regions and from non-sleepable programs',
            effective
              ? 'KF_RCU_PROTECTED: the call must be inside an RCU read-side section'
              : `KF_RCU_PROTECTED: honoured on non-iterator kfuncs only from about ${versionText(RCU_PROTECTED_ANY_KFUNC)}`,
            targetEvidence(t),
          ],
        });
      }
    }
  },
});
