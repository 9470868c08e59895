// The memcg model reproduces the sizes and index maps of docs/memcg-model.md ("Config profiles",
// "Tables and index maps") per config profile.
import { describe, expect, it } from 'vitest';
import { profileNames, world } from '../src/facts/semantics/index.js';
import { table } from '../src/facts/semantics/registry.js';
import { outputUnit } from '../src/facts/semantics/models/memcg/summaries.js';

const D = 'distro-x86_64';
const M = 'minimal';

function c(config: string, name: string): number {
  const v = world(config).constant(name);
  if (v === undefined) throw new Error(`${name} undefined in ${config}`);
  return Number(v);
}

function untracked(config: string, tableName: string): number[] {
  const spec = table(tableName)!;
  return spec.contents!(world(config)).flatMap((b, i) => (b === 0xffn ? [i] : []));
}

describe('profiles', () => {
  it('registers the four profiles of docs/memcg-model.md', () => {
    expect(profileNames()).toEqual(expect.arrayContaining([D, M, 'numa-off', 'memcg_v1-off']));
  });
});

describe('enum and table sizes ("Config profiles" table)', () => {
  it.each([
    ['NR_VM_NODE_STAT_ITEMS', 51, 45],
    ['MEMCG_SWAP', 51, 45],
    ['MEMCG_KMEM', 55, 49],
    ['MEMCG_NR_STAT', 58, 52],
    ['NR_VM_EVENT_ITEMS', 121, 49],
    ['PGPGIN', 0, 0],
    ['PSWPIN', 2, 2],
    ['PGFREE', 19, 10],
    ['PGFAULT', 23, 14],
    ['PGMAJFAULT', 24, 15],
    ['OOM_KILL', 52, 41],
    ['NR_ISOLATED_ANON', 7, 7],
    ['NR_FILE_PAGES', 19, 19],
    ['NR_KERNEL_STACK_KB', 36, 36],
    ['NR_MEMCG_NODE_STAT_ITEMS', 33, 30],
    ['MEMCG_VMSTAT_SIZE', 40, 37],
    ['NR_MEMCG_EVENTS', 31, 17],
    ['MEMCG_NR_MEMORY_EVENTS', 10, 10],
  ])('%s = %i (distro) / %i (minimal)', (name, d, m) => {
    expect(c(D, name)).toBe(d);
    expect(c(M, name)).toBe(m);
  });

  it('PGALLOC_NORMAL is 6 with DMA and DMA32 zones', () => {
    expect(c(D, 'PGALLOC_NORMAL')).toBe(6);
    expect(world(M).constant('PGALLOC_DMA')).toBeUndefined();
  });

  it('aliases share the value of the member they name', () => {
    expect(c(D, 'NR_LRU_BASE')).toBe(0);
    expect(c(D, 'WORKINGSET_REFAULT_BASE')).toBe(c(D, 'WORKINGSET_REFAULT_ANON'));
  });

  it('memory events are the same on every profile', () => {
    for (const p of profileNames()) expect(c(p, 'MEMCG_NR_MEMORY_EVENTS')).toBe(10);
  });
});

describe('index maps', () => {
  it('90 of 121 vm events are untracked on distro, 32 of 49 on minimal', () => {
    expect(untracked(D, 'mem_cgroup_events_index')).toHaveLength(90);
    expect(untracked(M, 'mem_cgroup_events_index')).toHaveLength(32);
  });

  it('the 18 untracked stat indexes on distro are exactly the documented set', () => {
    const want = [7, 8, 9, 24, 26, 28, 29, 30, 31, 32, 33, 34, 35, 39, 42, 43, 49, 50];
    expect(untracked(D, 'mem_cgroup_stats_index')).toEqual(want);
    expect(untracked(M, 'mem_cgroup_stats_index')).toHaveLength(15);
  });

  it('slots are dense: node items first, then the 7 memcg items', () => {
    const map = table('mem_cgroup_stats_index')!.contents!(world(D));
    const slots = map.filter((b) => b !== 0xffn).map(Number);
    expect(slots).toEqual([...Array(40).keys()]);
    expect(map[c(D, 'MEMCG_SWAP')]).toBe(33n);
  });

  it('PGPGIN has a slot only with MEMCG_V1', () => {
    expect(table('mem_cgroup_events_index')!.contents!(world(D))[0]).toBe(0n);
    expect(table('mem_cgroup_events_index')!.contents!(world('memcg_v1-off'))[0]).toBe(0xffn);
  });

  it('PGPROMOTE_SUCCESS only exists with NUMA balancing', () => {
    expect(c(D, 'PGPROMOTE_SUCCESS')).toBe(41);
    expect(world('numa-off').constant('PGPROMOTE_SUCCESS')).toBeUndefined();
  });
});

describe('output units ("Transfer functions", memcg_page_state_output)', () => {
  it('scales pages, KiB and byte/event items differently', () => {
    const w = world(D);
    expect(outputUnit(w, 19n)).toBe(4096n); // NR_FILE_PAGES
    expect(outputUnit(w, 36n)).toBe(1024n); // NR_KERNEL_STACK_KB
    expect(outputUnit(w, 5n)).toBe(1n); // NR_SLAB_RECLAIMABLE_B
    expect(outputUnit(w, 10n)).toBe(1n); // WORKINGSET_REFAULT_ANON
  });
});
