// Helpers the memory rules (docs/rules/KF-MEM-*.md) share: how an access of a sized BPF buffer is
// worded in messages and evidence.
import type { BufferAccess } from '../../facts/memory/buffers.js';
import { describeSize } from '../../facts/memory/size-expr.js';

/** `writes WHAT into buf` / `reads WHAT from buf`. */
export const moves = (a: BufferAccess, what: string) =>
  a.mode === 'write' ? `writes ${what} into ${a.buf}` : `reads ${what} from ${a.buf}`;

/** The evidence lines every buffer finding starts with. */
export function accessEvidence(a: BufferAccess): string[] {
  const ev = [
    `parameters \`${a.buf}, ${a.sizeParam}\`: ${a.sizeParam} is the ${a.suffix} of ${a.buf}; the verifier checked ${a.buf} for exactly ${a.sizeParam} bytes, whatever the program passed`,
    `access: \`${a.call}\` at ${a.file}:${a.line} ${a.mode === 'write' ? 'writes' : 'reads'} ${describeSize(a.extent)} of ${a.buf}`,
  ];
  if (a.depth > 0) ev.push(`chain: ${a.chain}`);
  return ev;
}

/** A check of the same bit count as the access, in a unit too small for what the callee moves. */
export function unitMismatch(a: BufferAccess): boolean {
  const e = a.extent;
  return a.covered === 'no' && e.kind === 'bits' && a.checks.some((c) => c.size.kind === 'bits' && c.size.n === e.n);
}
