// C integer types as the engine needs them: width, signedness, and the usual arithmetic
// conversions. A BPF register is 64 bits; the callee only ever sees it truncated to the
// parameter's C type, so every value in the engine is kept normalised to its type.
import { SCALAR_SPELLINGS, type ScalarGroup } from '../../model/c-types.js';

export type TypeKind = 'int' | 'enum' | 'bool' | 'ptr' | 'void';

export interface CType {
  /** Display name, e.g. `u32`, `int`, `enum vm_event_item`. */
  name: string;
  kind: TypeKind;
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
  /** For kind 'enum': the enum tag. */
  enumName?: string;
}

const mk = (name: string, bits: CType['bits'], signed: boolean, kind: TypeKind = 'int'): CType => ({ name, kind, bits, signed });

export const TY = {
  s8: mk('s8', 8, true),
  u8: mk('u8', 8, false),
  s16: mk('s16', 16, true),
  u16: mk('u16', 16, false),
  int: mk('int', 32, true),
  u32: mk('u32', 32, false),
  long: mk('long', 64, true),
  ulong: mk('unsigned long', 64, false),
  bool: mk('bool', 8, false, 'bool'),
  ptr: mk('void *', 64, false, 'ptr'),
  void: mk('void', 64, false, 'void'),
} as const;

// Kernel and C spellings of the fixed-width integer types (LP64: long is 64 bits), from the one
// table of scalar spellings in model/c-types.ts. The engine keeps its own widths (TY).
const OF_GROUP: Record<ScalarGroup, CType> = {
  s8: TY.s8,
  u8: TY.u8,
  s16: TY.s16,
  u16: TY.u16,
  s32: TY.int,
  u32: TY.u32,
  s64: TY.long,
  u64: TY.ulong,
  bool: TY.bool,
};
// Spellings the engine has never modelled: they stay unknown types (kind 'void') so that its
// verdicts do not change until a model is reviewed for them.
const NOT_MODELLED = new Set([
  'signed short',
  'signed short int',
  'signed long int',
  'signed long long',
  'signed long long int',
  'pid_t',
  'gfp_t',
]);
const NAMED: Record<string, CType> = {
  ...Object.fromEntries(
    (Object.entries(SCALAR_SPELLINGS) as [ScalarGroup, readonly string[]][]).flatMap(([g, names]) =>
      names.filter((n) => !NOT_MODELLED.has(n)).map((n) => [n, OF_GROUP[g]]),
    ),
  ),
  // Not a C scalar (a struct wrapping a long), but the engine reads it as its counter.
  atomic_long_t: TY.long,
  void: TY.void,
};

const QUALIFIERS = /\b(const|volatile|register|static|inline|__always_inline|__maybe_unused|__must_check|restrict)\b/g;

/**
 * Classify a C type as written. `enumSigned` answers whether a named enum has a negative
 * enumerator (undefined = enum unknown to every model; we then follow GCC for the common
 * case and treat it as unsigned, and callers say so in their evidence).
 */
export function classifyType(text: string, enumSigned?: (name: string) => boolean | undefined): CType {
  const t = text.replace(QUALIFIERS, ' ').replace(/\s+/g, ' ').trim();
  if (t.includes('*') || t.includes('[')) return { ...TY.ptr, name: t };
  const em = /^enum\s+(\w+)$/.exec(t);
  if (em) {
    const name = em[1]!;
    // GCC/Clang ABI: an enum with no negative enumerator has underlying type unsigned int.
    const signed = enumSigned?.(name) ?? false;
    return { name: t, kind: 'enum', bits: 32, signed, enumName: name };
  }
  if (/^(struct|union)\b/.test(t)) return { ...TY.ptr, name: t, kind: 'void' };
  return NAMED[t] ?? { ...TY.long, name: t, kind: 'void' };
}

export function isScalar(t: CType): boolean {
  return t.kind === 'int' || t.kind === 'enum' || t.kind === 'bool';
}

export function mask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** Normalise a mathematical integer to the value a C object of type `t` holds. */
export function wrap(v: bigint, t: CType): bigint {
  if (t.kind === 'bool') return v === 0n ? 0n : 1n;
  const m = mask(t.bits);
  const u = v & m;
  if (!t.signed) return u;
  const sign = 1n << BigInt(t.bits - 1);
  return u >= sign ? u - (1n << BigInt(t.bits)) : u;
}

/** Integer promotion: anything narrower than int becomes int. */
export function promote(t: CType): CType {
  if (t.kind === 'ptr') return TY.ulong;
  if (t.bits < 32) return TY.int;
  if (t.kind === 'enum') return t.signed ? TY.int : TY.u32;
  return t;
}

/**
 * Usual arithmetic conversions (C11 6.3.1.8) on LP64. After promotion both sides are 32 or
 * 64 bits; the wider type wins (a 64-bit signed type can hold every u32), and at equal width
 * unsigned wins. This is why `enum_value >= ENUM_CONST` compares unsigned while
 * `int_value >= ENUM_CONST` compares signed.
 */
export function commonType(a: CType, b: CType): CType {
  const pa = promote(a);
  const pb = promote(b);
  if (pa.bits !== pb.bits) return pa.bits > pb.bits ? pa : pb;
  if (pa.signed && pb.signed) return pa;
  return pa.signed ? pb : pa;
}

/** Type of an integer literal per C rules (decimal: int, long; hex/octal also the unsigned ones). */
export function literalType(text: string): { value: bigint; type: CType } | null {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text.replace(/'/g, ''));
  if (!m) return null;
  const neg = m[1] === '-';
  const body = m[2]!;
  const mag = body.length > 1 && body[0] === '0' && !/^0[xX]/.test(body) ? BigInt('0o' + body.slice(1)) : BigInt(body);
  const suf = m[3]!.toLowerCase();
  const unsignedSuffix = suf.includes('u');
  const longSuffix = suf.includes('l');
  const decimal = !/^0/.test(body) || body === '0';
  let type: CType;
  if (unsignedSuffix) type = !longSuffix && mag <= 0xffffffffn ? TY.u32 : TY.ulong;
  else if (!longSuffix && mag <= 0x7fffffffn) type = TY.int;
  else if (!longSuffix && !decimal && mag <= 0xffffffffn) type = TY.u32;
  else if (mag <= 0x7fffffffffffffffn || decimal) type = TY.long;
  else type = TY.ulong;
  // A leading '-' is unary minus applied to the literal in its own type.
  return { value: wrap(neg ? -mag : mag, type), type };
}

export function hex(v: bigint): string {
  return v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16);
}
