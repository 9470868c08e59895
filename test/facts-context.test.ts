// The facts context (src/facts/context.ts): one per model, each fact computed once, and the
// same context handed to every rule by the engine.
import { describe, expect, it } from 'vitest';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import type { PatchModel } from '../src/model/model.js';
import { factsFor } from '../src/facts/context.js';
import { runRules } from '../src/core/engine.js';
import { type RuleContext, defineRule } from '../src/rules/contract.js';

const C = `
static u64 widget_table[8];

__bpf_kfunc u64 bpf_widget_read(int idx)
{
	if (idx == 3)
		return 0;
	return widget_table[idx];
}

__bpf_kfunc int bpf_widget_reset(u32 mode)
{
	if (mode > 1)
		return -EINVAL;
	return 0;
}
`;

function model(): PatchModel {
  return buildModel([sourceFromFile('kernel/bpf/widget.c', C)], {
    subject: '',
    index: 0,
    total: 0,
    target: { version: null, major: 0, minor: 0, source: 'default', reason: 'test' },
  });
}

const kfunc = (m: PatchModel, name: string) => m.kfuncs.find((k) => k.name === name)!;

describe('facts context', () => {
  it('is one context per model', () => {
    const a = model();
    expect(factsFor(a)).toBe(factsFor(a));
    expect(factsFor(model())).not.toBe(factsFor(a));
  });

  it('computes the flows of a function once', () => {
    const m = model();
    const facts = factsFor(m);
    const flows = facts.flows(kfunc(m, 'bpf_widget_read'));
    expect(facts.flows(kfunc(m, 'bpf_widget_read'))).toBe(flows);
    expect(flows.map((f) => f.name)).toEqual(['idx']);
    expect(flows[0]!.sinks.some((s) => s.kind === 'subscript' && s.target === 'widget_table' && s.status === 'none')).toBe(true);
  });

  it('skips the semantics engine when no value reaches a modelled table', () => {
    const m = model();
    const v = factsFor(m).verdicts(kfunc(m, 'bpf_widget_read'));
    expect(v.size).toBe(0);
    expect(factsFor(m).verdicts(kfunc(m, 'bpf_widget_read'))).toBe(v);
  });

  it('tells whether a success path can return 0', () => {
    const m = model();
    expect(factsFor(m).successMayReturnZero(kfunc(m, 'bpf_widget_read'))).toBe(true);
    expect(factsFor(m).successMayReturnZero(kfunc(m, 'bpf_widget_reset'))).toBe(false);
  });

  it('scans sleeps, atomic sections and pointer uses once per function', () => {
    const m = model();
    const facts = factsFor(m);
    const k = kfunc(m, 'bpf_widget_read');
    expect(facts.sleeps(k)).toBe(facts.sleeps(k));
    expect(facts.atomicSections(k)).toBe(facts.atomicSections(k));
    expect(facts.sleeps(k).hits).toEqual([]);
  });

  it('is handed to every rule by the engine', () => {
    const m = model();
    const seen: RuleContext['facts'][] = [];
    const probe = (id: string) =>
      defineRule({
        meta: { id, severity: 'info', description: 'probe', rationale: 'probe', kernels: 'all', messages: { x: 'x' } },
        check({ facts }) {
          seen.push(facts);
        },
      });
    runRules(m, [probe('T-1'), probe('T-2')]);
    expect(seen).toEqual([factsFor(m), factsFor(m)]);
    expect(seen[0]).toBe(seen[1]);
  });
});
