// What a BPF-controlled scalar argument can be once it reaches C: the verifier only checks
// SCALAR_VALUE, so the whole 64-bit register arrives, truncated to the parameter's type.
import { type CType, isScalar } from './ctype.js';
import { enumSpec } from './registry.js';
import { type PatchEnums, typeFromText } from './conversions.js';

export function paramCType(type: string, enums?: PatchEnums): CType {
  return typeFromText(type, enums);
}

export function isProbeable(type: string, pointer: boolean, enums?: PatchEnums): boolean {
  return !pointer && isScalar(paramCType(type, enums));
}

/** One line for evidence: how the register is truncated and why. */
export function describeDomain(type: string, enums?: PatchEnums): string {
  const t = paramCType(type, enums);
  const width = `${t.signed ? 's' : 'u'}${t.bits}`;
  if (t.kind === 'enum' && enums?.has(t.enumName ?? '')) {
    return t.signed
      ? `${width} (enum ${t.enumName}, defined in the patch, has a negative enumerator, so it is signed int; the verifier does not check the enum range)`
      : `${width} (enum ${t.enumName}, defined in the patch, has no negative enumerators, so GCC/Clang give it type unsigned int; the verifier does not check the enum range)`;
  }
  if (t.kind === 'enum') {
    const known = enumSpec(t.enumName ?? '') !== undefined;
    return known
      ? `${width} (enum ${t.enumName} has no negative enumerators, so GCC/Clang give it type unsigned int; the verifier does not check the enum range)`
      : `${width} (enum ${t.enumName} is not modelled; assumed to have no negative enumerators, so unsigned)`;
  }
  if (t.kind === 'bool') return 'bool (any non-zero register becomes 1)';
  return `${width} (low ${t.bits} bits of the BPF register${t.signed ? ', read as signed' : ''})`;
}
