// C value domain: truncation of the 64-bit register and the usual arithmetic conversions.
import { describe, expect, it } from 'vitest';
import { TY, classifyType, commonType, literalType, wrap } from '../src/analysis/semantics/ctype.js';
import { compareValues } from '../src/analysis/semantics/interpreter.js';
import { int } from '../src/analysis/semantics/values.js';
import '../src/analysis/semantics/index.js';

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
