// KF-IDX-01: check scalar kfunc arguments before using them as an array index or pointer offset.
// ./index-finding.ts decides which index rule owns a parameter and builds the finding from the
// shared facts (flows from src/facts/index, verdicts from src/facts/semantics).
import { defineRule } from '../contract.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { indexFindingFor, indexReport } from './index-finding.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-01',
    severity: 'error',
    description: 'Check scalar kfunc arguments before using them as an array index or pointer offset',
    rationale:
      'The verifier accepts any scalar for an int or enum kfunc argument; it never compares the value with the enum or the array. An index used directly (A[p], *(A + p), BIT(p)) without a dominating bounds check is an out-of-bounds access any BPF program can trigger.',
    kernels: 'all',
    messages: {
      unchecked:
        '{name}() indexes {target} with {param} without a bounds check: {consequence}. Reject out-of-range {param} before the access',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        const d = indexFindingFor(facts, k, f);
        if (d?.rule === 'KF-IDX-01') report({ messageId: 'unchecked', ...indexReport(facts, model, k, f, d) });
      }
    }
  },
});
