// C's rules for engine values: type spellings classified with the patch's enums, and the usual
// arithmetic conversions for comparing and converting values.
import { type CType, classifyType, commonType, wrap } from './ctype.js';
import { enumSpec } from './registry.js';
import type { Value } from './values.js';

/** Enums visible in the patch: a negative enumerator makes the enum signed. */
export type PatchEnums = ReadonlyMap<string, { hasNegative: boolean }>;

export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * Is enum `name` signed? An enum the patch defines decides by its own enumerators; our model
 * enums carry no negative enumerators; unknown enums (undefined) fall back to GCC's rule.
 */
export function enumIsSigned(name: string, enums?: PatchEnums): boolean | undefined {
  const e = enums?.get(name);
  if (e) return e.hasNegative;
  return enumSpec(name) ? false : undefined;
}

export function typeFromText(text: string, enums?: PatchEnums): CType {
  return classifyType(text, (n) => enumIsSigned(n, enums));
}

/** C comparison after the usual arithmetic conversions; null when either side is not concrete. */
export function compareValues(op: CmpOp, a: Value, b: Value): boolean | null {
  if (a.k === 'int' && b.k === 'int') {
    const ct = commonType(a.t, b.t);
    const x = wrap(a.v, ct);
    const y = wrap(b.v, ct);
    switch (op) {
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      case '>=':
        return x >= y;
      case '==':
        return x === y;
      case '!=':
        return x !== y;
    }
  }
  // A trusted kfunc pointer is never NULL.
  const ptrVsZero = (p: Value, z: Value): boolean => p.k === 'opaque' && p.nonNull === true && z.k === 'int' && z.v === 0n;
  if ((op === '==' || op === '!=') && (ptrVsZero(a, b) || ptrVsZero(b, a))) return op === '!=';
  return null;
}

export function convertValue(v: Value, t: CType): Value {
  if (t.kind === 'void') return v;
  if (v.k === 'int') return { k: 'int', v: wrap(v.v, t), t, taint: v.taint };
  if (v.k === 'opaque') return { ...v, t };
  return v;
}
