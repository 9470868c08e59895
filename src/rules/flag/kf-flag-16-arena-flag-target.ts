// KF-FLAG-16: KF_ARENA_RET / KF_ARENA_ARG1 / KF_ARENA_ARG2 must point at a pointer: the flags
// tag that return value or argument with the arena address space in BTF.
import { defineRule } from '../contract.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';
import { ARENA_ARG_FLAGS } from '../../knowledge/kf-flags.js';
import { bpfParams } from './shared.js';

/** A data pointer (`void *`, `struct x *`, `u64 *`...), not a function pointer or an array. */
function isDataPointer(type: string): boolean {
  const t = bareType(type);
  return /\*$/.test(t) && !t.includes('(');
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-16',
    severity: 'error',
    description: 'Require KF_ARENA_RET/ARG1/ARG2 to name a pointer return or an existing pointer argument',
    rationale:
      'The arena flags tell the BTF tooling which return value or argument carries an arena (address space 1) pointer. Put on a scalar, on void, or on an argument the prototype does not have, they describe a type that cannot exist, and BPF programs see a prototype that does not match the kernel function.',
    kernels: '>=6.15',
    messages: {
      retNotPointer:
        '{name}() is registered with KF_ARENA_RET but returns `{type}`, not a pointer: return the arena address as a pointer or drop the flag',
      argNotPointer:
        '{name}() is registered with {flag}, but argument {index} ({param}: `{type}`) is not a pointer: the flag marks an arena pointer argument, so fix the argument number or drop the flag',
      argBeyondParams:
        '{name}() is registered with {flag}, but it takes only {count} argument(s): fix the argument number or drop the flag',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      if (!def) continue;
      for (const r of registrationsOf(model, name)) {
        const at = flagFindingAnchor(r, def);
        const base = [`flags: ${describeRegistration(r)}`];
        const proto = `prototype: \`${def.returnType} ${name}(${def.params.map((p) => `${p.type} ${p.name}`.trim()).join(', ') || 'void'})\` at ${def.file}:${def.line}`;
        if (hasFlag(r, 'KF_ARENA_RET') && !isDataPointer(def.returnType)) {
          report({
            messageId: 'retNotPointer',
            data: { name, type: bareType(def.returnType) },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `${r.file}:${r.set ?? ''}:ret`,
            evidence: [...base, proto],
          });
        }
        const params = bpfParams(def.params, r.flags);
        for (const [flag, index] of ARENA_ARG_FLAGS) {
          if (!hasFlag(r, flag)) continue;
          const p = params[index - 1];
          if (!p) {
            report({
              messageId: 'argBeyondParams',
              data: { name, flag, count: params.length },
              kfunc: name,
              file: at.file,
              line: at.line,
              key: `${r.file}:${r.set ?? ''}:${flag}`,
              evidence: [...base, proto, `${flag} refers to argument ${index} (counting from 1)`],
            });
          } else if (!isDataPointer(p.type)) {
            report({
              messageId: 'argNotPointer',
              data: { name, flag, index, param: p.name || '(unnamed)', type: bareType(p.type) },
              kfunc: name,
              file: at.file,
              line: at.line,
              key: `${r.file}:${r.set ?? ''}:${flag}`,
              evidence: [...base, proto, `${flag} refers to argument ${index} (counting from 1): ${p.name}`],
            });
          }
        }
      }
    }
  },
});
