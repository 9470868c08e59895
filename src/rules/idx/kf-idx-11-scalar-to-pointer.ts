// KF-IDX-11: validate a scalar argument before turning it into a pointer. Reads the 'pointer'
// sinks of the scalar-parameter flows (src/facts/index): a cast of the value to a pointer type,
// with the guards in front of it.
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';
import { bare } from './shared.js';

export default defineRule({
  meta: {
    id: 'KF-IDX-11',
    severity: 'warning',
    description: 'Validate a scalar argument before converting it into a pointer',
    rationale:
      'The verifier tracks a scalar argument as a number, never as memory: a kfunc that casts it to a pointer (`(struct key *)(unsigned long)id`) creates a kernel pointer the BPF program chose. Unless the value is first checked against the few it may take (a special id, a sentinel), whoever dereferences the pointer reads or writes arbitrary kernel memory.',
    kernels: 'all',
    messages: {
      scalarToPointer:
        '{name}() turns {param} into a pointer (`{cast}`) without validating it: the BPF program chooses the address. Check {param} against the values it may take first',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const f of facts.flows(k)) {
        for (const s of f.sinks) {
          if (s.kind !== 'pointer' || s.status === 'complete') continue;
          report({
            messageId: 'scalarToPointer',
            kfunc: k.name,
            file: k.file,
            line: s.entryLine,
            key: `${f.name}:${s.target}`,
            data: { name: k.name, param: f.name, cast: s.text },
            evidence: [
              `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
              `conversion: \`${s.text}\` at ${s.file}:${s.line} (${s.chain}) makes a \`${s.target}\` from it`,
              s.facts.texts.length
                ? `guard: \`${bare(s.facts.texts[0]!)}\` does not pin it to valid values`
                : `guard: none before the conversion (no validator, whitelist or range check)`,
              `fix: accept only the values the pointer may encode (e.g. \`if (!valid_id(${f.name})) return NULL;\`), or look the object up by id instead`,
            ],
          });
        }
      }
    }
  },
});
