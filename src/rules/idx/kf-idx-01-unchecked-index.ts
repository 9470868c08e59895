// KF-IDX-01: check scalar kfunc arguments before using them as an array index or pointer offset. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-01',
    severity: 'error',
    description: "Check scalar kfunc arguments before using them as an array index or pointer offset",
    rationale: "The verifier accepts any scalar for an int or enum kfunc argument; it never compares the value with the enum or the array. An index used directly (A[p], *(A + p), BIT(p)) without a dominating bounds check is an out-of-bounds access any BPF program can trigger.",
    kernels: 'all',
    messages: {
      unchecked: "{name}() indexes {target} with {param} without a bounds check: {consequence}. Reject out-of-range {param} before the access",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-01')) report(r as Report & { messageId: "unchecked" });
  },
});
