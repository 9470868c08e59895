// KF-IDX-06: cap allocation sizes and loop counts taken from kfunc arguments. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-06',
    severity: 'warning',
    description: "Cap allocation sizes and loop counts taken from kfunc arguments",
    rationale: "A scalar argument used as an allocation size or a loop count lets a BPF program ask for huge allocations (overflowing size products) or stall the CPU in a non-preemptible context. bpf_iter_num_new() caps its range with BPF_MAX_LOOPS for this reason.",
    kernels: 'all',
    messages: {
      unboundedAlloc: "{name}() sizes an allocation ({callee}()) with {param} without a cap; limit {param} and use overflow-checked helpers",
      unboundedLoop: "{name}() loops {param} times without a cap; limit {param} before the loop",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-06')) report(r as Report & { messageId: "unboundedAlloc" | "unboundedLoop" });
  },
});
