// KF-IDX-06: cap allocation sizes and loop counts taken from kfunc arguments.
// Reads the allocation and loop sinks of the scalar-parameter flows (src/facts/index).
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';
import { bare, pairedBuffer } from './shared.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-06',
    severity: 'warning',
    description: 'Cap allocation sizes and loop counts taken from kfunc arguments',
    rationale:
      'A scalar argument used as an allocation size or a loop count lets a BPF program ask for huge allocations (overflowing size products) or stall the CPU in a non-preemptible context. bpf_iter_num_new() caps its range with BPF_MAX_LOOPS for this reason.',
    kernels: 'all',
    messages: {
      unboundedAlloc:
        '{name}() sizes an allocation ({callee}()) with {param} without a cap; limit {param} and use overflow-checked helpers',
      unboundedLoop: '{name}() loops {param} times without a cap; limit {param} before the loop',
      unboundedIterator:
        "{name}() sets the bound of its open-coded iterator from {param} without a cap, so {next}() lets the BPF program's loop run that long; cap the range (cf. BPF_MAX_LOOPS)",
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        // A __k argument is a verifier-known constant; a __sz one is checked against its buffer.
        if (f.suffix === '__k' || pairedBuffer(k, f)) continue;
        for (const s of f.sinks) {
          if (s.status === 'complete' || (s.kind !== 'alloc' && s.kind !== 'loop')) continue;
          report({
            messageId: s.kind === 'alloc' ? 'unboundedAlloc' : s.iterNext ? 'unboundedIterator' : 'unboundedLoop',
            kfunc: k.name,
            file: k.file,
            line: s.entryLine,
            key: `${f.name}:${s.kind}`,
            data: { name: k.name, param: f.name, callee: s.target, next: s.iterNext ?? '' },
            evidence: [
              `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
              s.iterNext
                ? `iterator bound: \`${s.text}\` at ${s.file}:${s.line}; ${s.iterNext}() compares ${s.target} to decide when the BPF loop ends`
                : `${s.kind === 'alloc' ? 'allocation size' : 'loop bound'}: \`${s.text}\` at ${s.file}:${s.line} (${s.chain})`,
              s.facts.texts.length ? `guard: \`${bare(s.facts.texts[0]!)}\` is not a complete cap` : 'guard: no maximum before it',
              s.kind === 'alloc'
                ? 'fix: cap it (e.g. `if (n > MAX_X) return -E2BIG;`) and use kcalloc()/array_size() for products'
                : 'fix: cap the count (cf. bpf_iter_num_new() and BPF_MAX_LOOPS) so a BPF program cannot stall the CPU',
            ],
          });
        }
      }
    }
  },
});
