// C value domain: truncation of the 64-bit register and the usual arithmetic conversions.
import { describe, expect, it } from 'vitest';
import { TY, classifyType, commonType, literalType, wrap } from '../src/facts/semantics/ctype.js';
import { compareValues, typeFromText } from '../src/facts/semantics/conversions.js';
import { int } from '../src/facts/semantics/values.js';
import { enumIsSigned, evaluateKfunc, parseProbe, parseSnippet, traceKfunc } from '../src/facts/semantics/index.js';

const enumT = classifyType('enum vm_event_item', () => false);

describe('register truncation', () => {
  it('keeps the low 32 bits for u32/enum and reads them signed for int', () => {
    expect(wrap(0x1_0000_0017n, TY.u32)).toBe(23n);
    expect(wrap(0xffff_ffff_ffff_ffffn, enumT)).toBe(0xffff_ffffn);
    expect(wrap(0xffff_ffff_ffff_ffffn, TY.int)).toBe(-1n);
    expect(wrap(0x8000_0000n, TY.int)).toBe(-0x8000_0000n);
    expect(wrap(0xffff_ffff_ffff_ffffn, TY.ulong)).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('classifies kernel spellings', () => {
    expect(classifyType('const u32')).toMatchObject({ bits: 32, signed: false });
    expect(classifyType('s32')).toMatchObject({ bits: 32, signed: true });
    expect(classifyType('unsigned long')).toMatchObject({ bits: 64, signed: false });
    expect(classifyType('struct mem_cgroup *').kind).toBe('ptr');
    expect(enumT).toMatchObject({ kind: 'enum', signed: false, enumName: 'vm_event_item' });
  });
});

describe('comparisons follow the usual arithmetic conversions', () => {
  const ten = int(10); // an enumeration constant has type int
  it('enum (unsigned int) vs enum constant compares unsigned: -1 is rejected by >= N', () => {
    expect(compareValues('>=', int(-1n, enumT), ten)).toBe(true);
    expect(commonType(enumT, TY.int)).toMatchObject({ signed: false, bits: 32 });
  });
  it('int vs constant compares signed: -1 passes >= N', () => {
    expect(compareValues('>=', int(-1n, TY.int), ten)).toBe(false);
  });
  it('an explicit (u32) cast makes it unsigned again', () => {
    expect(compareValues('>=', int(wrap(-1n, TY.u32), TY.u32), ten)).toBe(true);
  });
  it('long vs unsigned int compares in long (LP64)', () => {
    expect(commonType(TY.long, TY.u32)).toBe(TY.long);
    expect(compareValues('<', int(-1n, TY.long), int(0, TY.u32))).toBe(true);
  });
});

describe('literals', () => {
  it('types integer literals like C', () => {
    expect(literalType('10')).toEqual({ value: 10n, type: TY.int });
    expect(literalType('0xFFFFFFFF')?.type).toBe(TY.u32);
    expect(literalType('4294967295')?.type).toBe(TY.long);
    expect(literalType('1UL')?.type).toBe(TY.ulong);
    expect(literalType('-1')?.value).toBe(-1n);
  });
});

describe('enums the patch defines', () => {
  const src = `
__bpf_kfunc unsigned long bpf_widget_level(struct mem_cgroup *memcg, enum widget_level lvl)
{
	if (lvl >= MEMCG_NR_MEMORY_EVENTS)
		return 0;
	return atomic_long_read(&memcg->memory_events[lvl]);
}
`;
  const fns = parseSnippet(src, 'widget.c');
  const k = fns.get('bpf_widget_level')!;
  const configs = ['distro-x86_64'];

  it('an enum with a negative enumerator compares signed, so -1 gets past `>= N`', () => {
    const enums = new Map([['widget_level', { hasNegative: true }]]);
    expect(enumIsSigned('widget_level', enums)).toBe(true);
    expect(typeFromText('enum widget_level', enums)).toMatchObject({ kind: 'enum', signed: true });
    const [v] = evaluateKfunc(k, { functions: fns, enums }, { configs });
    expect(v!.verdict).toBe('confirmed');
    expect(v!.witness).toMatchObject({ argValue: '-1' });
    expect(v!.domain).toMatch(/^s32 .*defined in the patch, has a negative enumerator/);
    const t = traceKfunc(k, { functions: fns, enums }, 'lvl', parseProbe('-1'), 'distro-x86_64');
    expect(t.paths[0]!.effects.some((e) => e.kind === 'read' && e.status === 'oob' && e.oob?.side === 'before')).toBe(true);
  });

  it('without it (or with no negative enumerator) the enum is unsigned and the check holds', () => {
    expect(evaluateKfunc(k, { functions: fns }, { configs })[0]!.verdict).toBe('refuted');
    const enums = new Map([['widget_level', { hasNegative: false }]]);
    expect(enumIsSigned('widget_level', enums)).toBe(false);
    expect(evaluateKfunc(k, { functions: fns, enums }, { configs })[0]!.verdict).toBe('refuted');
  });
});
