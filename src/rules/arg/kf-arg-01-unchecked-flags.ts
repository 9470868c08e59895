// KF-ARG-01: a flags argument that does not reject the bits the kfunc does not know.
import { defineRule } from '../contract.js';
import type { KfuncDef, PatchModel } from '../../model/model.js';
import { isScalarType, reviewedKfuncs } from '../../model/c-query.js';
import { callbackParamNames, usedAsValue } from '../../model/text-query.js';
import { FLAGS_PARAM, FLAGS_REJECT_SHAPES, PASSED_THROUGH_DOC } from '../../knowledge/flags-words.js';
import { flagsUse, type FlagSite } from '../../facts/arg-contracts/flags-use.js';

const at = (s: FlagSite): string => `${s.text} at ${s.file}:${s.line}${s.chain.length > 1 ? ` (via ${s.chain.join(' → ')})` : ''}`;

/**
 * The word is one a callback received and the program hands back (its kernel-doc says it
 * matches the callback's, or a callback declared in the same file takes a parameter of the same
 * specific name): the kernel chose its bits.
 */
function passedThrough(model: PatchModel, k: KfuncDef, param: string): boolean {
  const doc = k.doc ?? '';
  const sentences = doc.replace(/\s*\n\s*\*\s?/g, ' ').split(/(?<=\.)\s/);
  if (sentences.some((s) => s.includes(`@${param}`) && PASSED_THROUGH_DOC.test(s) && !new RegExp(`^\\s*\\*?\\s*@${param}:`).test(s)))
    return true;
  return param !== 'flags' && callbackParamNames(model, k.file).has(param);
}

export default defineRule({
  meta: {
    id: 'KF-ARG-01',
    severity: 'warning',
    description: 'Report kfunc flags arguments that do not reject unknown bits',
    rationale:
      'Kernel APIs fail a call whose flags word has bits they do not know (`if (flags & ~KNOWN) return -EINVAL;`, `if (flags) return -EINVAL;` while none is defined). A kfunc that ignores the word, or only tests the bits it knows, accepts any value today, so BPF programs may pass garbage and a later kernel can never give a bit a meaning without changing what those programs do.',
    kernels: 'all',
    messages: {
      unread:
        '{name}() never reads its flags argument {param}: any value is accepted, so no bit can be given a meaning later; reject it with `if ({param}) return -EINVAL;` until a flag is defined',
      partial: '{name}() uses flags argument {param} ({how}) but never rejects unknown bits: add {shape}',
      forwarded:
        '{name}() hands flags argument {param} to {callee} without rejecting unknown bits itself: make sure {callee} fails on bits it does not know, or check them here',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      const params = k.params.filter((p) => FLAGS_PARAM.test(p.name) && !p.pointer && isScalarType(p.type));
      if (params.length === 0) continue;
      // A kfunc that is also an ops callback has the callback's signature, not one chosen for BPF.
      if (usedAsValue(model, k)) continue;
      for (const p of params) {
        if (passedThrough(model, k, p.name)) continue;
        const use = flagsUse(model, k, p.name);
        if (use.rejects) continue;
        const base = { kfunc: k.name, file: k.file, line: k.line, key: p.name };
        if (!use.read) {
          report({
            ...base,
            messageId: 'unread',
            severity: 'error',
            data: { name: k.name, param: p.name },
            evidence: [`parameter ${p.type} ${p.name} of ${k.name}() at ${k.file}:${k.line} is not read in its body`],
          });
          continue;
        }
        const evidence = [
          ...use.bitTests.slice(0, 3).map((s) => `tests: ${at(s)}`),
          ...use.kept.slice(0, 2).map((s) => `keeps: ${at(s)}`),
          ...use.forwarded.slice(0, 2).map((s) => `passes it to ${at(s)}`),
          'no test of the word fails the call (no `& ~MASK`, no `if (flags)`, no failing `default:`)',
        ];
        if (use.forwarded.length) {
          report({
            ...base,
            messageId: 'forwarded',
            severity: 'info',
            data: { name: k.name, param: p.name, callee: use.forwarded[0]!.text },
            evidence,
          });
          continue;
        }
        const how = use.bitTests.length ? `tests ${use.bitTests[0]!.text}` : `stores it: ${use.kept[0]?.text ?? 'read'}`;
        report({ ...base, messageId: 'partial', data: { name: k.name, param: p.name, how, shape: FLAGS_REJECT_SHAPES }, evidence });
      }
    }
  },
});
