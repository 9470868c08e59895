// memcg tables: which items are tracked per memcg, the u8 index maps built from them
// (0xFF = "no slot"), and the per-memcg counter arrays the slots point into.
import type { Cond, ConstantSpec, TableSpec, World } from '../../model-types.js';
import { evalCond } from '../../registry.js';

export const NO_SLOT = 0xffn;

type Listed = string | [Cond, string[]];

function present(w: World, list: Listed[]): string[] {
  const out: string[] = [];
  for (const it of list) {
    if (typeof it === 'string') out.push(it);
    else if (evalCond(it[0], (f) => w.has(f))) out.push(...it[1]);
  }
  return out;
}

function values(w: World, names: string[]): bigint[] {
  return names.map((n) => {
    const v = w.constant(n);
    if (v === undefined) throw new Error(`memcg model: ${n} is not an enumerator in ${w.config}`);
    return v;
  });
}

/** Node stat items kept per memcg (everything else in node_stat_item has no slot). */
const TRACKED_NODE_ITEMS: Listed[] = [
  'NR_INACTIVE_ANON',
  'NR_ACTIVE_ANON',
  'NR_INACTIVE_FILE',
  'NR_ACTIVE_FILE',
  'NR_UNEVICTABLE',
  'NR_SLAB_RECLAIMABLE_B',
  'NR_SLAB_UNRECLAIMABLE_B',
  'WORKINGSET_REFAULT_ANON',
  'WORKINGSET_REFAULT_FILE',
  'WORKINGSET_ACTIVATE_ANON',
  'WORKINGSET_ACTIVATE_FILE',
  'WORKINGSET_RESTORE_ANON',
  'WORKINGSET_RESTORE_FILE',
  'WORKINGSET_NODERECLAIM',
  'NR_ANON_MAPPED',
  'NR_FILE_MAPPED',
  'NR_FILE_PAGES',
  'NR_FILE_DIRTY',
  'NR_WRITEBACK',
  'NR_SHMEM',
  'NR_SHMEM_THPS',
  'NR_FILE_THPS',
  'NR_ANON_THPS',
  'NR_KERNEL_STACK_KB',
  'NR_PAGETABLE',
  'NR_SECONDARY_PAGETABLE',
  ['SWAP', ['NR_SWAPCACHE']],
  ['NUMA_BALANCING', ['PGPROMOTE_SUCCESS']],
  'PGDEMOTE_KSWAPD',
  'PGDEMOTE_DIRECT',
  'PGDEMOTE_KHUGEPAGED',
  'PGDEMOTE_PROACTIVE',
  ['HUGETLB_PAGE', ['NR_HUGETLB']],
];

const MEMCG_ONLY_ITEMS: Listed[] = [
  'MEMCG_SWAP',
  'MEMCG_SOCK',
  'MEMCG_PERCPU_B',
  'MEMCG_VMALLOC',
  'MEMCG_KMEM',
  'MEMCG_ZSWAP_B',
  'MEMCG_ZSWAPPED',
];

/** vm events kept per memcg; PGPGIN/PGPGOUT only exist for the v1 controller. */
const TRACKED_EVENTS: Listed[] = [
  ['MEMCG_V1', ['PGPGIN', 'PGPGOUT']],
  'PSWPIN',
  'PSWPOUT',
  'PGSCAN_KSWAPD',
  'PGSCAN_DIRECT',
  'PGSCAN_KHUGEPAGED',
  'PGSCAN_PROACTIVE',
  'PGSTEAL_KSWAPD',
  'PGSTEAL_DIRECT',
  'PGSTEAL_KHUGEPAGED',
  'PGSTEAL_PROACTIVE',
  'PGFAULT',
  'PGMAJFAULT',
  'PGREFILL',
  'PGACTIVATE',
  'PGDEACTIVATE',
  'PGLAZYFREE',
  'PGLAZYFREED',
  ['SWAP', ['SWPIN_ZERO', 'SWPOUT_ZERO']],
  ['ZSWAP', ['ZSWPIN', 'ZSWPOUT', 'ZSWPWB']],
  ['TRANSPARENT_HUGEPAGE', ['THP_FAULT_ALLOC', 'THP_COLLAPSE_ALLOC', 'THP_SWPOUT', 'THP_SWPOUT_FALLBACK']],
  ['NUMA_BALANCING', ['NUMA_PAGE_MIGRATE', 'NUMA_PTE_UPDATES', 'NUMA_HINT_FAULTS']],
];

export const trackedNodeItems = (w: World): string[] => present(w, TRACKED_NODE_ITEMS);
export const trackedEvents = (w: World): string[] => present(w, TRACKED_EVENTS);

/** An index map: every slot 0xFF, then tracked item k gets slot k (dense, in list order). */
function indexMap(len: bigint, items: bigint[]): bigint[] {
  const out = new Array<bigint>(Number(len)).fill(NO_SLOT);
  items.forEach((v, slot) => {
    out[Number(v)] = BigInt(slot);
  });
  return out;
}

/** Three representative bytes for unknown memory read through a u8 index map (docs/memcg-model.md, "Unknown bytes"). */
function byteFork(slotsName: string) {
  return (w: World) => {
    const slots = w.constant(slotsName) ?? 0n;
    return [
      { value: NO_SLOT, label: '0xFF (no slot: WARN path)' },
      { value: 0n, label: `0 (< ${slotsName}=${slots}: another item's counter)` },
      { value: slots, label: `${slots} (>= ${slotsName}: past the counter array)` },
    ];
  };
}

export const MEMCG_TABLES: TableSpec[] = [
  {
    name: 'memcg_vm_event_stat',
    elem: 'u32',
    len: 'NR_MEMCG_EVENTS',
    access: ['memcg_vm_event_stat'],
    contents: (w) => values(w, trackedEvents(w)),
  },
  {
    name: 'memcg_node_stat_items',
    elem: 'u32',
    len: 'NR_MEMCG_NODE_STAT_ITEMS',
    access: ['memcg_node_stat_items'],
    contents: (w) => values(w, trackedNodeItems(w)),
  },
  {
    name: 'memcg_stat_items',
    elem: 'u32',
    len: 'NR_MEMCG_STAT_ITEMS',
    access: ['memcg_stat_items'],
    contents: (w) => values(w, present(w, MEMCG_ONLY_ITEMS)),
  },
  {
    name: 'mem_cgroup_events_index',
    elem: 'u8',
    len: 'NR_VM_EVENT_ITEMS',
    access: ['mem_cgroup_events_index'],
    sentinel: NO_SLOT,
    indexEnums: ['vm_event_item'],
    contents: (w) => indexMap(w.constant('NR_VM_EVENT_ITEMS')!, values(w, trackedEvents(w))),
    oobFork: byteFork('NR_MEMCG_EVENTS'),
    note: 'static u8 __read_mostly, filled once at root memcg allocation',
  },
  {
    name: 'mem_cgroup_stats_index',
    elem: 'u8',
    len: 'MEMCG_NR_STAT',
    access: ['mem_cgroup_stats_index'],
    sentinel: NO_SLOT,
    indexEnums: ['node_stat_item', 'memcg_stat_item'],
    contents: (w) => indexMap(w.constant('MEMCG_NR_STAT')!, values(w, [...trackedNodeItems(w), ...present(w, MEMCG_ONLY_ITEMS)])),
    oobFork: byteFork('MEMCG_VMSTAT_SIZE'),
    note: 'static u8 __read_mostly, filled once at root memcg allocation',
  },
  {
    name: 'memcg_vmstats.events',
    elem: 'ulong',
    len: 'NR_MEMCG_EVENTS',
    access: ['memcg->vmstats->events', 'vmstats->events'],
  },
  {
    name: 'memcg_vmstats.state',
    elem: 'long',
    len: 'MEMCG_VMSTAT_SIZE',
    access: ['memcg->vmstats->state', 'vmstats->state'],
  },
  {
    name: 'mem_cgroup.memory_events',
    elem: 'atomic_long',
    len: 'MEMCG_NR_MEMORY_EVENTS',
    access: ['memcg->memory_events'],
  },
  {
    name: 'mem_cgroup.memory_events_local',
    elem: 'atomic_long',
    len: 'MEMCG_NR_MEMORY_EVENTS',
    access: ['memcg->memory_events_local'],
  },
];

export const MEMCG_CONSTANTS: ConstantSpec[] = [
  {
    name: 'MEMCG_VMSTAT_SIZE',
    value: (w) => {
      const node = w.constant('NR_MEMCG_NODE_STAT_ITEMS');
      const own = w.constant('NR_MEMCG_STAT_ITEMS');
      return node === undefined || own === undefined ? undefined : node + own;
    },
  },
];
