// KF-SLEEP-03: a sleeping call inside a spinlock / rcu_read_lock / preempt_disable /
// local_irq_save section that the kfunc opens itself. KF_SLEEPABLE does not make this legal.
import { defineRule } from '../contract.js';
import { registrationsOf, reviewedKfuncs } from '../../model/c-query.js';
import { describeChain, heldAt } from '../../facts/sleep-scan.js';

export default defineRule({
  meta: {
    id: 'KF-SLEEP-03',
    severity: 'error',
    description: 'Forbid sleeping calls inside spinlock, RCU, preempt-off or IRQ-off sections of a kfunc',
    rationale:
      'A section opened with spin_lock(), rcu_read_lock(), preempt_disable() or local_irq_save() is atomic whatever program calls the kfunc; sleeping there is "scheduling while atomic", an RCU stall, or a deadlock against the next lock holder. KF_SLEEPABLE only describes the caller and cannot help.',
    kernels: 'all',
    messages: {
      sleepInAtomic:
        '{name}() calls {callee}, which may sleep, while holding {section} (line {openLine}); move the call out of the section or use a non-blocking variant',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      const sections = facts.atomicSections(k);
      if (!sections.length) continue;
      const sleepable = registrationsOf(model, k.name).some((r) => r.flags.includes('KF_SLEEPABLE'));
      for (const h of facts.sleeps(k).hits) {
        const held = heldAt(sections, h.top.node.startIndex);
        if (!held.length) continue;
        const s = held[held.length - 1];
        const callee = h.gfp ? `${h.callee}(${h.gfp})` : `${h.callee}()`;
        report({
          messageId: 'sleepInAtomic',
          severity: h.certain ? 'error' : 'info',
          data: { name: k.name, callee, section: s.opener, openLine: s.line },
          kfunc: k.name,
          file: k.file,
          line: h.top.line,
          key: h.callee,
          evidence: [
            `${s.kind} section opened by ${s.opener} at ${k.file}:${s.line}`,
            `sleeping call: ${describeChain(h)}`,
            `why ${h.callee}() sleeps: ${h.entry.why}`,
            sleepable
              ? 'the kfunc is KF_SLEEPABLE, which does not make sleeping inside this section legal'
              : 'the kfunc is not KF_SLEEPABLE either',
          ],
        });
      }
    }
  },
});
