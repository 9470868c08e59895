// A second model plugs in without engine changes: its table, constant and summary are used.
import { describe, expect, it } from 'vitest';
import { evaluateKfunc, parseSnippet, registerModel, traceKfunc } from '../src/facts/semantics/index.js';

registerModel({
  id: 'toy-sched',
  description: 'test-only model',
  constants: [{ name: 'TOY_NR_LEVELS', value: (w) => (w.has('NUMA') ? 8n : 4n) }],
  tables: [{ name: 'toy_levels', elem: 'ulong', len: 'TOY_NR_LEVELS', access: ['toy->levels'] }],
  summaries: [
    {
      name: 'toy_level_weight',
      params: [
        { name: 'toy', type: 'struct toy *' },
        { name: 'lvl', type: 'u32' },
      ],
      returns: 'unsigned long',
      run: (ctx, [, lvl]) => ctx.read('toy_levels', lvl!, ctx.argText(1)),
    },
    {
      name: 'toy_sleepy',
      params: [],
      returns: 'void',
      run: (ctx) => {
        ctx.maySleep('toy_sleepy()');
        return { k: 'void', taint: false };
      },
    },
  ],
});

const src = `
__bpf_kfunc unsigned long bpf_toy_direct(struct toy *toy, u32 lvl)
{
	if (lvl > TOY_NR_LEVELS)
		return 0;
	return toy->levels[lvl];
}
__bpf_kfunc unsigned long bpf_toy_via_summary(struct toy *toy, u32 lvl)
{
	toy_sleepy();
	if (lvl >= TOY_NR_LEVELS)
		return 0;
	return toy_level_weight(toy, lvl);
}
`;
const fns = parseSnippet(src);

describe('model registry', () => {
  it('finds the off-by-one in a direct access, per config', () => {
    const [v] = evaluateKfunc(fns.get('bpf_toy_direct')!, { functions: fns }, { configs: ['distro-x86_64', 'minimal'] });
    expect(v!.verdict).toBe('confirmed');
    expect(v!.bound).toEqual({ name: 'TOY_NR_LEVELS', values: { 'distro-x86_64': 8, minimal: 4 } });
    expect(v!.witness!.argValue).toBe('8');
  });

  it('goes through a registered summary and records MaySleep', () => {
    const [v] = evaluateKfunc(fns.get('bpf_toy_via_summary')!, { functions: fns }, { configs: ['minimal'] });
    expect(v!.verdict).toBe('refuted');
    expect(v!.chain).toBe('bpf_toy_via_summary(lvl) -> toy_level_weight(toy, lvl) -> toy_levels[lvl] (ulong[TOY_NR_LEVELS])');
    const t = traceKfunc(fns.get('bpf_toy_via_summary')!, { functions: fns }, 'lvl', 1n, 'minimal');
    expect(t.paths[0]!.effects[1]).toMatchObject({ kind: 'may-sleep', via: 'toy_sleepy()' });
  });
});
