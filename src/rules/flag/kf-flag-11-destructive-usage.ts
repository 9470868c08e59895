// KF-FLAG-11: kfuncs that can crash or reboot the machine without KF_DESTRUCTIVE, and
// KF_DESTRUCTIVE on kfuncs that visibly do neither.
import { defineRule } from '../contract.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import {
  callsIn,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';
import { DESTRUCTIVE_CALLS } from '../../knowledge/destructive-calls.js';

/** How deep through visible helpers the search goes. */
const MAX_DEPTH = 3;

interface Chain {
  call: string;
  path: string[];
  line: number;
  file: string;
}

/**
 * The first destructive call reachable from `fn` through visible functions (depth ≤ 3), and
 * whether some callee on the way could not be followed.
 */
function findDestructive(model: PatchModel, fn: FunctionDef): { hit: Chain | null; unresolved: string[] } {
  const unresolved = new Set<string>();
  const seen = new Set<string>([fn.name]);
  let frontier: { def: FunctionDef; path: string[] }[] = [{ def: fn, path: [fn.name] }];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length; depth++) {
    const next: typeof frontier = [];
    for (const { def, path } of frontier) {
      for (const c of callsIn(def.body)) {
        if (DESTRUCTIVE_CALLS.has(c.name)) return { hit: { call: c.name, path, line: c.line, file: def.file }, unresolved: [] };
        if (seen.has(c.name)) continue;
        seen.add(c.name);
        const callee = definitionOf(model, c.name);
        if (callee) next.push({ def: callee, path: [...path, c.name] });
        else if (/^[a-z_]\w*$/.test(c.name) && !/^[A-Z_0-9]+$/.test(c.name)) unresolved.add(c.name);
      }
    }
    frontier = next;
  }
  return { hit: null, unresolved: [...unresolved] };
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-11',
    severity: 'error',
    description: 'Require KF_DESTRUCTIVE exactly on kfuncs that can panic, crash-dump, halt or reboot',
    rationale:
      'KF_DESTRUCTIVE makes the verifier demand CAP_SYS_BOOT from the loader. A kfunc that can take the machine down without the flag lets any program allowed to call it do so; the flag on a harmless kfunc needlessly restricts it to CAP_SYS_BOOT loaders.',
    kernels: '>=6.0',
    messages: {
      missingDestructive:
        '{name}() can take the system down ({chain}) but is registered without KF_DESTRUCTIVE: any program allowed to call it could crash or reboot the machine. Add KF_DESTRUCTIVE (or remove the call)',
      destructiveFunction:
        '{name}() is itself a kernel function that takes the system down (panic, crash dump, halt or reboot), registered as a kfunc without KF_DESTRUCTIVE: any program allowed to call it could crash or reboot the machine. Add KF_DESTRUCTIVE',
      needlessDestructive:
        '{name}() is registered with KF_DESTRUCTIVE but no panic, crash or reboot call is visible in it: the flag needlessly requires CAP_SYS_BOOT from every loader. Drop KF_DESTRUCTIVE unless a callee does take the system down',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      const regs = registrationsOf(model, name);
      if (!regs.length) continue;
      // A kernel function that takes the system down, registered directly as a kfunc: its body
      // need not be visible (it usually lives in another file).
      const itself = DESTRUCTIVE_CALLS.has(name);
      if (!def && !itself) continue;
      const { hit, unresolved } = itself ? { hit: null, unresolved: [] } : findDestructive(model, def!);
      for (const r of regs) {
        const destructive = hasFlag(r, 'KF_DESTRUCTIVE');
        if (itself && !destructive) {
          report({
            messageId: 'destructiveFunction',
            data: { name },
            kfunc: name,
            ...flagFindingAnchor(r, def),
            key: `missing:${r.set ?? r.file}`,
            evidence: [
              `${name}() is a kernel function that takes the system down (src/knowledge/destructive-calls.ts), registered as a kfunc by ${describeRegistration(r)}`,
              def ? `definition at ${def.file}:${def.line}` : 'its definition is elsewhere in the tree; the name alone decides',
            ],
          });
        } else if (hit && !destructive) {
          const chain = [...hit.path, hit.call].join('() -> ') + '()';
          report({
            messageId: 'missingDestructive',
            data: { name, chain },
            kfunc: name,
            ...flagFindingAnchor(r, def),
            key: `missing:${r.set ?? r.file}`,
            evidence: [
              `call chain: ${chain}, the call at ${hit.file}:${hit.line}`,
              `flags without KF_DESTRUCTIVE: ${describeRegistration(r)}`,
            ],
          });
        } else if (!hit && !itself && destructive && def) {
          report({
            messageId: 'needlessDestructive',
            // Callees outside the visible code may still panic or reboot: only ask.
            severity: unresolved.length ? 'info' : 'warning',
            data: { name },
            kfunc: name,
            file: r.file,
            line: r.line,
            key: `needless:${r.set ?? r.file}`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              `no call to ${[...DESTRUCTIVE_CALLS].join('/')} within ${MAX_DEPTH} levels of ${def.file}:${def.line}`,
              unresolved.length ? `callees not visible in the patch: ${unresolved.slice(0, 6).join(', ')}` : 'every callee was visible',
            ],
          });
        }
      }
    }
  },
});
