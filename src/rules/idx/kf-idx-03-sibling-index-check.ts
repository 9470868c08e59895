// KF-IDX-03: validate an argument the way sibling kfuncs of the same family validate theirs. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-03',
    severity: 'warning',
    description: "Validate an argument the way sibling kfuncs of the same family validate theirs",
    rationale: "When one kfunc of a family checks an index of a given role and its sibling does not, the sibling is usually the bug (the seed case: page_state checked its idx, vm_events did not). The sibling's check is also the natural fix.",
    kernels: 'all',
    messages: {
      siblingChecks: "{name}() passes {param} to {target}() unchecked, while its sibling {sibling}() validates {sibParam} with `{guard}`; add the same validation",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-03')) report(r as Report & { messageId: "siblingChecks" });
  },
});
