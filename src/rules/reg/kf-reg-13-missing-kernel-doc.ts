// KF-REG-13: a new kfunc without kernel-doc, or with kernel-doc that skips parameters or the return.
import { defineRule } from '../contract.js';
import { isVoid, reviewedKfuncs } from '../../model/c-query.js';
import { isDestructorStub, isImplAnchor } from '../../knowledge/stub-names.js';

export default defineRule({
  meta: {
    id: 'KF-REG-13',
    severity: 'info',
    description: 'Ask for kernel-doc with @param lines and a Return: section on new kfuncs',
    rationale:
      'Kfuncs are kernel API for BPF programs with no header to read: the kernel-doc comment is where callers learn the arguments, the sentinel return values and deprecation notes, and the BPF CI reports kernel-doc warnings on new ones.',
    kernels: 'all',
    messages: {
      noDoc:
        '{name}() is a new kfunc without a kernel-doc comment: add /** {name} - ... */ with an @ line per parameter and a Return: section',
      missingParam: '{name}() kernel-doc does not describe parameter {param}: add "@{param}: ..."',
      missingReturn:
        '{name}() returns {type} but its kernel-doc has no Return: section: document the values it returns, including failure sentinels',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      // Only new kfuncs; destructor stubs and *_impl anchors are not BPF-facing API.
      if (k.status !== 'added' || isDestructorStub(k.name) || isImplAnchor(k.name)) continue;
      const at = { kfunc: k.name, file: k.file, line: k.line };
      if (k.doc === null) {
        report({
          messageId: 'noDoc',
          data: { name: k.name },
          ...at,
          evidence: [`definition: ${k.file}:${k.line}`, 'no /** ... */ comment directly above it'],
        });
        continue;
      }
      for (const p of k.params) {
        if (!p.name || p.name === '...') continue;
        const re = new RegExp(`@${p.name}\\s*:`);
        if (re.test(k.doc)) continue;
        report({
          messageId: 'missingParam',
          key: p.name,
          data: { name: k.name, param: p.name },
          ...at,
          evidence: [`parameter: ${p.type} ${p.name}`, `kernel-doc above ${k.file}:${k.line} has no @${p.name}: line`],
        });
      }
      if (!isVoid(k.returnType) && !/\bReturns?\s*:|\bReturn value\s*:|@returns?\b/i.test(k.doc)) {
        report({
          messageId: 'missingReturn',
          data: { name: k.name, type: k.returnType },
          ...at,
          evidence: [`return type: ${k.returnType}`, `kernel-doc above ${k.file}:${k.line} has no Return: section`],
        });
      }
    }
  },
});
