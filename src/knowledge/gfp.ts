// GFP masks: which ones let an allocation block (enter direct reclaim, so it may sleep) and
// which never do, and since when the slab has an allocator that never blocks at all.
// facts/sleep-scan.ts evaluates gfp expressions against these lists.
//
// Where it comes from: include/linux/gfp_types.h (GFP_KERNEL and friends include
// __GFP_DIRECT_RECLAIM; GFP_ATOMIC and GFP_NOWAIT do not), gfpflags_allow_blocking() in
// include/linux/gfp.h and might_alloc() in include/linux/sched/mm.h (6.12); kmalloc_nolock()
// from the 6.18 slab pull. docs/sleepers.md lists the same masks.
import type { PatchModel } from '../model/model.js';

export type GfpClass = 'blocking' | 'nonblocking' | 'unknown';

/** Masks whose allocations may enter direct reclaim (they contain __GFP_DIRECT_RECLAIM). */
export const BLOCKING_GFP: readonly string[] = [
  'GFP_KERNEL',
  'GFP_KERNEL_ACCOUNT',
  'GFP_USER',
  'GFP_HIGHUSER',
  'GFP_HIGHUSER_MOVABLE',
  'GFP_NOFS',
  'GFP_NOIO',
  'GFP_TRANSHUGE',
  '__GFP_DIRECT_RECLAIM',
  '__GFP_RECLAIM',
];
/** Masks and modifiers that never block on their own. */
export const NONBLOCKING_GFP: readonly string[] = [
  'GFP_ATOMIC',
  'GFP_NOWAIT',
  'GFP_DMA',
  'GFP_DMA32',
  'GFP_TRANSHUGE_LIGHT',
  '__GFP_ZERO',
  '__GFP_NOWARN',
  '__GFP_HIGH',
  '__GFP_ACCOUNT',
  '__GFP_NOMEMALLOC',
  '__GFP_NORETRY',
  '__GFP_RETRY_MAYFAIL',
  '__GFP_NOFAIL',
  '__GFP_COMP',
  '__GFP_DMA',
  '__GFP_DMA32',
  '__GFP_HIGHMEM',
  '__GFP_MOVABLE',
  '__GFP_THISNODE',
  '__GFP_KSWAPD_RECLAIM',
  '__GFP_MEMALLOC',
  '__GFP_HARDWALL',
  '__GFP_IO',
  '__GFP_FS',
  '__GFP_RECLAIMABLE',
  '__GFP_WRITE',
  '__GFP_NOLOCKDEP',
  '__GFP_SKIP_ZERO',
  '__GFP_SKIP_KASAN',
  '0',
];

/** Kernel version that added kmalloc_nolock()/kfree_nolock() (slab, Alexei Starovoitov). */
export const KMALLOC_NOLOCK_SINCE = { major: 6, minor: 18 } as const;

/** True when the target tree has kmalloc_nolock(). */
export function hasKmallocNolock(model: PatchModel): boolean {
  const t = model.target;
  return t.major > KMALLOC_NOLOCK_SINCE.major || (t.major === KMALLOC_NOLOCK_SINCE.major && t.minor >= KMALLOC_NOLOCK_SINCE.minor);
}
