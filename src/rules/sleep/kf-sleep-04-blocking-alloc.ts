// KF-SLEEP-04: a GFP_KERNEL-class allocation (directly or through visible helpers) in a kfunc
// registered without KF_SLEEPABLE. The special case of KF-SLEEP-01 with a targeted fix; this
// rule owns allocations, KF-SLEEP-01 every other sleeping call.
import { defineRule } from '../contract.js';
import {
  bodyTouched,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';
import type { PatchModel } from '../../model/model.js';
import { hasKmallocNolock, KMALLOC_NOLOCK_SINCE } from '../../knowledge/gfp.js';
import { describeChain, heldAt, type SleepHit } from '../../facts/sleep-scan.js';
import { nonSleepableRegistrations } from '../../facts/set-reach.js';

/** The non-blocking way to do this allocation on the target tree. */
function fixFor(model: PatchModel, h: SleepHit): string {
  const nolock = hasKmallocNolock(model);
  const since = `${KMALLOC_NOLOCK_SINCE.major}.${KMALLOC_NOLOCK_SINCE.minor}`;
  switch (h.entry.id) {
    case 'slab-alloc':
      return nolock
        ? `GFP_NOWAIT or GFP_ATOMIC, kmalloc_nolock() (target ${model.target.version} has it), or bpf_mem_alloc()`
        : `GFP_NOWAIT or GFP_ATOMIC, or bpf_mem_alloc() (kmalloc_nolock() needs ${since}+; target is ${model.target.version ?? 'unknown'})`;
    case 'vmalloc':
      return 'a kmalloc-class allocation with GFP_NOWAIT/GFP_ATOMIC, bpf_mem_alloc(), or memory set up outside the kfunc (vmalloc cannot be made non-blocking)';
    case 'percpu-alloc':
      return 'alloc_percpu_gfp(..., GFP_NOWAIT), bpf_mem_alloc() of a per-CPU cache, or memory set up outside the kfunc';
    case 'user-memdup':
      return 'a non-faulting copy into preallocated memory (copy_from_user_nofault())';
    default:
      return 'GFP_NOWAIT or GFP_ATOMIC';
  }
}

export default defineRule({
  meta: {
    id: 'KF-SLEEP-04',
    severity: 'warning',
    description: 'Flag blocking (GFP_KERNEL-class) allocations in kfuncs without KF_SLEEPABLE',
    rationale:
      'might_alloc() treats every mask with __GFP_DIRECT_RECLAIM as a possible sleep: a GFP_KERNEL allocation reached from a non-sleepable BPF program (XDP, tc, kprobe, RCU-protected tracing) may enter reclaim in atomic context.',
    kernels: '>=6.0',
    messages: {
      blockingAlloc:
        '{name}() allocates with {gfp} in {callee}() but is registered without KF_SLEEPABLE in {set}, so the allocation may sleep in atomic context; use {fix}, or add KF_SLEEPABLE',
    },
  },
  check({ model, facts, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      if (!def) continue;
      const bad = nonSleepableRegistrations(model, registrationsOf(model, name));
      if (!bad.length) continue;
      const sections = facts.atomicSections(def);
      const hits = facts.sleeps(def).hits.filter((h) => h.entry.alloc && heldAt(sections, h.top.node.startIndex).length === 0);
      if (!hits.length) continue;
      const pick = hits[0];
      const bodyReviewed = def.status === 'added' || bodyTouched(model, def);
      for (const { reg, reach } of bad) {
        const at = bodyReviewed ? { file: def.file, line: pick.top.line } : flagFindingAnchor(reg, def);
        const evidence = [
          `allocation: ${describeChain(pick)} with ${pick.gfp}`,
          ...hits.slice(1, 3).map((h) => `also: ${describeChain(h)} with ${h.gfp}`),
          `why ${pick.callee}() sleeps: ${pick.entry.why}`,
          `no KF_SLEEPABLE: ${describeRegistration(reg)}`,
          reach.visible
            ? `set ${reg.set} reaches: ${reach.where.join('; ')}`
            : `no register_btf_kfunc_id_set() call for set ${reg.set ?? '(not visible)'} is visible`,
          `target: ${model.target.version ?? 'unknown'} (${model.target.reason})`,
        ];
        report({
          messageId: 'blockingAlloc',
          data: {
            name,
            gfp: pick.gfp ?? 'a blocking mask',
            callee: pick.callee,
            set: reg.set ?? 'its kfunc set',
            fix: fixFor(model, pick),
          },
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
