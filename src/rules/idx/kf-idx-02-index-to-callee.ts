// KF-IDX-02: validate an index argument before passing it to a callee that indexes with it. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-02',
    severity: 'error',
    description: "Validate an index argument before passing it to a callee that indexes with it",
    rationale: "Kernel accessors such as memcg_events(), per_cpu_ptr(), cpu_rq() or NODE_DATA() index a table with their argument and trust in-kernel callers to pass valid constants. A kfunc that forwards a BPF-controlled value unchecked turns them into an out-of-bounds read reachable from BPF.",
    kernels: 'all',
    messages: {
      uncheckedCallee: "{name}() passes {param} to {target}() without a bounds check, and {target}() indexes with it: {consequence}. Validate {param} in the kfunc first",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-02')) report(r as Report & { messageId: "uncheckedCallee" });
  },
});
