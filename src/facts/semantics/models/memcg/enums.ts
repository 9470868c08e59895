// memcg-relevant kernel enums (v6.18/v6.19 layout) in our own list format: a plain name is
// an unconditional enumerator, `[cond, [...names]]` a block present only under a CONFIG
// symbol, `{ zones: NAME }` a per-zone expansion. Numbering is computed per profile.
import type { Cond, EnumMember, EnumSpec, Expansion } from '../../model-types.js';

type Item = string | [Cond, Item[]] | { zones: string } | { name: string; aliases: string[] };

function members(items: Item[], when?: Cond): EnumMember[] {
  const out: EnumMember[] = [];
  for (const it of items) {
    if (typeof it === 'string') out.push({ name: it, ...(when ? { when } : {}) });
    else if (Array.isArray(it)) {
      const inner: Cond = when ? { all: [when, it[0]] } : it[0];
      out.push(...members(it[1], inner));
    } else if ('zones' in it) out.push({ name: it.zones, expand: 'FOR_ALL_ZONES', ...(when ? { when } : {}) });
    else out.push({ name: it.name, aliases: it.aliases, ...(when ? { when } : {}) });
  }
  return out;
}

/** The per-zone suffixes an event list expands to. */
export const FOR_ALL_ZONES: Expansion = {
  name: 'FOR_ALL_ZONES',
  parts: [
    { suffix: '_DMA', when: 'ZONE_DMA' },
    { suffix: '_DMA32', when: 'ZONE_DMA32' },
    { suffix: '_NORMAL' },
    { suffix: '_HIGH', when: 'HIGHMEM' },
    { suffix: '_MOVABLE' },
    { suffix: '_DEVICE', when: 'ZONE_DEVICE' },
  ],
};

export const NODE_STAT_ITEM: EnumSpec = {
  name: 'node_stat_item',
  terminator: 'NR_VM_NODE_STAT_ITEMS',
  probeHints: ['NR_FILE_PAGES', 'NR_ISOLATED_ANON', 'NR_KERNEL_STACK_KB', 'PGPROMOTE_SUCCESS', 'NR_HUGETLB'],
  members: members([
    { name: 'NR_INACTIVE_ANON', aliases: ['NR_LRU_BASE'] },
    'NR_ACTIVE_ANON',
    'NR_INACTIVE_FILE',
    'NR_ACTIVE_FILE',
    'NR_UNEVICTABLE',
    'NR_SLAB_RECLAIMABLE_B',
    'NR_SLAB_UNRECLAIMABLE_B',
    'NR_ISOLATED_ANON',
    'NR_ISOLATED_FILE',
    'WORKINGSET_NODES',
    { name: 'WORKINGSET_REFAULT_ANON', aliases: ['WORKINGSET_REFAULT_BASE'] },
    'WORKINGSET_REFAULT_FILE',
    { name: 'WORKINGSET_ACTIVATE_ANON', aliases: ['WORKINGSET_ACTIVATE_BASE'] },
    'WORKINGSET_ACTIVATE_FILE',
    { name: 'WORKINGSET_RESTORE_ANON', aliases: ['WORKINGSET_RESTORE_BASE'] },
    'WORKINGSET_RESTORE_FILE',
    'WORKINGSET_NODERECLAIM',
    'NR_ANON_MAPPED',
    'NR_FILE_MAPPED',
    'NR_FILE_PAGES',
    'NR_FILE_DIRTY',
    'NR_WRITEBACK',
    'NR_SHMEM',
    'NR_SHMEM_THPS',
    'NR_SHMEM_PMDMAPPED',
    'NR_FILE_THPS',
    'NR_FILE_PMDMAPPED',
    'NR_ANON_THPS',
    'NR_VMSCAN_WRITE',
    'NR_VMSCAN_IMMEDIATE',
    'NR_DIRTIED',
    'NR_WRITTEN',
    'NR_THROTTLED_WRITTEN',
    'NR_KERNEL_MISC_RECLAIMABLE',
    'NR_FOLL_PIN_ACQUIRED',
    'NR_FOLL_PIN_RELEASED',
    'NR_KERNEL_STACK_KB',
    ['SHADOW_CALL_STACK', ['NR_KERNEL_SCS_KB']],
    'NR_PAGETABLE',
    'NR_SECONDARY_PAGETABLE',
    ['IOMMU_SUPPORT', ['NR_IOMMU_PAGES']],
    ['SWAP', ['NR_SWAPCACHE']],
    ['NUMA_BALANCING', ['PGPROMOTE_SUCCESS', 'PGPROMOTE_CANDIDATE', 'PGPROMOTE_CANDIDATE_NRL']],
    'PGDEMOTE_KSWAPD',
    'PGDEMOTE_DIRECT',
    'PGDEMOTE_KHUGEPAGED',
    'PGDEMOTE_PROACTIVE',
    ['HUGETLB_PAGE', ['NR_HUGETLB']],
    'NR_BALLOON_PAGES',
    'NR_KERNEL_FILE_PAGES',
  ]),
};

/** Continues the node-stat numbering, so one `int idx` covers both enums. */
export const MEMCG_STAT_ITEM: EnumSpec = {
  name: 'memcg_stat_item',
  startAt: 'NR_VM_NODE_STAT_ITEMS',
  terminator: 'MEMCG_NR_STAT',
  probeHints: ['MEMCG_SWAP', 'MEMCG_KMEM'],
  members: members(['MEMCG_SWAP', 'MEMCG_SOCK', 'MEMCG_PERCPU_B', 'MEMCG_VMALLOC', 'MEMCG_KMEM', 'MEMCG_ZSWAP_B', 'MEMCG_ZSWAPPED']),
};

export const MEMCG_MEMORY_EVENT: EnumSpec = {
  name: 'memcg_memory_event',
  terminator: 'MEMCG_NR_MEMORY_EVENTS',
  probeHints: ['MEMCG_OOM_KILL'],
  members: members([
    'MEMCG_LOW',
    'MEMCG_HIGH',
    'MEMCG_MAX',
    'MEMCG_OOM',
    'MEMCG_OOM_KILL',
    'MEMCG_OOM_GROUP_KILL',
    'MEMCG_SWAP_HIGH',
    'MEMCG_SWAP_MAX',
    'MEMCG_SWAP_FAIL',
    'MEMCG_SOCK_THROTTLED',
  ]),
};

export const VM_EVENT_ITEM: EnumSpec = {
  name: 'vm_event_item',
  terminator: 'NR_VM_EVENT_ITEMS',
  probeHints: ['PGFAULT', 'PGPGIN', 'OOM_KILL', 'PGFREE', 'PGALLOC_NORMAL'],
  members: members([
    'PGPGIN',
    'PGPGOUT',
    'PSWPIN',
    'PSWPOUT',
    { zones: 'PGALLOC' },
    { zones: 'ALLOCSTALL' },
    { zones: 'PGSCAN_SKIP' },
    'PGFREE',
    'PGACTIVATE',
    'PGDEACTIVATE',
    'PGLAZYFREE',
    'PGFAULT',
    'PGMAJFAULT',
    'PGLAZYFREED',
    'PGREFILL',
    'PGREUSE',
    'PGSTEAL_KSWAPD',
    'PGSTEAL_DIRECT',
    'PGSTEAL_KHUGEPAGED',
    'PGSTEAL_PROACTIVE',
    'PGSCAN_KSWAPD',
    'PGSCAN_DIRECT',
    'PGSCAN_KHUGEPAGED',
    'PGSCAN_PROACTIVE',
    'PGSCAN_DIRECT_THROTTLE',
    'PGSCAN_ANON',
    'PGSCAN_FILE',
    'PGSTEAL_ANON',
    'PGSTEAL_FILE',
    ['NUMA', ['PGSCAN_ZONE_RECLAIM_SUCCESS', 'PGSCAN_ZONE_RECLAIM_FAILED']],
    'PGINODESTEAL',
    'SLABS_SCANNED',
    'KSWAPD_INODESTEAL',
    'KSWAPD_LOW_WMARK_HIT_QUICKLY',
    'KSWAPD_HIGH_WMARK_HIT_QUICKLY',
    'PAGEOUTRUN',
    'PGROTATED',
    'DROP_PAGECACHE',
    'DROP_SLAB',
    'OOM_KILL',
    ['NUMA_BALANCING', ['NUMA_PTE_UPDATES', 'NUMA_HUGE_PTE_UPDATES', 'NUMA_HINT_FAULTS', 'NUMA_HINT_FAULTS_LOCAL', 'NUMA_PAGE_MIGRATE']],
    ['MIGRATION', ['PGMIGRATE_SUCCESS', 'PGMIGRATE_FAIL', 'THP_MIGRATION_SUCCESS', 'THP_MIGRATION_FAIL', 'THP_MIGRATION_SPLIT']],
    [
      'COMPACTION',
      [
        'COMPACTMIGRATE_SCANNED',
        'COMPACTFREE_SCANNED',
        'COMPACTISOLATED',
        'COMPACTSTALL',
        'COMPACTFAIL',
        'COMPACTSUCCESS',
        'KCOMPACTD_WAKE',
        'KCOMPACTD_MIGRATE_SCANNED',
        'KCOMPACTD_FREE_SCANNED',
      ],
    ],
    ['HUGETLB_PAGE', ['HTLB_BUDDY_PGALLOC', 'HTLB_BUDDY_PGALLOC_FAIL']],
    ['CMA', ['CMA_ALLOC_SUCCESS', 'CMA_ALLOC_FAIL']],
    'UNEVICTABLE_PGCULLED',
    'UNEVICTABLE_PGSCANNED',
    'UNEVICTABLE_PGRESCUED',
    'UNEVICTABLE_PGMLOCKED',
    'UNEVICTABLE_PGMUNLOCKED',
    'UNEVICTABLE_PGCLEARED',
    'UNEVICTABLE_PGSTRANDED',
    [
      'TRANSPARENT_HUGEPAGE',
      [
        'THP_FAULT_ALLOC',
        'THP_FAULT_FALLBACK',
        'THP_FAULT_FALLBACK_CHARGE',
        'THP_COLLAPSE_ALLOC',
        'THP_COLLAPSE_ALLOC_FAILED',
        'THP_FILE_ALLOC',
        'THP_FILE_FALLBACK',
        'THP_FILE_FALLBACK_CHARGE',
        'THP_FILE_MAPPED',
        'THP_SPLIT_PAGE',
        'THP_SPLIT_PAGE_FAILED',
        'THP_DEFERRED_SPLIT_PAGE',
        'THP_UNDERUSED_SPLIT_PAGE',
        'THP_SPLIT_PMD',
        'THP_SCAN_EXCEED_NONE_PTE',
        'THP_SCAN_EXCEED_SWAP_PTE',
        'THP_SCAN_EXCEED_SHARED_PTE',
        ['HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD', ['THP_SPLIT_PUD']],
        'THP_ZERO_PAGE_ALLOC',
        'THP_ZERO_PAGE_ALLOC_FAILED',
        'THP_SWPOUT',
        'THP_SWPOUT_FALLBACK',
      ],
    ],
    ['MEMORY_BALLOON', ['BALLOON_INFLATE', 'BALLOON_DEFLATE', ['BALLOON_COMPACTION', ['BALLOON_MIGRATE']]]],
    ['DEBUG_TLBFLUSH', ['NR_TLB_REMOTE_FLUSH', 'NR_TLB_REMOTE_FLUSH_RECEIVED', 'NR_TLB_LOCAL_FLUSH_ALL', 'NR_TLB_LOCAL_FLUSH_ONE']],
    ['SWAP', ['SWAP_RA', 'SWAP_RA_HIT', 'SWPIN_ZERO', 'SWPOUT_ZERO', ['KSM', ['KSM_SWPIN_COPY']]]],
    ['KSM', ['COW_KSM']],
    ['ZSWAP', ['ZSWPIN', 'ZSWPOUT', 'ZSWPWB']],
    ['X86', ['DIRECT_MAP_LEVEL2_SPLIT', 'DIRECT_MAP_LEVEL3_SPLIT', 'DIRECT_MAP_LEVEL2_COLLAPSE', 'DIRECT_MAP_LEVEL3_COLLAPSE']],
    ['PER_VMA_LOCK_STATS', ['VMA_LOCK_SUCCESS', 'VMA_LOCK_ABORT', 'VMA_LOCK_RETRY', 'VMA_LOCK_MISS']],
    // Stack-usage buckets up to THREAD_SIZE; modelled for 16 KiB stacks (x86_64 without KASAN).
    ['DEBUG_STACK_USAGE', ['KSTACK_1K', 'KSTACK_2K', 'KSTACK_4K', 'KSTACK_8K', 'KSTACK_16K', 'KSTACK_REST']],
  ]),
};

export const MEMCG_ENUMS: EnumSpec[] = [NODE_STAT_ITEM, MEMCG_STAT_ITEM, MEMCG_MEMORY_EVENT, VM_EVENT_ITEM];
