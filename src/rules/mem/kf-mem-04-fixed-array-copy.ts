// KF-MEM-04: bound a copy into a fixed-size kernel array by the array's size. Reads the
// fixed-copy fact (src/facts/memory/fixed-copies.ts): copies from BPF memory into a local or
// member array whose length is bounded only by the source (a BPF string's length, a dynptr's
// size, no count at all) or by a cap larger than the array.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';

export default defineRule({
  meta: {
    id: 'KF-MEM-04',
    severity: 'error',
    description: 'Bound a copy from BPF memory into a fixed-size kernel array by the array, not by the source',
    rationale:
      "A kernel array (`char name[16]` on the stack, a member of a kernel object) has a size fixed at compile time. When a kfunc copies BPF memory into it, the BPF program decides how long the source is: the length of its string, its buffer's __sz, its dynptr's size. A length bounded only by that source, or by a cap written for a larger array, writes past the array: a kernel stack or heap overflow the program controls. Bound the length by sizeof() of the destination, or use a copier that takes it (strscpy(dst, src, sizeof(dst))).",
    kernels: 'all',
    messages: {
      unbounded:
        '{name}() copies BPF memory into `{dest}` ({bytes} bytes) with {callee}(){how}: {source}, so the program decides how much is written. Bound the copy by sizeof({dest})',
      capTooLarge:
        '{name}() copies up to {cap} bytes into `{dest}`, which holds {bytes}: the length is capped by `{capText}`, not by the array it is written into. Compare with sizeof({dest})',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const c of facts.fixedCopies(k)) {
        if (c.fits) continue;
        const known = c.bounds.filter((b) => b.value !== null);
        const base = {
          kfunc: k.name,
          file: k.file,
          line: c.entryLine,
          key: `${c.dest}:${c.callee}:${c.line}`,
        };
        const ev = [
          `destination: \`${c.dest}\`, ${c.destDecl}`,
          `copy: \`${c.call}\` at ${c.file}:${c.line}${c.chain.includes(' -> ') && c.fn !== k.name ? ` (chain: ${c.chain})` : ''}`,
          `BPF-controlled: ${c.bpfSource}`,
        ];
        if (known.length) {
          // A cap exists, but every known one is larger than the destination.
          const cap = known.reduce((a, b) => (a.value! <= b.value! ? a : b));
          report({
            ...base,
            messageId: 'capTooLarge',
            data: { name: k.name, cap: String(cap.value), dest: c.dest, bytes: String(c.destBytes), capText: cap.text },
            evidence: [
              ...ev,
              `cap: \`${cap.text}\` lets ${cap.value} bytes through; \`${c.dest}\` holds ${c.destBytes}`,
              `fix: \`if (len > sizeof(${c.dest})) return -E2BIG;\` (or -ENAMETOOLONG) before the copy`,
            ],
          });
          continue;
        }
        // A length derived from a BPF scalar and never bounded is the index rules' finding.
        if (c.fromScalar && !c.bounds.length) continue;
        if (c.fromScalar) continue;
        report({
          ...base,
          messageId: 'unbounded',
          severity: c.bounds.length ? 'warning' : 'error',
          data: {
            name: k.name,
            dest: c.dest,
            bytes: String(c.destBytes),
            callee: c.callee,
            how: c.length ? ` and length \`${c.length}\`` : ', which has no count',
            source: c.bpfSource,
          },
          evidence: [
            ...ev,
            c.bounds.length
              ? `bounds on the length: ${c.bounds.map((b) => `\`${b.text}\``).join(', ')}; none is known to be within ${c.destBytes} bytes`
              : 'no bound on the length before the copy',
            c.length
              ? `fix: bound it first (\`if (${c.length} >= sizeof(${c.dest})) return -E2BIG;\`), or use strscpy(${c.dest}, src, sizeof(${c.dest}))`
              : `fix: strscpy(${c.dest}, src, sizeof(${c.dest})) and reject -E2BIG`,
          ],
        });
      }
    }
  },
});
