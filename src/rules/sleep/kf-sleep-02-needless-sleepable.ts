// KF-SLEEP-02: KF_SLEEPABLE on a kfunc whose whole visible call graph is known not to sleep.
import { defineRule } from '../contract.js';
import {
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  isFmodretEntry,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';

export default defineRule({
  meta: {
    id: 'KF-SLEEP-02',
    severity: 'info',
    description: 'Point out KF_SLEEPABLE on kfuncs whose fully visible code never sleeps',
    rationale:
      'KF_SLEEPABLE restricts a kfunc to sleepable programs and forbids it under bpf_rcu_read_lock(), bpf_preempt_disable() and IRQ-disabled regions; when nothing it calls can sleep the flag only narrows who may use it. Sleeping often hides in callees outside the diff, so this stays informational and is only said when every callee is known.',
    kernels: '>=6.0',
    messages: {
      needless:
        '{name}() is registered KF_SLEEPABLE but nothing it calls can sleep; drop the flag so non-sleepable programs can call it, or say in a comment why it must stay',
    },
  },
  check({ model, facts, report }) {
    for (const name of reviewedKfuncNames(model)) {
      // fmod_ret attach lists carry KF_SLEEPABLE for the attached program, not for a call.
      const reg = registrationsOf(model, name).find((r) => r.flags.includes('KF_SLEEPABLE') && !isFmodretEntry(model, r));
      const def = definitionOf(model, name);
      if (!reg || !def || def.body.hasError) continue;
      const scan = facts.sleeps(def);
      if (scan.hits.length || scan.unknown.length) continue;
      const helpers = scan.followed.map((f) => model.functions.get(f));
      // A followed helper that is itself sleepable, or did not parse cleanly, is not "known".
      if (helpers.some((h) => !h || h.body.hasError || registrationsOf(model, h.name).some((r) => r.flags.includes('KF_SLEEPABLE'))))
        continue;
      const at = flagFindingAnchor(reg, def);
      report({
        messageId: 'needless',
        data: { name },
        kfunc: name,
        file: at.file,
        line: at.line,
        evidence: [
          `flag: ${describeRegistration(reg)}`,
          `body: ${def.file}:${def.line}-${def.endLine}${scan.followed.length ? `, helpers followed: ${scan.followed.map((f) => `${f}()`).join(', ')}` : ', calls no helper'}`,
          'every callee is a known non-sleeping function or a visible helper that sleeps nowhere',
        ],
      });
    }
  },
});
