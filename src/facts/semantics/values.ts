// Runtime values of the interpreter. Concrete integers carry their C type; everything the
// engine cannot know exactly (counters, pointers, bytes past an array) is opaque with an
// origin, so a return value can still be classified. `taint` marks values derived from the
// probed kfunc parameter: only tainted reads count as sinks of that parameter.
import { type CType, TY, wrap } from './ctype.js';

export type Origin = 'counter' | 'garbage' | 'pointer' | 'unknown';

export interface IntVal {
  k: 'int';
  v: bigint;
  t: CType;
  taint: boolean;
}

export interface OpaqueVal {
  k: 'opaque';
  t: CType;
  origin: Origin;
  taint: boolean;
  desc: string;
  /** For pointers: the verifier guarantees non-NULL (trusted kfunc pointer arguments). */
  nonNull?: boolean;
}

export interface StrVal {
  k: 'str';
  s: string;
  taint: false;
}

export interface VoidVal {
  k: 'void';
  taint: false;
}

export type Value = IntVal | OpaqueVal | StrVal | VoidVal;

export const VOID: VoidVal = { k: 'void', taint: false };

export function int(v: bigint | number, t: CType = TY.int, taint = false): IntVal {
  return { k: 'int', v: wrap(BigInt(v), t), t, taint };
}

export function opaque(origin: Origin, desc: string, taint = false, t: CType = TY.ulong): OpaqueVal {
  return { k: 'opaque', t, origin, taint, desc };
}

export function typeOf(v: Value): CType {
  return v.k === 'int' || v.k === 'opaque' ? v.t : TY.ptr;
}

/** Worst origin wins: garbage (from out-of-bounds memory) dominates everything. */
export function mergeOrigin(a: Value, b: Value): Origin {
  const rank: Origin[] = ['garbage', 'unknown', 'counter', 'pointer'];
  const oa = a.k === 'opaque' ? a.origin : 'pointer';
  const ob = b.k === 'opaque' ? b.origin : 'pointer';
  for (const o of rank) if (oa === o || ob === o) return o === 'pointer' ? 'counter' : o;
  return 'unknown';
}

export function describe(v: Value): string {
  switch (v.k) {
    case 'int':
      return v.t.signed || v.v < 10n ? String(v.v) : `${v.v} (0x${v.v.toString(16)})`;
    case 'opaque':
      return `<${v.origin}: ${v.desc}>`;
    case 'str':
      return JSON.stringify(v.s);
    case 'void':
      return 'void';
  }
}
