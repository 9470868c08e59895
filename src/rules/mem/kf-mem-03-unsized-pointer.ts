// KF-MEM-03: give a scalar pointer argument the size it is read with. Reads the unsized-pointer
// fact (src/facts/memory/unsized-pointers.ts): `char *`/`u32 *` arguments without `__str`, a
// following `__sz`/`__szk`, or another suffix, read as a C string, with a count, or at an element
// past the first, in the kfunc or a visible helper.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';

export default defineRule({
  meta: {
    id: 'KF-MEM-03',
    severity: 'error',
    description: 'Type a string argument __str (or size a scalar pointer with __sz) before reading past its first element',
    rationale:
      "For a pointer to a scalar with no suffix and no size argument after it, the verifier checks exactly one element (kernel/bpf/verifier.c, KF_ARG_PTR_TO_MEM: check_mem_reg() with the pointee's size): one byte for `char *`. Reading it as a C string (strlen, strcmp, kstrto*, a %s conversion, a bprintf format), copying more bytes from it, or indexing past element 0 reads memory the verifier never checked, past the end of the program's stack slot or map value. Name it `name__str` (a constant, NUL-terminated string the verifier proves) or pass `buf, buf__sz`.",
    kernels: 'all',
    messages: {
      stringRead:
        '{name}() reads {param} as a C string ({callee}()), but `{type} {param}` has no __str suffix and no size: the verifier checked only {elem} byte{s} of it. Rename it {param}__str, or pass a size with __sz',
      countRead:
        '{name}() passes {param} to {callee}() with a count of more than its one element, but `{type} {param}` has no size argument: the verifier checked only {elem} byte{s}. Pass `{param}, {param}__sz`',
      indexRead:
        '{name}() reaches past the first element of {param} (`{text}`), but `{type} {param}` has no size argument: the verifier checked only {elem} byte{s}. Pass `{param}, {param}__sz`',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      const seen = new Set<string>();
      for (const o of facts.unsizedOverReads(k)) {
        // One finding per parameter and kind: the first use says it.
        const key = `${o.param}:${o.how}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const data = {
          name: k.name,
          param: o.param,
          type: o.type,
          elem: String(o.elemBytes),
          s: o.elemBytes === 1 ? '' : 's',
          callee: o.callee ?? '',
          text: o.text,
        };
        report({
          messageId: o.how === 'string' ? 'stringRead' : o.how === 'count' ? 'countRead' : 'indexRead',
          severity: o.certain ? 'error' : 'warning',
          kfunc: k.name,
          file: k.file,
          line: o.entryLine,
          key,
          data,
          evidence: [
            `parameter \`${o.type} ${o.param}\`: no __str/__sz suffix and no __sz/__szk argument after it, so the verifier checks ${o.elemBytes} byte${o.elemBytes === 1 ? '' : 's'} (sizeof *${o.param})`,
            `use: \`${o.text}\` at ${o.file}:${o.line}${o.depth > 0 ? ` (chain: ${o.chain})` : ''}`,
            o.how === 'string'
              ? `${o.callee}() reads until the NUL: any string longer than the checked byte${o.elemBytes === 1 ? '' : 's'} is read past the memory the verifier proved accessible`
              : o.certain
                ? 'the count/index is a constant past the checked element'
                : 'the count/index is not bounded to the checked element',
            o.how === 'string'
              ? `fix: rename the parameter \`${o.param}__str\` (BPF then passes a constant string the verifier checked), or take \`char *${o.param}, u32 ${o.param}__sz\` and bound the read`
              : `fix: take \`${o.type} ${o.param}, u32 ${o.param}__sz\` and bound the access by it`,
          ],
        });
      }
    }
  },
});
