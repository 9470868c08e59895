// KF-IDX-* / KF-RET-* acceptance: the seed case (when the reference copy is present), the
// example series, and the same cases on our own fixtures so the suite never depends on it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reviewText } from '../src/pipeline/review.js';
import type { Finding } from '../src/core/types.js';

const SEED = '/work/shared/reference/seed-memcg-kfuncs-v2.txt';
const ROOT = join(import.meta.dirname, '..');
const IDX = /^KF-(IDX|RET)-/;

async function review(path: string, abs = false): Promise<Finding[]> {
  const p = abs ? path : join(ROOT, path);
  const r = await reviewText(readFileSync(p, 'utf8'), p);
  return r.findings.filter((f) => IDX.test(f.rule));
}
const fx = (rule: string, name: string) => `fixtures/${rule}/${name}.patch`;
const on = (fs: Finding[], kfunc: string) => fs.filter((f) => f.kfunc === kfunc);
const claim = (f: Finding, id: string) => f.claims?.find((c) => c.id === id);

/** The v2 shape: vm_events confirmed OOB + WARN; page_state WARN only; usage/flush clean. */
function expectSeedShape(fs: Finding[], names: { vm: string; ps: string; quiet: string[] }, witness: string) {
  const vm = on(fs, names.vm);
  const oob = vm.find((f) => f.severity === 'error');
  expect(oob, 'vm_events error').toBeDefined();
  expect(oob!.rule).toMatch(/^KF-IDX-0[12]$/);
  expect(oob!.verdict).toBe('confirmed');
  const ev = oob!.evidence.join('\n');
  expect(ev).toContain('mem_cgroup_events_index');
  expect(ev).toContain('NR_VM_EVENT_ITEMS');
  expect(ev).toContain(`= ${witness}`);
  expect(oob!.message).toContain(`= ${witness}`);
  expect(claim(oob!, 'verifier-range-checks-enum')).toMatchObject({ holds: false });
  expect(claim(oob!, 'signed-enum-bypass')).toMatchObject({ holds: false });
  const warn = vm.find((f) => f.rule === 'KF-RET-01');
  expect(warn, 'vm_events WARN').toBeDefined();
  expect(warn!.verdict).toBe('warn-reachable');
  expect(warn!.message).toContain('WARN_ONCE');
  expect(warn!.evidence.join('\n')).toMatch(/of 121 in-range values/);

  const ps = on(fs, names.ps);
  expect(ps.filter((f) => f.severity === 'error')).toEqual([]);
  expect(ps.filter((f) => f.rule.startsWith('KF-IDX'))).toEqual([]);
  expect(ps.map((f) => [f.rule, f.verdict])).toEqual([['KF-RET-01', 'warn-reachable']]);
  expect(claim(ps[0]!, 'range-check-sufficient')).toMatchObject({ holds: false });
  for (const q of names.quiet) expect(on(fs, q)).toEqual([]);
}

describe.runIf(existsSync(SEED))('seed v2 (reference copy)', () => {
  it('vm_events confirmed + WARN, page_state warn-reachable only, usage/flush clean', async () => {
    const fs = await review(SEED, true);
    expectSeedShape(
      fs,
      { vm: 'bpf_mem_cgroup_vm_events', ps: 'bpf_mem_cgroup_page_state', quiet: ['bpf_mem_cgroup_usage', 'bpf_mem_cgroup_flush_stats'] },
      '121',
    );
    const vm = fs.find((f) => f.kfunc === 'bpf_mem_cgroup_vm_events' && f.severity === 'error')!;
    expect(vm.evidence.join('\n')).toContain(
      'bpf_mem_cgroup_vm_events(event) -> memcg_events(memcg, event) -> memcg_events_index(event) -> mem_cgroup_events_index[event] (u8[NR_VM_EVENT_ITEMS])',
    );
    // the sibling's guard is incomplete (its WARN stays reachable): named, but not suggested as the fix
    expect(vm.evidence.join('\n')).toMatch(
      /sibling bpf_mem_cgroup_page_state\(\) checks idx with `idx < 0 \|\| idx >= MEMCG_NR_STAT` .*incomplete .*do not copy it/,
    );
    expect(vm.evidence.join('\n')).not.toMatch(/suggested fix/);
  });
});

describe('example series and own fixtures', () => {
  it('examples/memcg-kfuncs-v2.mbox has the v2 shape', async () => {
    const fs = await review('examples/memcg-kfuncs-v2.mbox');
    expect(fs.some((f) => f.severity === 'error' && f.verdict === 'confirmed')).toBe(true);
    expect(fs.filter((f) => f.rule === 'KF-RET-01').length).toBeGreaterThanOrEqual(2);
  });

  it('own v2-style fixture has the v2 shape', async () => {
    const fs = await review(fx('KF-IDX-02', 'bad-memcg-vm-events-unchecked'));
    expectSeedShape(fs, { vm: 'bpf_memcg_vm_event', ps: 'bpf_memcg_page_state', quiet: [] }, '121');
  });

  it('merged style (memcg_*_valid() under unlikely()) has no finding at warning or above', async () => {
    const fs = await review(fx('KF-IDX-02', 'ok-memcg-merged-style'));
    expect(fs.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('enum memory_events with `event >= MEMCG_NR_MEMORY_EVENTS` is not reported (refuted)', async () => {
    expect(await review(fx('KF-IDX-01', 'ok-memcg-memory-events-enum-check'))).toEqual([]);
  });

  it('the same check on an int parameter is reported with witness -1 and the signed claim holding', async () => {
    const [f, ...rest] = await review(fx('KF-IDX-04', 'bad-memcg-int-event-signed'));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'KF-IDX-04', severity: 'error', verdict: 'confirmed' });
    expect(f!.message).toContain('event = -1');
    expect(claim(f!, 'signed-enum-bypass')).toMatchObject({ holds: true });
    expect(claim(f!, 'verifier-range-checks-enum')).toMatchObject({ holds: false });
  });

  it('an unchecked enum index into memory_events is confirmed (witness 10 = the bound)', async () => {
    const [f] = await review(fx('KF-IDX-01', 'bad-memcg-memory-events-direct'));
    expect(f).toMatchObject({ rule: 'KF-IDX-01', severity: 'error', verdict: 'confirmed' });
    expect(f!.evidence.join('\n')).toContain('MEMCG_NR_MEMORY_EVENTS');
  });

  it('config profiles: a literal bound is stale on the minimal profile only', async () => {
    const fs = await review(fx('KF-IDX-04', 'bad-memcg-stale-bound'));
    const f = fs.find((x) => x.rule === 'KF-IDX-04')!;
    expect(f).toMatchObject({ severity: 'error', verdict: 'confirmed' });
    expect(f.message).toContain('(minimal)');
    expect(f.evidence.join('\n')).toMatch(/per config: distro-x86_64 warn-reachable, minimal confirmed/);
    expect(f.evidence.join('\n')).toMatch(/121 \(distro-x86_64\), 49 \(minimal\)/);
  });

  it('warn-reachable: range check without the sentinel check', async () => {
    const fs = await review(fx('KF-RET-01', 'bad-memcg-page-state-range-only'));
    expect(fs.map((f) => [f.rule, f.severity, f.verdict])).toEqual([['KF-RET-01', 'warning', 'warn-reachable']]);
    expect(claim(fs[0]!, 'warn-is-harmless')).toMatchObject({ holds: false });
    expect(claim(fs[0]!, 'signed-enum-bypass')).toMatchObject({ holds: false });
  });

  it('refuted: the validator helper stops every probe, nothing is reported', async () => {
    expect(await review(fx('KF-RET-01', 'ok-memcg-stat-valid-helper'))).toEqual([]);
  });

  it('unconfirmed: unmodelled arrays and callees give warnings, never errors', async () => {
    for (const [rule, name] of [
      ['KF-IDX-01', 'bad-widget-table-and-bit'],
      ['KF-IDX-02', 'bad-gadget-cpu-and-helper'],
      ['KF-IDX-04', 'bad-widget-signed-level'],
      ['KF-IDX-03', 'bad-gadget-sibling-slot'],
    ] as const) {
      const fs = await review(fx(rule, name));
      expect(fs.length, name).toBeGreaterThan(0);
      for (const f of fs) expect([f.severity, f.verdict], `${name} ${f.kfunc}`).toEqual(['warning', 'unconfirmed']);
    }
  });

  it('sibling inconsistency quotes the sibling guard', async () => {
    const [f] = await review(fx('KF-IDX-03', 'bad-gadget-sibling-slot'));
    expect(f!.message).toContain('`slot >= GADGET_NR_SLOTS`');
    expect(f!.evidence.join('\n')).toContain('bpf_gadget_slot_peak()');
  });

  it('vmlinux-constants claim is answered on every index finding', async () => {
    const fs = await review(fx('KF-IDX-02', 'bad-memcg-vm-events-unchecked'));
    for (const f of fs) expect(claim(f, 'vmlinux-constants-only'), f.rule).toMatchObject({ holds: false });
  });
});
