// KF-FLAG-08: KF_ACQUIRE | KF_RCU (or a tryget in the body) without KF_RET_NULL.
import { defineRule } from '../contract.js';
import {
  callsIn,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  pointerReturningKfuncs,
  registrationsOf,
  returnsIn,
} from '../../model/c-query.js';
import { CONDITIONAL_GET, PLAIN_GET } from '../../knowledge/reference-gets.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-08',
    severity: 'warning',
    description: 'Add KF_RET_NULL to acquire kfuncs that take a conditional reference',
    rationale:
      'Under KF_RCU the argument may be an object whose refcount already reached zero, so the kfunc must take the reference with a tryget/inc_not_zero that can fail, and report failure as NULL. Without KF_RET_NULL the verifier treats that NULL as a valid pointer.',
    kernels: '>=6.2',
    messages: {
      rcuAcquire:
        '{name}() is registered with KF_ACQUIRE | KF_RCU but without KF_RET_NULL: an RCU-protected argument may already be dying, so taking the reference can fail. Use a tryget/refcount_inc_not_zero and add KF_RET_NULL',
      conditionalGet:
        '{name}() takes its reference with {call}(), which can fail, but is registered without KF_RET_NULL: return NULL on failure and add KF_RET_NULL',
    },
  },
  check({ model, report }) {
    for (const { name, def } of pointerReturningKfuncs(model)) {
      // A visible `return NULL` without the flag is KF-FLAG-03's error; do not repeat it here.
      if (returnsIn(def.body).some((r) => r.expr && /^\(?\s*(NULL|0)\s*\)?$/.test(r.expr.text.trim()))) continue;
      const calls = callsIn(def.body);
      const tryget = calls.find((c) => CONDITIONAL_GET.test(c.name));
      const plainGet = calls.find((c) => PLAIN_GET.test(c.name));
      for (const r of registrationsOf(model, name)) {
        if (!hasFlag(r, 'KF_ACQUIRE') || hasFlag(r, 'KF_RET_NULL')) continue;
        const rcuAcquire = hasFlag(r, 'KF_RCU');
        if (!rcuAcquire && !tryget) continue;
        const at = flagFindingAnchor(r, def);
        const evidence = [`flags without KF_RET_NULL: ${describeRegistration(r)}`];
        if (tryget) evidence.push(`conditional reference: \`${tryget.name}(...)\` at ${def.file}:${tryget.line}`);
        if (rcuAcquire) evidence.push('KF_RCU admits arguments whose refcount may already be zero');
        // An unconditional get under KF_RCU is sometimes deliberate (the object is pinned by
        // the argument): ask for a look rather than warn.
        const deliberate = !tryget && !!plainGet;
        if (deliberate)
          evidence.push(
            `takes an unconditional reference with \`${plainGet.name}(...)\` at ${def.file}:${plainGet.line}: fine only if the object cannot be dying here`,
          );
        report({
          messageId: tryget ? 'conditionalGet' : 'rcuAcquire',
          severity: deliberate ? 'info' : 'warning',
          data: { name, call: tryget?.name ?? '' },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: r.set ?? r.file,
          evidence,
        });
      }
    }
  },
});
