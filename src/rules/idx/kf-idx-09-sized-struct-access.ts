// KF-IDX-09: check the `__sz` size of an argument struct before touching its fields. Reads the
// sized-argument fact (src/facts/index/sized-args.ts): each field access of a struct pointer that
// a `__sz`/`__szk` argument sizes, in the kfunc and the helpers it hands the struct to, with the
// size checks dominating it and, when the layout is visible, offsetofend() of the field.
import type { SizedAccess } from '../../facts/index/sized-args.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';

const bare = (t: string) => t.replace(/ \([\w.]+:\d+\)$/, '');
const where = (x: SizedAccess, k: string) => `${x.file}:${x.line}${x.fn !== k ? ` (in ${x.fn}())` : ''}`;

export default defineRule({
  meta: {
    id: 'KF-IDX-09',
    severity: 'error',
    description: 'Check the __sz size of an argument struct before reading or writing its fields',
    rationale:
      'For `struct x_opts *opts, u32 opts__sz` the verifier checks that opts__sz bytes are accessible, nothing more: a program built against an older or newer header passes a smaller size. A field the kfunc reads or writes before a dominating `opts__sz` check (e.g. `opts__sz < offsetofend(struct x_opts, err)` or `opts__sz != X_OPTS_SZ` returning early), on an error path where the size was found wrong, or past the end of the size a check accepts (a field added in a later version of the struct), can lie outside the memory the verifier checked.',
    kernels: 'all',
    messages: {
      fieldBeforeSize:
        '{name}() {how} {ptr}->{field} before checking {size}: the verifier only checked {size} bytes of {ptr}, which may end before that field. Check {size} first',
      fieldBeyondSize:
        '{name}() {how} {ptr}->{field}, which ends at byte {need}, where {size} is only known to be at least {have}: a program passing the smaller size gets that field {touched} outside the memory the verifier checked. Check {size} >= offsetofend(..., {field}) first',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const a of facts.sizedArgs(k)) {
        const open = a.accesses.filter((x) => !x.covered.length);
        if (!open.length) continue;
        const first = open.find((x) => x.write) ?? open[0]!;
        const checked = a.accesses.find((x) => x.covered.length);
        // Accesses past the checked size (a check exists, but it is too small for the field).
        const short = first.need !== null && first.have !== null && first.have < first.need;
        const seen = new Set<string>();
        const lines = open.filter((x) => {
          const key = `${x.file}:${x.line}:${x.field}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        const base = {
          kfunc: k.name,
          file: k.file,
          line: first.entryLine,
          key: a.ptr,
        };
        const evidence = [
          `parameters \`${a.type} ${a.ptr}, ... ${a.size}\`: ${a.size} is the __sz of ${a.ptr}, the only region the verifier checked`,
          ...lines
            .slice(0, 4)
            .map(
              (x) =>
                `${x.write ? 'write' : 'read'}: \`${x.text}\` at ${where(x, k.name)}${x.need !== null ? ` (ends at byte ${x.need})` : ''}, ${
                  x.have !== null ? `where ${a.size} is only known to be >= ${x.have}` : `with no check of ${a.size} before it`
                }`,
            ),
          ...(lines.length > 4 ? [`... and ${lines.length - 4} more accesses`] : []),
        ];
        if (a.layout) evidence.push(`layout: the struct is defined at ${a.layout}`);
        if (short) {
          report({
            ...base,
            messageId: 'fieldBeyondSize',
            data: {
              name: k.name,
              how: first.write ? 'writes' : 'reads',
              ptr: a.ptr,
              field: first.field,
              size: a.size,
              need: String(first.need),
              have: String(first.have),
              touched: first.write ? 'written' : 'read',
            },
            evidence: [
              ...evidence,
              `fix: guard the access with \`${a.size} >= offsetofend(${a.type.replace(/\s*\*$/, '')}, ${first.field})\``,
            ],
          });
          continue;
        }
        report({
          ...base,
          messageId: 'fieldBeforeSize',
          data: { name: k.name, how: first.write ? 'writes' : 'reads', ptr: a.ptr, field: first.field, size: a.size },
          evidence: [
            ...evidence,
            checked
              ? `${a.size} is checked (\`${bare(checked.covered[0]!)}\`) only on other paths or after these accesses`
              : `no check of ${a.size} dominates any access to ${a.ptr}`,
            `fix: return early when \`${a.size} < offsetofend(...)\` of the last field used (or \`!= sizeof(*${a.ptr})\`), before the first access`,
          ],
        });
      }
    }
  },
});
