// KF-IDX-07: do not dereference __ign or __user kfunc arguments directly. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-07',
    severity: 'error',
    description: "Do not dereference __ign or __user kfunc arguments directly",
    rationale: "A parameter marked __ign is not type-checked by the verifier, and a __user pointer points into user space: dereferencing either directly (or handing it to memcpy/strlen) can fault or read arbitrary kernel memory. Use copy_from_user()/strncpy_from_user() or the *_nofault readers.",
    kernels: 'all',
    messages: {
      untrustedDeref: "{name}() reads {param} directly although the verifier did not check it; use a fault-tolerant reader",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-07')) report(r as Report & { messageId: "untrustedDeref" });
  },
});
