// KF-SLEEP-01: a kfunc that can sleep (directly or through visible helpers) registered without
// KF_SLEEPABLE. Blocking allocations belong to KF-SLEEP-04; calls inside the kfunc's own
// spinlock/RCU/preempt/irq sections belong to KF-SLEEP-03.
import { defineRule } from '../contract.js';
import { definitionOf, describeRegistration, flagFindingAnchor, registrationsOf, reviewedKfuncNames } from '../../model/c-query.js';
import { shortWhy, sleeperFor } from '../../knowledge/sleepers.js';
import { describeChain, heldAt, type SleepHit } from '../../facts/sleep-scan.js';
import { nonSleepableRegistrations } from '../../facts/set-reach.js';

export default defineRule({
  meta: {
    id: 'KF-SLEEP-01',
    severity: 'error',
    description: 'Require KF_SLEEPABLE on kfuncs that call something that may sleep',
    rationale:
      'The verifier lets any program of the registered hooks call a kfunc without KF_SLEEPABLE, including XDP, tc, kprobe and RCU-protected tracing programs that run in atomic context; a sleeping call there is "BUG: sleeping function called from invalid context" or a deadlock.',
    kernels: '>=6.0',
    messages: {
      sleeps:
        '{name}() may sleep: {callee} {why}, but {name}() is registered without KF_SLEEPABLE in {set}; add KF_SLEEPABLE or switch to a non-blocking variant',
      maySleep:
        '{name}() calls {callee}, which {why} on some paths, and is registered without KF_SLEEPABLE in {set}; check that the path cannot run from BPF, or add KF_SLEEPABLE',
    },
  },
  check({ model, facts, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const regs = registrationsOf(model, name);
      const bad = nonSleepableRegistrations(model, regs);
      if (!bad.length) continue;
      const def = definitionOf(model, name);
      const sleepable = regs.filter((r) => r.flags.includes('KF_SLEEPABLE'));
      let hits: SleepHit[] = [];
      let direct: ReturnType<typeof sleeperFor>;
      if (def) {
        const sections = facts.atomicSections(def);
        hits = facts.sleeps(def).hits.filter((h) => !h.entry.alloc && heldAt(sections, h.top.node.startIndex).length === 0);
      } else {
        // An existing kernel function registered directly as a kfunc (cgroup_rstat_flush style).
        direct = sleeperFor(name);
        if (!direct || direct.alloc) continue;
      }
      if (def && !hits.length) continue;
      const pick = hits.find((h) => h.certain) ?? hits[0];
      const entry = pick ? pick.entry : direct!;
      const certain = pick ? pick.certain : direct!.certainty === 'always';
      const via =
        pick && pick.chain.length > 1
          ? ` (via ${pick.chain
              .slice(1)
              .map((s) => `${s.fn}()`)
              .join(' -> ')})`
          : '';
      const callee = pick ? `${pick.callee}()${via}` : `${name}() itself`;
      for (const { reg, reach } of bad) {
        const evidence = [`no KF_SLEEPABLE: ${describeRegistration(reg)}`];
        if (pick) {
          evidence.push(`sleeping call: ${describeChain(pick)}`);
          for (const h of hits.filter((x) => x !== pick).slice(0, 2)) evidence.push(`also: ${describeChain(h)} (${shortWhy(h.entry)})`);
        } else {
          evidence.push(`${name} is registered directly and is a known sleeper`);
        }
        evidence.push(`why ${callee} sleeps: ${entry.why}`);
        if (reach.visible) evidence.push(`set ${reg.set} reaches: ${reach.where.join('; ')}`);
        else
          evidence.push(
            `no register_btf_kfunc_id_set() call for set ${reg.set ?? '(not visible)'} is visible; only a BPF_PROG_TYPE_SYSCALL-only set may omit KF_SLEEPABLE`,
          );
        for (const s of sleepable) evidence.push(`KF_SLEEPABLE is present on ${describeRegistration(s)}`);
        // A set that only its name ties to SYSCALL programs (registration out of view): say less.
        const maybeSyscall = !reach.visible && [reg.set ?? '', ...reach.idSets].some((n) => /syscall/i.test(n));
        if (maybeSyscall) evidence.push(`set ${reg.set} looks SYSCALL-only by its name, but its registration is not visible`);
        const at = flagFindingAnchor(reg, def);
        report({
          messageId: certain ? 'sleeps' : 'maySleep',
          severity: maybeSyscall ? 'info' : certain ? 'error' : 'warning',
          data: { name, callee, why: shortWhy(entry), set: reg.set ?? 'its kfunc set' },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: reg.set ?? `${reg.file}:${reg.line}`,
          evidence,
        });
      }
    }
  },
});
