// KF-FLAG-10: iterator kfuncs registered without their new/next/destroy siblings, or a next
// kfunc without KF_RET_NULL.
import { defineRule } from '../contract.js';
import { describeRegistration, fileFullyVisible, hasFlag, registrationsOf, reviewedKfuncNames } from '../../model/c-query.js';
import { ITER_KIND_FLAG, ITER_KINDS, iterKfuncName, iterKfuncParts } from '../../knowledge/iterator-naming.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-10',
    severity: 'warning',
    description: 'Register iterator kfuncs as a complete new/next/destroy triplet with KF_RET_NULL on next',
    rationale:
      'An open-coded iterator is only usable when its constructor, next and destructor are all callable: the verifier tracks the iterator state as a reference that only destroy releases, and a loop needs next. next should carry KF_RET_NULL because NULL is how it ends the loop.',
    kernels: '>=6.4',
    messages: {
      missingMember:
        '{name}() is an iterator kfunc but {missing}() is not registered with {flag}{where}: programs cannot complete the bpf_iter_{type} loop. Register the whole new/next/destroy triplet',
      nextNoRetNull:
        '{name}() is an iterator next kfunc registered without KF_RET_NULL: next signals the end of iteration by returning NULL, so add KF_RET_NULL',
    },
  },
  check({ model, report }) {
    const done = new Set<string>();
    for (const name of reviewedKfuncNames(model)) {
      const m = iterKfuncParts(name);
      if (!m) continue;
      const { type, kind } = m;
      const regs = registrationsOf(model, name).filter((r) => hasFlag(r, ITER_KIND_FLAG[kind]));
      if (!regs.length) continue;
      if (kind === 'next') {
        for (const r of regs) {
          if (hasFlag(r, 'KF_RET_NULL')) continue;
          report({
            messageId: 'nextNoRetNull',
            data: { name },
            kfunc: name,
            file: r.file,
            line: r.line,
            key: `retnull:${r.set ?? r.file}`,
            evidence: [`flags: ${describeRegistration(r)}`, 'the verifier forks at every next call and ends the loop on the NULL branch'],
          });
        }
      }
      if (done.has(type)) continue;
      done.add(type);
      const r0 = regs[0];
      for (const other of ITER_KINDS) {
        if (other === kind) continue;
        const sibling = iterKfuncName(type, other);
        const flag = ITER_KIND_FLAG[other];
        if (registrationsOf(model, sibling).some((r) => hasFlag(r, flag))) continue;
        const full = fileFullyVisible(model, r0.file);
        const loose = registrationsOf(model, sibling);
        report({
          messageId: 'missingMember',
          severity: full ? 'warning' : 'info',
          data: { name, missing: sibling, flag, type, where: full ? '' : ' in the visible part of the patch' },
          kfunc: name,
          file: r0.file,
          line: r0.line,
          key: `missing:${other}`,
          evidence: [
            `registered member: ${describeRegistration(r0)}`,
            loose.length
              ? `${sibling} is registered without ${flag}: ${describeRegistration(loose[0])}`
              : `no BTF_ID_FLAGS(func, ${sibling}, ${flag}) entry is visible`,
            full ? `${r0.file} was fully visible` : `only the diff hunks of ${r0.file} were visible`,
          ],
        });
      }
    }
  },
});
