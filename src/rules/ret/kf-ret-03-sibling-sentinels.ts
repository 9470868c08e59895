// KF-RET-03: use the same failure value as sibling kfuncs of the same family. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from '../idx/plan.js';

export default defineRule({
  meta: {
    id: 'KF-RET-03',
    severity: 'warning',
    description: "Use the same failure value as sibling kfuncs of the same family",
    rationale: "BPF programs that call a family of kfuncs (e.g. the memcg stat readers) test one failure convention; a sibling that returns 0 where the others return -1 (or -EINVAL) is misread as a valid value.",
    kernels: 'all',
    messages: {
      inconsistentSentinel: "{name}() returns `{mine}` when its argument check fails, but its sibling {sibling}() returns `{theirs}`; use one failure convention for the family",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-RET-03')) report(r as Report & { messageId: "inconsistentSentinel" });
  },
});
