// KF-IDX-04: make index guards complete for the argument's C type and for every kernel config. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-04',
    severity: 'warning',
    description: "Make index guards complete for the argument's C type and for every kernel config",
    rationale: "A guard must reject every value the C type allows: an int checked only with `>= N` lets -1 through, while an enum with no negative enumerators is unsigned and `>= N` suffices. A bound that is right on one config can be stale on another (enum sizes move with CONFIG_*).",
    kernels: 'all',
    messages: {
      incompleteGuard: "{name}() checks {param} with `{guard}`, which {gap}: {consequence}. Fix: {fix}",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-04')) report(r as Report & { messageId: "incompleteGuard" });
  },
});
