// KF-IDX-08: order a BPF-controlled value below what it is subtracted from before the unsigned
// difference is used. Reads the 'underflow' sinks of the scalar-parameter flows (src/facts/index):
// `m - v` in unsigned arithmetic whose result goes somewhere (a size, an offset, a store, a call),
// with the ordering guards in front of it.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-08',
    severity: 'warning',
    description: 'Check that a BPF-controlled value is not larger than what it is subtracted from',
    rationale:
      'In unsigned arithmetic `end - start` or `size - off` wraps to a value near 2^32 when the subtracted argument is the larger one. The verifier does not relate two scalar arguments to each other or to an object size, so a kfunc that uses such a difference as a length, offset or size must first reject `start > end` (or `off > size`).',
    kernels: 'all',
    messages: {
      unorderedDifference:
        '{name}() computes `{expr}` without checking that {param} is not larger than {minuend}: a larger {param} wraps the difference to a huge unsigned value. Reject {param} > {minuend} first',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        for (const s of f.sinks) {
          if (s.kind !== 'underflow' || s.status === 'complete') continue;
          const caps = s.facts.bounds.map((b) => `\`${b.text.replace(/ \([\w.]+:\d+\)$/, '')}\``);
          report({
            messageId: 'unorderedDifference',
            kfunc: k.name,
            file: k.file,
            line: s.entryLine,
            key: `${f.name}:${s.target}`,
            data: { name: k.name, param: f.name, expr: s.text, minuend: s.target },
            evidence: [
              `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
              `difference: \`${s.text}\` at ${s.file}:${s.line} (${s.chain}), computed unsigned and then used`,
              caps.length
                ? `guards before it bound ${f.name} by ${caps.join(', ')}, none of them by ${s.target}`
                : `no guard before it compares ${f.name} with ${s.target}`,
              `e.g. ${f.name} = ${s.target} + 1 gives ${s.text} = 0xffffffff`,
              `fix: \`if (${f.name} > ${s.target}) return -EINVAL;\` before the subtraction`,
            ],
          });
        }
      }
    }
  },
});
