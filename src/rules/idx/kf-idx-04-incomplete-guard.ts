// KF-IDX-04: make index guards complete for the argument's C type and for every kernel config.
// ./index-finding.ts decides which index rule owns a parameter and builds the finding from the
// shared facts (flows from src/facts/index, verdicts from src/facts/semantics).
import { defineRule } from '../contract.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { indexFindingFor, indexReport } from './index-finding.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-04',
    severity: 'warning',
    description: "Make index guards complete for the argument's C type and for every kernel config",
    rationale:
      'A guard must reject every value the C type allows: an int checked only with `>= N` lets -1 through, while an enum with no negative enumerators is unsigned and `>= N` suffices. A bound that is right on one config can be stale on another (enum sizes move with CONFIG_*).',
    kernels: 'all',
    messages: {
      incompleteGuard: '{name}() checks {param} with `{guard}`, which {gap}: {consequence}. Fix: {fix}',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        const d = indexFindingFor(facts, k, f);
        if (d?.rule === 'KF-IDX-04') report({ messageId: 'incompleteGuard', ...indexReport(facts, model, k, f, d) });
      }
    }
  },
});
