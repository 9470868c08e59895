// KF-FLAG-08: an acquire kfunc whose reference grab can fail (a tryget, or an argument that may
// already be dying) without KF_RET_NULL, and one that grabs a maybe-dying argument with an
// unconditional increment.
import { defineRule } from '../contract.js';
import type { Registration, PatchModel } from '../../model/model.js';
import { callsIn, describeRegistration, flagFindingAnchor, hasFlag, pointerReturningKfuncs, registrationsOf } from '../../model/c-query.js';
import { trustedArgsIsDefault } from '../../model/target.js';
import { CONDITIONAL_GET, PLAIN_GET } from '../../knowledge/reference-gets.js';

/** Why the verifier may pass this kfunc an object whose refcount already reached zero, or null. */
function mayBeDying(model: PatchModel, r: Registration): string | null {
  if (hasFlag(r, 'KF_RCU')) return 'KF_RCU admits RCU-protected arguments whose refcount may already be zero';
  if (hasFlag(r, 'KF_TRUSTED_ARGS') || hasFlag(r, 'KF_RELEASE') || trustedArgsIsDefault(model.target)) return null;
  return 'without KF_TRUSTED_ARGS (or KF_RCU) the verifier also passes walked pointers the program holds no reference on';
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-08',
    severity: 'warning',
    description: 'Take references on possibly dying objects with a tryget, and flag such acquire kfuncs KF_RET_NULL',
    rationale:
      'Under KF_RCU (or without trusted arguments) the argument may be an object whose refcount already reached zero, so the kfunc must take the reference with a tryget/inc_not_zero that can fail, and report failure as NULL. An unconditional increment revives a dying object (use-after-free); without KF_RET_NULL the verifier treats the NULL as a valid pointer.',
    kernels: '>=6.2',
    messages: {
      rcuAcquire:
        '{name}() is registered with KF_ACQUIRE | KF_RCU but without KF_RET_NULL: an RCU-protected argument may already be dying, so taking the reference can fail. Use a tryget/refcount_inc_not_zero and add KF_RET_NULL',
      conditionalGet:
        '{name}() takes its reference with {call}(), which can fail, but is registered without KF_RET_NULL: return NULL on failure and add KF_RET_NULL',
      unconditionalGet:
        '{name}() takes its reference on its argument `{param}` with {call}(), which cannot fail, although the argument may already be dying ({why}): the increment revives a freed object. Take it with the tryget/*_not_zero form, return NULL when that fails and add KF_RET_NULL (with KF_RCU for RCU-protected inputs), or require trusted arguments',
    },
  },
  check({ model, facts, report }) {
    for (const { name, def } of pointerReturningKfuncs(model)) {
      const regs = registrationsOf(model, name).filter((r) => hasFlag(r, 'KF_ACQUIRE'));
      if (!regs.length) continue;
      const source = facts.returnedReference(def).source;
      const argGet = source?.kind === 'get' && source.param ? source : null;
      // A visible NULL return without the flag is KF-FLAG-03's error; do not repeat it here.
      const nullShown = facts.nullReturn(def) !== null;
      const calls = callsIn(def.body);
      const tryget = calls.find((c) => CONDITIONAL_GET.test(c.name));
      const plainGet = calls.find((c) => PLAIN_GET.test(c.name));
      for (const r of regs) {
        const at = flagFindingAnchor(r, def);
        const why = argGet ? mayBeDying(model, r) : null;
        if (argGet && why) {
          report({
            messageId: 'unconditionalGet',
            data: { name, param: argGet.param!, call: argGet.call, why },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `get:${r.set ?? r.file}`,
            evidence: [
              `unconditional reference: \`${argGet.call}(...)\` at ${argGet.file}:${argGet.line} on the argument \`${argGet.param}\`, which ${name}() returns`,
              `flags: ${describeRegistration(r)}`,
              why,
            ],
          });
          continue;
        }
        if (hasFlag(r, 'KF_RET_NULL') || nullShown) continue;
        const rcuAcquire = hasFlag(r, 'KF_RCU');
        if (!rcuAcquire && !tryget) continue;
        const evidence = [`flags without KF_RET_NULL: ${describeRegistration(r)}`];
        if (tryget) evidence.push(`conditional reference: \`${tryget.name}(...)\` at ${def.file}:${tryget.line}`);
        if (rcuAcquire) evidence.push('KF_RCU admits arguments whose refcount may already be zero');
        // An unconditional get of an object reached through the argument (not the argument
        // itself) is sometimes deliberate (the argument pins it): ask for a look rather than warn.
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
