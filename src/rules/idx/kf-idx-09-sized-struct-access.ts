// KF-IDX-09: check the `__sz` size of an argument struct before touching its fields. Reads the
// sized-argument fact (src/facts/index/sized-args.ts): each field access of a struct pointer that
// a `__sz`/`__szk` argument sizes, with the size checks dominating it.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-09',
    severity: 'error',
    description: 'Check the __sz size of an argument struct before reading or writing its fields',
    rationale:
      'For `struct x_opts *opts, u32 opts__sz` the verifier checks that opts__sz bytes are accessible, nothing more: a program built against an older or newer header passes a smaller size. A field the kfunc reads or writes before a dominating `opts__sz` check (e.g. `opts__sz < offsetofend(struct x_opts, err)` or `opts__sz != X_OPTS_SZ` returning early) can lie outside the memory the verifier checked.',
    kernels: 'all',
    messages: {
      fieldBeforeSize:
        '{name}() {how} {ptr}->{field} before checking {size}: the verifier only checked {size} bytes of {ptr}, which may end before that field. Check {size} first',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const a of facts.sizedArgs(k)) {
        const open = a.accesses.filter((x) => !x.covered.length);
        if (!open.length) continue;
        const first = open.find((x) => x.write) ?? open[0]!;
        const checked = a.accesses.find((x) => x.covered.length);
        report({
          messageId: 'fieldBeforeSize',
          kfunc: k.name,
          file: k.file,
          line: first.line,
          key: a.ptr,
          data: { name: k.name, how: first.write ? 'writes' : 'reads', ptr: a.ptr, field: first.field, size: a.size },
          evidence: [
            `parameters \`${a.type} ${a.ptr}, ... ${a.size}\`: ${a.size} is the __sz of ${a.ptr}, the only region the verifier checked`,
            ...open
              .slice(0, 4)
              .map((x) => `${x.write ? 'write' : 'read'}: \`${x.text}\` at ${k.file}:${x.line}, with no check of ${a.size} before it`),
            ...(open.length > 4 ? [`... and ${open.length - 4} more accesses`] : []),
            checked
              ? `${a.size} is checked (\`${checked.covered[0]!.replace(/ \([\w.]+:\d+\)$/, '')}\`) only after these accesses`
              : `no check of ${a.size} dominates any access to ${a.ptr}`,
            `fix: return early when \`${a.size} < offsetofend(...)\` of the last field used (or \`!= sizeof(*${a.ptr})\`), before the first access`,
          ],
        });
      }
    }
  },
});
