// What a BPF-controlled scalar argument can be once it reaches C: the verifier only checks
// SCALAR_VALUE, so the whole 64-bit register arrives, truncated to the parameter's type.
import { type CType, isScalar } from './ctype.js';
import { enumSpec } from './registry.js';
import { typeFromText } from './interpreter.js';

export function paramCType(type: string): CType {
  return typeFromText(type);
}

export function isProbeable(type: string, pointer: boolean): boolean {
  return !pointer && isScalar(paramCType(type));
}

/** One line for evidence: how the register is truncated and why. */
export function describeDomain(type: string): string {
  const t = paramCType(type);
  const width = `${t.signed ? 's' : 'u'}${t.bits}`;
  if (t.kind === 'enum') {
    const known = enumSpec(t.enumName ?? '') !== undefined;
    return known
      ? `${width} (enum ${t.enumName} has no negative enumerators, so GCC/Clang give it type unsigned int; the verifier does not check the enum range)`
      : `${width} (enum ${t.enumName} is not modelled; assumed to have no negative enumerators, so unsigned)`;
  }
  if (t.kind === 'bool') return 'bool (any non-zero register becomes 1)';
  return `${width} (low ${t.bits} bits of the BPF register${t.signed ? ', read as signed' : ''})`;
}
