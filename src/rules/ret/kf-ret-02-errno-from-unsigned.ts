// KF-RET-02: do not return a negative errno from an unsigned or bool kfunc. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from '../idx/plan.js';

export default defineRule({
  meta: {
    id: 'KF-RET-02',
    severity: 'error',
    description: "Do not return a negative errno from an unsigned or bool kfunc",
    rationale: "A negative errno returned through an unsigned or bool return type wraps to a huge positive value or to true, so the BPF program sees success or a plausible value.",
    kernels: 'all',
    messages: {
      errnoFromUnsigned: "{name}() returns {value} from a `{type}` function; BPF sees {seen}. Return int, or a documented unsigned sentinel",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-RET-02')) report(r as Report & { messageId: "errnoFromUnsigned" });
  },
});
