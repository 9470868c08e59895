// KF-IDX-05: pair a copy length with its buffer through the __sz convention, or bound it. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from './plan.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-05',
    severity: 'error',
    description: "Pair a copy length with its buffer through the __sz convention, or bound it",
    rationale: "The verifier checks a memory region only for a size argument named *__sz/*__szk that directly follows its pointer. Any other length reaching memcpy/copy_*/strscpy/memset was never compared with a buffer, so BPF chooses how many bytes are copied.",
    kernels: 'all',
    messages: {
      unpairedLength: "{name}() uses {param} as the length of {callee}() although the verifier has not checked it against any buffer; pair it as a __sz argument or bound it first",
      szNotAfterPointer: "{name}() marks {param} with __sz/__szk but it does not follow a pointer parameter, so the verifier checks no buffer against it; move it right after its buffer",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-IDX-05')) report(r as Report & { messageId: "unpairedLength" | "szNotAfterPointer" });
  },
});
