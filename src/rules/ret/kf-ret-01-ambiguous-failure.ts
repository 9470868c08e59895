// KF-RET-01: return a failure value that cannot be mistaken for a valid result. The analysis lives in
// src/facts/index/args.ts (syntax) and src/rules/idx/plan.ts (verdicts).
import { defineRule, type Report } from '../contract.js';
import { reportsFor } from '../idx/plan.js';

export default defineRule({
  meta: {
    id: 'KF-RET-01',
    severity: 'warning',
    description: "Return a failure value that cannot be mistaken for a valid result",
    rationale: "If a kfunc returns 0 for an invalid input while 0 is also a valid counter, a BPF program cannot tell them apart. The same happens when BPF input reaches an internal WARN_ONCE-and-return-0 path: the kernel warns (fatal under panic_on_warn) and the program gets a plausible 0.",
    kernels: 'all',
    messages: {
      warnReachable: "{name}() lets BPF reach WARN_ONCE \"{message}\" with {param} = {value} and then returns {returns} instead of its -1 error value; reject such {param} values in the kfunc",
      ambiguousZero: "{name}() returns 0 when `{guard}` rejects {param}, but 0 is also a valid result; return a distinct error value (e.g. -1 cast to the return type)",
    },
  },
  check({ model, report }) {
    for (const r of reportsFor(model, 'KF-RET-01')) report(r as Report & { messageId: "warnReachable" | "ambiguousZero" });
  },
});
