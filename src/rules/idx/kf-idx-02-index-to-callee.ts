// KF-IDX-02: validate an index argument before passing it to a callee that indexes with it.
// ./index-finding.ts decides which index rule owns a parameter and builds the finding from the
// shared facts (flows from src/facts/index, verdicts from src/facts/semantics).
import { defineRule } from '../contract.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { indexFindingFor, indexReport } from './index-finding.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-02',
    severity: 'error',
    description: 'Validate an index argument before passing it to a callee that indexes with it',
    rationale:
      'Kernel accessors such as memcg_events(), per_cpu_ptr(), cpu_rq() or NODE_DATA() index a table with their argument and trust in-kernel callers to pass valid constants. A kfunc that forwards a BPF-controlled value unchecked turns them into an out-of-bounds read reachable from BPF.',
    kernels: 'all',
    messages: {
      uncheckedCallee:
        '{name}() passes {param} to {target}() without a bounds check, and {target}() indexes with it: {consequence}. Validate {param} in the kfunc first',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        const d = indexFindingFor(facts, k, f);
        if (d?.rule === 'KF-IDX-02') report({ messageId: 'uncheckedCallee', ...indexReport(facts, model, k, f, d) });
      }
    }
  },
});
