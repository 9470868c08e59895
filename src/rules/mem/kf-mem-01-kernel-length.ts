// KF-MEM-01: bound a length the kernel computed by the verified size of the BPF buffer it is
// copied into or out of. Reads the buffer-access fact (src/facts/memory/buffers.ts): accesses of
// a `__sz`/`__szk` buffer whose length comes from a callee's result or a kernel object, with no
// clamp to the size and no size check that covers it.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';
import { accessEvidence, moves, unitMismatch } from './shared.js';

export default defineRule({
  meta: {
    id: 'KF-MEM-01',
    severity: 'error',
    description: 'Clamp a kernel-computed length to the verified size of the BPF buffer it copies',
    rationale:
      "The verifier checks a `buf, buf__sz` pair for exactly buf__sz bytes, a size the BPF program chooses. A length the kernel computes (a string length, a field of a kernel object, a callee's result) knows nothing of it: copying that many bytes into or out of buf overruns the program's buffer (a stack or map overwrite, or a kernel over-read) whenever the object is larger than the buffer. Clamp the length with min(len, buf__sz) or reject a larger one.",
    kernels: 'all',
    messages: {
      noCount:
        '{name}() writes into {buf} with {callee}(), which takes no count: it writes as much as its input holds, whatever {size} is. Use a bounded form (strscpy({buf}, src, {size}), snprintf({buf}, {size}, ...))',
      unclamped:
        '{name}() {dir} with {callee}(), a length the kernel computed, but never bounds it by {size}, the only size the verifier checked: clamp it with min({len}, {size}) or reject a larger one',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const a of facts.bufferAccesses(k)) {
        // A check of the same bit count in another unit is a unit error (KF-MEM-02), whoever computed the count.
        if (a.origin !== 'kernel' || a.clamped || a.covered === 'yes' || unitMismatch(a)) continue;
        if (a.extent.kind === 'bytes' && a.originNote?.includes('takes no count')) {
          report({
            messageId: 'noCount',
            // A size check in front may make room for every text the input can produce.
            severity: a.covered === 'unchecked' ? 'error' : 'warning',
            kfunc: k.name,
            file: k.file,
            line: a.entryLine,
            key: `${a.buf}:${a.callee}:${a.line}`,
            data: { name: k.name, buf: a.buf, callee: a.callee, size: a.sizeParam },
            evidence: [
              ...accessEvidence(a),
              `${a.callee}() has no count argument: the bytes written depend only on its input, never on ${a.sizeParam}`,
              `fix: strscpy(${a.buf}, src, ${a.sizeParam}) (it returns -E2BIG on truncation) or snprintf(${a.buf}, ${a.sizeParam}, ...)`,
            ],
          });
          continue;
        }
        report({
          messageId: 'unclamped',
          severity: a.covered === 'unknown' ? 'warning' : 'error',
          kfunc: k.name,
          file: k.file,
          line: a.entryLine,
          key: `${a.buf}:${a.callee}:${a.line}`,
          data: { name: k.name, dir: moves(a, `\`${a.lengthText}\` bytes`), len: a.lengthText, callee: a.callee, size: a.sizeParam },
          evidence: [
            ...accessEvidence(a),
            a.originNote ? `length: ${a.originNote}, computed by the kernel` : `length: \`${a.lengthText}\`, computed by the kernel`,
            a.checks.length
              ? `size checks in front of it: ${a.checks.map((c) => `\`${c.text.replace(/ \([\w.]+:\d+\)$/, '')}\``).join(', ')}; none is known to cover \`${a.lengthText}\``
              : `no check of ${a.sizeParam} and no clamp of \`${a.lengthText}\` before the ${a.mode}`,
            `fix: \`${a.lengthText} = min(${a.lengthText}, ${a.sizeParam});\` (or return -E2BIG/-ENOSPC when it is larger) before the ${a.callee}()`,
          ],
        });
      }
    }
  },
});
