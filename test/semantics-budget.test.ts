// The work budget: a pathological body stops early with 'unconfirmed' (never 'refuted'),
// and the seed kfuncs stay well inside the default budget.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateKfunc, parseSnippet } from '../src/facts/semantics/index.js';

const ifs = Array.from({ length: 20 }, (_, i) => `\tif (opaque_check_${i}(memcg))\n\t\tacc += ${i};`).join('\n');
const pathological = `
__bpf_kfunc unsigned long bpf_slow_events(struct mem_cgroup *memcg, int idx)
{
	unsigned long acc = 0;
	int i, j;

	if (idx < 0 || idx >= MEMCG_NR_MEMORY_EVENTS)
		return 0;
	for (i = 0; i < 40; i++)
		for (j = 0; j < 40; j++)
			if (j > idx)
				acc++;
${ifs}
	return acc + memcg->memory_events[idx];
}
`;

describe('work budget', () => {
  it('stops a pathological kfunc quickly and says unconfirmed, with the budget in the evidence', () => {
    const fns = parseSnippet(pathological, 'slow.c');
    const t0 = performance.now();
    const v = evaluateKfunc(fns.get('bpf_slow_events')!, { functions: fns });
    const ms = performance.now() - t0;
    // Sanity bound only; real speed is measured by the benchmarks.
    expect(ms).toBeLessThan(5000);
    expect(v).toHaveLength(1);
    expect(v[0]!.verdict).toBe('unconfirmed');
    expect(v[0]!.budgetExhausted).toMatch(/step budget of \d+ exhausted/);
    expect(v[0]!.evidence.join('\n')).toMatch(/budget exhausted/);
  });

  it('a budget too small to finish never yields refuted', () => {
    const fns = parseSnippet(readFileSync('fixtures/_semantics/memcg-v2-style.c', 'utf8'), 'v2.c');
    const k = fns.get('bpf_mem_cgroup_memory_events')!;
    expect(evaluateKfunc(k, { functions: fns })[0]!.verdict).toBe('refuted');
    for (const steps of [50, 300, 1000]) {
      const [v] = evaluateKfunc(k, { functions: fns }, { budget: { steps } });
      expect(v?.verdict).toBe('unconfirmed');
      expect(v?.budgetExhausted).toMatch(/step budget/);
    }
    const [p] = evaluateKfunc(k, { functions: fns }, { budget: { probes: 3 } });
    expect(p?.verdict).toBe('unconfirmed');
    expect(p?.budgetExhausted).toMatch(/probe budget of 3/);
  });

  it('keeps a confirmed out-of-bounds read found before the budget ran out', () => {
    const fns = parseSnippet(readFileSync('fixtures/_semantics/memcg-v2-style.c', 'utf8'), 'v2.c');
    const [v] = evaluateKfunc(
      fns.get('bpf_mem_cgroup_vm_events')!,
      { functions: fns },
      { configs: ['distro-x86_64'], budget: { probes: 4 } },
    );
    expect(v?.verdict).toBe('confirmed');
    expect(v?.budgetExhausted).toBeDefined();
    expect(v?.witness).toMatchObject({ argValue: '121' });
  });

  it('the seed kfuncs finish inside the default budget', () => {
    const fns = parseSnippet(readFileSync('fixtures/_semantics/memcg-v2-style.c', 'utf8'), 'v2.c');
    for (const k of fns.values()) for (const v of evaluateKfunc(k, { functions: fns })) expect(v.budgetExhausted).toBeUndefined();
  });
});
