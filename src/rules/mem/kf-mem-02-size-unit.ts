// KF-MEM-02: check a BPF buffer's size against what the callee really moves. Reads the
// buffer-access fact (src/facts/memory/buffers.ts): accesses of a `__sz`/`__szk` buffer with a
// fixed extent (a constant, a type's size, a bit count rounded to the callee's unit) that no size
// check covers: none at all, one in another unit (bytes for a callee that moves whole longs, a
// count of longs used as bytes) or one of another type.
import { reviewedKfuncs } from '../../model/c-query.js';
import { describeSize, shortfall } from '../../facts/memory/size-expr.js';
import { defineRule } from '../contract.js';
import { accessEvidence, moves, unitMismatch } from './shared.js';

const bare = (t: string) => t.replace(/ \([\w.]+:\d+\)$/, '');

export default defineRule({
  meta: {
    id: 'KF-MEM-02',
    severity: 'error',
    description: "Check a BPF buffer's size against the bytes the callee really reads or writes",
    rationale:
      "The verifier checks a `buf, buf__sz` pair for buf__sz bytes, a size the program chooses, so the kfunc must reject sizes smaller than what it moves. The check must be in the callee's unit: bitmap_copy() and the bitmap_* operations move whole longs (bitmap_size(n) bytes, include/linux/bitmap.h), so `buf__sz < BITS_TO_BYTES(n)` lets a buffer up to 7 bytes too short through; BITS_TO_LONGS(n) is a count of longs, not bytes; sizeof() of another type checks another size.",
    kernels: 'all',
    messages: {
      unchecked:
        '{name}() {dir} with {callee}() but never checks {size}: a program may pass a shorter buffer. Reject {size} < {need} first',
      wrongUnit: '{name}() checks {size} against {check}, but {callee}() {verb} {extent}: {gap}. Check {size} against {need}',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const a of facts.bufferAccesses(k)) {
        if (a.clamped || (a.covered !== 'no' && a.covered !== 'unchecked')) continue;
        if (a.origin !== 'constant' && !unitMismatch(a)) continue;
        const needText = a.need;
        const base = { kfunc: k.name, file: k.file, line: a.entryLine, key: `${a.buf}:${a.callee}:${a.line}` };
        if (a.covered === 'unchecked') {
          report({
            ...base,
            messageId: 'unchecked',
            data: { name: k.name, dir: moves(a, describeSize(a.extent)), callee: a.callee, size: a.sizeParam, need: needText },
            evidence: [
              ...accessEvidence(a),
              `no check of ${a.sizeParam} dominates the ${a.mode}: a program passing a ${a.sizeParam} smaller than that gets its buffer overrun`,
              `fix: \`if (${a.sizeParam} < ${needText}) return -EINVAL;\` before the ${a.callee}()`,
            ],
          });
          continue;
        }
        const check = a.checks[0]!;
        // The check is where the fix goes when the kfunc makes it itself.
        const at = new RegExp(`\\(${k.name}:(\\d+)\\)$`).exec(check.text);
        const s = shortfall(check.size, a.extent);
        const gap = s
          ? `for ${s.n} bits the check lets ${s.have} bytes through while ${s.need} are ${a.mode === 'write' ? 'written' : 'read'}`
          : check.size.kind === 'const' && a.extent.kind === 'const'
            ? `${check.size.value} bytes pass the check while ${a.extent.value} are ${a.mode === 'write' ? 'written' : 'read'}`
            : `the check does not cover the access`;
        report({
          ...base,
          line: at ? Number(at[1]) : base.line,
          messageId: 'wrongUnit',
          data: {
            name: k.name,
            size: a.sizeParam,
            check: `\`${check.size.text}\``,
            callee: a.callee,
            verb: a.mode === 'write' ? 'writes' : 'reads',
            extent: describeSize(a.extent),
            gap,
            need: needText,
          },
          evidence: [
            ...accessEvidence(a),
            `size check: \`${bare(check.text)}\` establishes ${a.sizeParam} >= ${describeSize(check.size)}`,
            `gap: ${gap}`,
            `fix: compare ${a.sizeParam} with \`${needText}\`, the size the callee uses`,
          ],
        });
      }
    }
  },
});
