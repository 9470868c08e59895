// KF-IDX-12: enforce the range a kfunc's kernel-doc gives for a parameter. Reads the documented
// ranges (src/facts/doc-ranges.ts) and the sinks of the scalar-parameter flows (src/facts/index):
// a use of the value that no upper bound guards contradicts the comment.
import { reviewedKfuncs } from '../../model/c-query.js';
import { documentedRanges } from '../../facts/doc-ranges.js';
import { defineRule } from '../contract.js';

/** Callees that only print or trace a value: passing it there is not a use to guard. */
const LOGGING =
  /^(printk|pr_\w+|dev_\w+|WARN\w*|BUG\w*|trace_\w+|\w*_error|\w*_err|\w*_warn\w*|\w*_dbg|\w*_info|bpf_log|verbose|snprintf|scnprintf|seq_printf)$/;

export default defineRule({
  meta: {
    id: 'KF-IDX-12',
    severity: 'warning',
    description: "Enforce the range a kfunc's kernel-doc gives for a parameter",
    rationale:
      'A kfunc has no header a BPF author reads; its kernel-doc is the contract. When the comment says `@level: [0, MAX_LEVEL]` but the body stores or passes the value on without an upper bound, the verifier lets any value through (it never reads comments) and the consumers of the value get inputs they were promised never to see.',
    kernels: 'all',
    messages: {
      rangeNotEnforced:
        '{name}() documents {param} as {range} but uses it without an upper bound, so the verifier passes any value; reject {param} {reject} before using it',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      const ranges = documentedRanges(k);
      if (!ranges.length) continue;
      for (const f of facts.flows(k)) {
        const r = ranges.find((x) => x.param === f.name);
        if (!r) continue;
        const open = f.sinks.filter(
          (s) =>
            s.kind !== 'underflow' &&
            !(s.kind === 'call' && LOGGING.test(s.target)) &&
            (s.status === 'none' || s.status === 'lower-only') &&
            !s.facts.span,
        );
        if (!open.length) continue;
        const s = open[0]!;
        const range = r.inclusive ? `at most ${r.upper}` : `less than ${r.upper}`;
        report({
          messageId: 'rangeNotEnforced',
          kfunc: k.name,
          file: k.file,
          line: s.entryLine,
          key: f.name,
          data: { name: k.name, param: f.name, range, reject: r.inclusive ? `> ${r.upper}` : `>= ${r.upper}` },
          evidence: [
            `kernel-doc: ${r.text.length > 140 ? r.text.slice(0, 137) + '...' : r.text}`,
            `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
            ...open.slice(0, 3).map((x) => `use: \`${x.text}\` at ${x.file}:${x.line} (${x.chain}), no upper bound before it`),
            `fix: \`if (${f.name} ${r.inclusive ? '>' : '>='} ${r.upper}) return -EINVAL;\` (or the kfunc's own error value) before the first use`,
          ],
        });
      }
    }
  },
});
