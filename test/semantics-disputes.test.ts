// The disputes catalogue: per-parameter assessment and reply matching.
import { describe, expect, it } from 'vitest';
import { DISPUTES, claimsFor, matchDisputeReply } from '../src/facts/disputes.js';
import '../src/facts/semantics/index.js';

const holds = (ctx: Parameters<typeof claimsFor>[0], id: string) => claimsFor(ctx).find((c) => c.id === id)?.holds;

describe('catalogue', () => {
  it('has the two seed disputes, both false in general', () => {
    expect(DISPUTES.find((d) => d.id === 'verifier-range-checks-enum')?.holds).toBe(false);
    expect(DISPUTES.find((d) => d.id === 'signed-enum-bypass')?.holds).toBe(false);
    for (const d of DISPUTES) expect(d.evidence.length).toBeGreaterThan(0);
  });
});

describe('claimsFor', () => {
  it('the verifier claim never holds, even with __k', () => {
    expect(holds({ paramType: 'enum vm_event_item' }, 'verifier-range-checks-enum')).toBe(false);
    expect(holds({ paramType: 'u32', suffix: '__k' }, 'verifier-range-checks-enum')).toBe(false);
  });

  it('signed-enum bypass: false for an unsigned enum, true for int with only >= N', () => {
    expect(holds({ paramType: 'enum memcg_memory_event', guard: 'event >= MEMCG_NR_MEMORY_EVENTS' }, 'signed-enum-bypass')).toBe(false);
    expect(holds({ paramType: 'int', guard: 'idx >= MEMCG_NR_STAT' }, 'signed-enum-bypass')).toBe(true);
    expect(holds({ paramType: 'int', guard: 'idx < 0 || idx >= MEMCG_NR_STAT' }, 'signed-enum-bypass')).toBe(false);
    expect(holds({ paramType: 'int', guard: '(u32)idx >= MEMCG_NR_STAT' }, 'signed-enum-bypass')).toBe(false);
    expect(holds({ paramType: 'u32', guard: 'x >= N' }, 'signed-enum-bypass')).toBeUndefined();
  });

  it('range-check sufficiency follows the verdict', () => {
    expect(holds({ paramType: 'int', verdict: 'warn-reachable' }, 'range-check-sufficient')).toBe(false);
    expect(holds({ paramType: 'int', verdict: 'refuted' }, 'range-check-sufficient')).toBe(true);
  });
});

describe('matchDisputeReply', () => {
  it('maps the seed replies to claims', () => {
    const r1 = matchDisputeReply('This is a false positive: the check is enforced by the bpf verifier based on type information.');
    expect(r1.disputes).toBe(true);
    expect(r1.claims.map((c) => c.id)).toContain('verifier-range-checks-enum');
    expect(matchDisputeReply('the bpf verifier enforces event > 0').claims[0]?.id).toBe('verifier-range-checks-enum');
    expect(matchDisputeReply('enum is signed, so -1 bypasses the check').claims[0]?.id).toBe('signed-enum-bypass');
    expect(matchDisputeReply('programs use vmlinux.h constants anyway').claims[0]?.id).toBe('vmlinux-constants-only');
  });

  it('infers the verifier claim for a bare "false positive" on a scalar finding', () => {
    const r = matchDisputeReply('False positive, as explained on v1.', { paramType: 'enum vm_event_item' });
    expect(r.claims).toEqual([expect.objectContaining({ id: 'verifier-range-checks-enum', inferred: true })]);
  });

  it('does not see a dispute in an ack', () => {
    expect(matchDisputeReply('Acked-by: Someone <a@b.c>\nLooks good to me.')).toEqual({ disputes: false, claims: [] });
  });
});

describe('claimsFor signedness', () => {
  const neg = new Map([
    ['widget_level', { hasNegative: true }],
    ['widget_kind', { hasNegative: false }],
  ]);

  it('an enum the patch defines with a negative enumerator is signed', () => {
    expect(holds({ paramType: 'enum widget_level', guard: 'lvl >= WIDGET_NR_LEVELS', enums: neg }, 'signed-enum-bypass')).toBe(true);
    expect(holds({ paramType: 'enum widget_level', guard: 'lvl < 0 || lvl >= WIDGET_NR_LEVELS', enums: neg }, 'signed-enum-bypass')).toBe(
      false,
    );
    expect(holds({ paramType: 'enum widget_kind', guard: 'k >= WIDGET_NR_KINDS', enums: neg }, 'signed-enum-bypass')).toBe(false);
    // Without the patch's enums an unknown enum follows GCC's rule: unsigned.
    expect(holds({ paramType: 'enum widget_level', guard: 'lvl >= WIDGET_NR_LEVELS' }, 'signed-enum-bypass')).toBe(false);
  });

  it('a comparison done in an unsigned type is a lower bound', () => {
    const h = (paramType: string, guard: string) => holds({ paramType, guard }, 'signed-enum-bypass');
    expect(h('int', 'cpu >= nr_cpu_ids')).toBe(false);
    expect(h('int', 'unlikely(cpu >= nr_cpu_ids)')).toBe(false);
    expect(h('int', 'cpu < num_possible_cpus()')).toBe(false);
    expect(h('int', 'idx >= ARRAY_SIZE(tbl)')).toBe(false);
    expect(h('int', 'idx >= 16U')).toBe(false);
    expect(h('int', '(u32)idx >= MEMCG_NR_STAT')).toBe(false);
    expect(h('int', 'idx >= (unsigned int)MEMCG_NR_STAT')).toBe(false);
    expect(h('s32', '(unsigned long)idx > MAX')).toBe(false);
    // A 64-bit signed value against a 32-bit unsigned bound still compares signed.
    expect(h('long', 'idx >= nr_cpu_ids')).toBe(true);
    expect(h('int', 'idx >= 16')).toBe(true);
    expect(h('int', 'idx << 2 >= N')).toBe(true);
    expect(h('int', '(s32)idx >= nr_node_ids + 1')).toBe(true);
  });

  it('an unsigned or unknown parameter type gets no signed claim; a complete flow guard is trusted', () => {
    expect(holds({ paramType: 'unsigned int', guard: 'x >= N' }, 'signed-enum-bypass')).toBeUndefined();
    expect(holds({ paramType: 'const u32', guard: 'x >= N' }, 'signed-enum-bypass')).toBeUndefined();
    expect(holds({ paramType: 'cpu_id_t', guard: 'x >= N' }, 'signed-enum-bypass')).toBeUndefined();
    expect(holds({ paramType: 'int', guard: 'i >= N', guardComplete: true }, 'signed-enum-bypass')).toBe(false);
    expect(holds({ paramType: 'int', guard: null, guardComplete: true }, 'signed-enum-bypass')).toBe(true);
  });
});
