// docs/memcg-model.md "Verdicts" on our own v2-style and merged-style snippets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateKfunc, parseSnippet, type ArgVerdict } from '../src/facts/semantics/index.js';

const load = (f: string) => parseSnippet(readFileSync(`fixtures/_semantics/${f}`, 'utf8'), f);
const v2 = load('memcg-v2-style.c');
const merged = load('memcg-merged-style.c');
const intParam = load('memcg-int-param.c');
const helpers = load('helpers-visible.c');
const CONFIGS = ['distro-x86_64', 'minimal'];

function verdicts(fns: ReturnType<typeof load>, kfunc: string, configs = CONFIGS): ArgVerdict[] {
  const k = fns.get(kfunc);
  if (!k) throw new Error(`no ${kfunc}`);
  return evaluateKfunc(k, { functions: fns }, { configs });
}
function one(fns: ReturnType<typeof load>, kfunc: string, configs = CONFIGS): ArgVerdict {
  const v = verdicts(fns, kfunc, configs);
  expect(v).toHaveLength(1);
  return v[0]!;
}

describe('seed v2', () => {
  it('vm_events: confirmed OOB on every config, plus a reachable WARN returning 0', () => {
    const v = one(v2, 'bpf_mem_cgroup_vm_events');
    expect(v.verdict).toBe('confirmed');
    expect(v.chain).toBe(
      'bpf_mem_cgroup_vm_events(event) -> memcg_events(memcg, event) -> memcg_events_index(event) -> mem_cgroup_events_index[event] (u8[NR_VM_EVENT_ITEMS])',
    );
    expect(v.array).toBe('mem_cgroup_events_index');
    expect(v.bound).toEqual({ name: 'NR_VM_EVENT_ITEMS', values: { 'distro-x86_64': 121, minimal: 49 } });
    expect(v.perConfig).toEqual({ 'distro-x86_64': 'confirmed', minimal: 'confirmed' });
    expect(v.witness).toMatchObject({ config: 'distro-x86_64', argValue: '121' });
    expect(v.witness!.forks).toHaveLength(3);
    expect(v.warn).toMatchObject({ returns: 'zero', reach: '90 of 121 in-range values' });
    expect(v.warn!.message).toContain('memcg_events: missing stat item');
    expect(v.guard).toBeNull();
    expect(v.evidence.join('\n')).toContain('no negative enumerators');
  });

  it('memory_events (enum): refuted by the unsigned >= check', () => {
    const v = one(v2, 'bpf_mem_cgroup_memory_events');
    expect(v.verdict).toBe('refuted');
    expect(v.guard).toBe('event >= MEMCG_NR_MEMORY_EVENTS');
    expect(v.array).toBe('mem_cgroup.memory_events');
    expect(v.warn).toBeNull();
  });

  it('page_state: the range check stops the OOB but not the WARN', () => {
    const v = one(v2, 'bpf_mem_cgroup_page_state');
    expect(v.verdict).toBe('warn-reachable');
    expect(v.guard).toBe('idx < 0 || idx >= MEMCG_NR_STAT');
    expect(v.array).toBe('mem_cgroup_stats_index');
    expect(v.warn).toMatchObject({
      returns: 'zero',
      reach: '18 of 58 in-range values',
      label: 'in-range 7 (NR_ISOLATED_ANON)',
      value: '7',
      name: 'NR_ISOLATED_ANON',
    });
  });

  it('usage and flush_stats have no index parameter, so no verdict', () => {
    expect(verdicts(v2, 'bpf_mem_cgroup_usage')).toEqual([]);
    expect(verdicts(v2, 'bpf_mem_cgroup_flush_stats')).toEqual([]);
  });
});

describe('merged style', () => {
  it('vm_events behind unlikely(!memcg_vm_event_item_valid()) is refuted on all profiles', () => {
    const v = one(merged, 'bpf_mem_cgroup_vm_events', []);
    expect(v.verdict).toBe('refuted');
    expect(Object.values(v.perConfig).every((x) => x === 'refuted')).toBe(true);
    expect(v.guard).toBe('unlikely(!memcg_vm_event_item_valid(event))');
    expect(v.evidence.join('\n')).toContain('memcg_vm_event_item_valid: idx >= NR_VM_EVENT_ITEMS');
    expect(v.warn).toBeNull();
  });

  it('page_state behind memcg_stat_item_valid() is refuted', () => {
    const v = one(merged, 'bpf_mem_cgroup_page_state');
    expect(v.verdict).toBe('refuted');
    expect(v.warn).toBeNull();
  });

  it('memory_events keeps its check inside unlikely()', () => {
    expect(one(merged, 'bpf_mem_cgroup_memory_events').verdict).toBe('refuted');
  });

  it('usage via page_counter_read has no verdict', () => {
    expect(verdicts(merged, 'bpf_mem_cgroup_usage')).toEqual([]);
  });
});

describe('signedness decides the memory_events guard', () => {
  it('the same check on an int parameter is confirmed via -1 (reads before the array)', () => {
    const v = one(intParam, 'bpf_memcg_events_by_int');
    expect(v.verdict).toBe('confirmed');
    expect(v.witness!.argValue).toBe('-1');
    expect(v.witness!.outcome).toContain('before the start');
  });

  it('a (u32) cast makes it safe again', () => {
    expect(one(intParam, 'bpf_memcg_events_by_int_cast').verdict).toBe('refuted');
  });
});

describe('config profiles', () => {
  it('a literal bound from the distro header is only safe on distro-x86_64', () => {
    const fns = load('memcg-hardcoded-bound.c');
    const v = one(fns, 'bpf_events_literal_bound');
    expect(v.perConfig['minimal']).toBe('confirmed');
    // On distro the bound holds; the untracked-item WARN is what remains.
    expect(v.perConfig['distro-x86_64']).toBe('warn-reachable');
    expect(v.verdict).toBe('confirmed');
    expect(v.witness).toMatchObject({ config: 'minimal', argValue: '49' });
  });
});

describe('visible helper definitions and unknown code', () => {
  it('follows definitions, goto out and the BAD_STAT_IDX macro: refuted', () => {
    const v = one(helpers, 'bpf_events_checked');
    expect(v.verdict).toBe('refuted');
    expect(v.chain).toContain('events_slot(idx)');
  });

  it('an accessor given as a definition (WARN_ONCE, READ_ONCE, vmstats->events) gives the same verdict as the summary', () => {
    const v = one(helpers, 'bpf_events_unchecked_visible');
    expect(v.verdict).toBe('confirmed');
    expect(v.chain).toBe(
      'bpf_events_unchecked_visible(event) -> acc_events(memcg, event) -> events_slot(event) -> mem_cgroup_events_index[idx] (u8[NR_VM_EVENT_ITEMS])',
    );
    expect(v.warn).toMatchObject({ returns: 'zero', reach: '90 of 121 in-range values', message: '%s: missing stat item %d' });
  });

  it('an unmodelled check leaves the finding unconfirmed', () => {
    const v = one(helpers, 'bpf_events_opaque');
    expect(v.verdict).toBe('unconfirmed');
  });
});

describe('WARN detail', () => {
  it('gives the plain input value, and no enumerator name past the last enumerator', () => {
    const fns = parseSnippet(
      `__bpf_kfunc unsigned long bpf_warn_on_range(struct mem_cgroup *memcg, int idx)
{
	if (WARN_ON_ONCE(idx < 0 || idx >= MEMCG_NR_MEMORY_EVENTS))
		return 0;
	return atomic_long_read(&memcg->memory_events[idx]);
}`,
      'warn.c',
    );
    const v = one(fns, 'bpf_warn_on_range');
    expect(v.verdict).toBe('warn-reachable');
    expect(v.warn!.label).toMatch(/first index past/);
    expect(v.warn!.value).toBe(v.warn!.label.split(' ')[0]);
    expect(v.warn!.name).toBeUndefined();
  });
});
