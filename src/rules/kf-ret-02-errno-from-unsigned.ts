// KF-RET-02: do not return a negative errno from an unsigned or bool kfunc. The analysis lives in
// src/analysis/index-args.ts (syntax) and src/analysis/index-findings.ts (verdicts).
import { defineRule, type Report } from '../types.js';
import { reportsFor } from '../analysis/index-findings.js';

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
