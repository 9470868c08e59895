// docs/memcg-model.md "Probe table", rows 1-18 and 20, on our own v2-style and merged-style snippets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Effect, ReadEffect, Trace } from '../src/facts/semantics/effects.js';
import { formatTrace, parseSnippet, traceKfunc, world } from '../src/facts/semantics/index.js';

const load = (f: string) => parseSnippet(readFileSync(`fixtures/_semantics/${f}`, 'utf8'), f);
const v2 = load('memcg-v2-style.c');
const merged = load('memcg-merged-style.c');
const D = 'distro-x86_64';

function run(fns: ReturnType<typeof load>, kfunc: string, param: string, probe: bigint, config = D): Trace {
  return traceKfunc(fns.get(kfunc)!, { functions: fns }, param, probe, config);
}
const reads = (t: Trace, i = 0): ReadEffect[] => t.paths[i]!.effects.filter((e): e is ReadEffect => e.kind === 'read');
const warns = (t: Trace, i = 0) => t.paths[i]!.effects.filter((e: Effect) => e.kind === 'warn');
const VM = 'bpf_mem_cgroup_vm_events';
const PS = 'bpf_mem_cgroup_page_state';
const ME = 'bpf_mem_cgroup_memory_events';

describe('vm_events, seed v2 (unchecked)', () => {
  it('#1 PGFAULT (23): in bounds, returns a counter, no WARN', () => {
    const t = run(v2, VM, 'event', 23n);
    expect(t.paths).toHaveLength(1);
    expect(reads(t).every((r) => r.status === 'in-bounds')).toBe(true);
    expect(warns(t)).toHaveLength(0);
    expect(t.paths[0]!.result.kind).toBe('counter');
  });

  it('#2/#3 PGPGIN (0): counter with MEMCG_V1, WARN and 0 without', () => {
    expect(run(v2, VM, 'event', 0n).paths[0]!.result.kind).toBe('counter');
    const off = run(v2, VM, 'event', 0n, 'memcg_v1-off');
    expect(warns(off)).toHaveLength(1);
    expect(off.paths[0]!.result.kind).toBe('zero');
  });

  it.each([52n, 19n, 6n])('#4 valid but untracked %s: WARN_ONCE, returns 0', (e) => {
    const t = run(v2, VM, 'event', e);
    expect(warns(t)).toEqual([expect.objectContaining({ once: true, msg: expect.stringContaining('memcg_events: missing stat item') })]);
    expect(t.paths[0]!.result).toEqual({ kind: 'zero', text: '0' });
  });

  it('#5 NR_VM_EVENT_ITEMS (121): OOB 1 byte past the index map, then a 3-way fork', () => {
    const t = run(v2, VM, 'event', 121n);
    expect(reads(t)[0]).toMatchObject({ array: 'mem_cgroup_events_index', status: 'oob', oob: { side: 'after', bytes: 1n } });
    expect(t.paths).toHaveLength(3);
    const [sentinel, low, high] = t.paths;
    expect(sentinel!.effects.some((e) => e.kind === 'warn')).toBe(true);
    expect(sentinel!.result.kind).toBe('zero');
    expect(low!.result.kind).toBe('counter');
    const second = reads(t, 2)[1]!;
    expect(second).toMatchObject({ array: 'memcg_vmstats.events', index: 31n, status: 'oob' });
    expect(high!.result.kind).toBe('garbage');
    expect(formatTrace(t).join('\n')).toContain('OUT OF BOUNDS');
  });

  it.each([254n, 1000n, 0x7fffffffn])('#6 %s: OOB further past the end', (e) => {
    expect(reads(run(v2, VM, 'event', e))[0]).toMatchObject({ status: 'oob', oob: { side: 'after', bytes: e - 121n + 1n } });
  });

  it('#7 -1: OOB about 4 GiB past the index map (zero-extended)', () => {
    const r = reads(run(v2, VM, 'event', 0xffff_ffff_ffff_ffffn))[0]!;
    expect(r.index).toBe(0xffff_ffffn);
    expect(r.oob).toEqual({ side: 'after', bytes: 0xffff_ffffn - 121n + 1n });
  });

  it('#8 64-bit 0x1_0000_0017 truncates to 23 = row #1', () => {
    const t = run(v2, VM, 'event', 0x1_0000_0017n);
    expect(t.argValue).toBe(23n);
    expect(t.paths[0]!.result.kind).toBe('counter');
  });

  it('#9 stale OOM_KILL=52 from the distro header on minimal: OOB', () => {
    expect(world(D).constant('OOM_KILL')).toBe(52n);
    expect(reads(run(v2, VM, 'event', 52n, 'minimal'))[0]).toMatchObject({ status: 'oob', bound: 49n });
  });

  it('#10 stale PGFAULT=23 on minimal: in bounds but another item', () => {
    const t = run(v2, VM, 'event', 23n, 'minimal');
    expect(reads(t)[0]!.status).toBe('in-bounds');
    expect(world('minimal').enumName('vm_event_item', 23n)).not.toBe('PGFAULT');
  });
});

describe('vm_events, merged (memcg_vm_event_item_valid)', () => {
  it.each([0xffff_ffffn, 121n, 254n, 52n, 19n, 0n])('%s on memcg_v1-off returns -1 without WARN or OOB', (e) => {
    const t = run(merged, VM, 'event', e, 'memcg_v1-off');
    for (const p of t.paths) {
      expect(p.effects.some((x) => x.kind === 'warn' || (x.kind === 'read' && x.status === 'oob'))).toBe(false);
      expect(p.result.kind).toBe('sentinel');
    }
  });
  it('PGFAULT still returns the counter', () => {
    expect(run(merged, VM, 'event', 23n).paths[0]!.result.kind).toBe('counter');
  });
});

describe('page_state', () => {
  it('#11 NR_FILE_PAGES (19): counter', () => {
    const t = run(v2, PS, 'idx', 19n);
    expect(t.paths[0]!.result.kind).toBe('counter');
    expect(warns(t)).toHaveLength(0);
  });

  it.each([51n, 55n])('#13 memcg item %s is tracked', (i) => {
    expect(run(v2, PS, 'idx', i).paths[0]!.result.kind).toBe('counter');
  });

  it.each([7n, 9n, 30n])('#14 untracked %s: WARN_ONCE "memcg_page_state: missing stat item", returns 0', (i) => {
    const t = run(v2, PS, 'idx', i);
    expect(warns(t)).toEqual([expect.objectContaining({ msg: `memcg_page_state: missing stat item ${i}` })]);
    expect(t.paths[0]!.result.kind).toBe('zero');
    // merged: rejected before the accessor
    const m = run(merged, PS, 'idx', i);
    expect(warns(m)).toHaveLength(0);
    expect(m.paths[0]!.result.kind).toBe('sentinel');
  });

  it.each([58n, 0xffff_ffff_ffff_ffffn, 0x8000_0000n])('#15 %s: -1 from the range check, no table read', (i) => {
    for (const fns of [v2, merged]) {
      const t = run(fns, PS, 'idx', i);
      expect(reads(t).filter((r) => r.status === 'oob')).toHaveLength(0);
      expect(t.paths[0]!.result.kind).toBe('sentinel');
    }
  });

  it('#16 stale PGPROMOTE_SUCCESS (41) on numa-off names another item', () => {
    expect(world('numa-off').constant('PGPROMOTE_SUCCESS')).toBeUndefined();
    expect(world('numa-off').enumName('node_stat_item', 41n)).toMatch(/^PGDEMOTE_/);
  });
});

describe('memory_events', () => {
  it('#17 MEMCG_OOM_KILL (4): in-bounds read of memory_events[4]', () => {
    const t = run(v2, ME, 'event', 4n);
    expect(reads(t)[0]).toMatchObject({ array: 'mem_cgroup.memory_events', index: 4n, status: 'in-bounds' });
  });

  it.each([10n, 0xffff_ffffn])('#18 %s: -1 by the unsigned >=, never a read', (e) => {
    const t = run(v2, ME, 'event', e);
    expect(reads(t)).toHaveLength(0);
    expect(t.paths[0]!.result.kind).toBe('sentinel');
  });
});

describe('flush_stats', () => {
  it('#20 records that it may sleep (KF_SLEEPABLE needed)', () => {
    const t = run(v2, 'bpf_mem_cgroup_flush_stats', '', 0n);
    expect(t.paths[0]!.effects.some((e) => e.kind === 'may-sleep')).toBe(true);
    expect(formatTrace(t).join('\n')).toContain('may sleep: mem_cgroup_flush_stats()');
  });
});
