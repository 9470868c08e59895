// KF-FLAG-12: KF_TRUSTED_ARGS judged against the target tree. v7.0 deleted the flag (trusted
// arguments became the default); before that it interacts with KF_RELEASE and KF_RCU, and a
// new kfunc taking struct pointers without it accepts untrusted and NULL pointers.
import { defineRule } from '../contract.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
  structPointee,
} from '../../model/c-query.js';
import { baseTreeUse, flagFact, targetEvidence } from '../../knowledge/kf-flags.js';
import { trustedArgsIsDefault } from '../../model/target.js';
import type { Param } from '../../model/model.js';
import { isSizeSuffix, suffixesWhere } from '../../knowledge/arg-suffixes.js';
import { isSpecialArgStruct } from '../../knowledge/special-arg-structs.js';

/** Suffixes that route a pointer argument somewhere other than the PTR_TO_BTF_ID check. */
const OTHER_KIND_SUFFIX = suffixesWhere((s) => s.ownKind);

/** Struct-pointer parameters that the trusted-argument check would guard. */
function btfIdParams(params: Param[]): Param[] {
  return params.filter((p, i) => {
    const pointee = structPointee(bareType(p.type));
    // Contexts, special objects and iterator states are never checked as kernel objects.
    if (!pointee || isSpecialArgStruct(pointee) || OTHER_KIND_SUFFIX.has(p.suffix)) return false;
    // A pointer followed by its size is checked as memory, not as a kernel object.
    const next = params[i + 1];
    return !(next && isSizeSuffix(next.suffix));
  });
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-12',
    severity: 'warning',
    description: 'Check KF_TRUSTED_ARGS against the target tree: gone in v7.0, redundant or overridden before',
    rationale:
      'v7.0 made trusted arguments the default and deleted KF_TRUSTED_ARGS, so using it there is a build error. On older trees KF_RELEASE already implies it, KF_RCU overrides it with weaker semantics, and a kfunc with none of TRUSTED_ARGS/RCU/RELEASE accepts walked, untrusted and NULL struct pointers.',
    kernels: 'all (version-gated at 7.0)',
    messages: {
      removedOnTarget:
        '{name}() uses KF_TRUSTED_ARGS, which the target tree ({version}) no longer defines: trusted arguments are the default there and the build fails on the undeclared flag. Delete it (use KF_RCU where RCU-protected pointers must still be accepted)',
      redundantWithRelease:
        '{name}() sets KF_TRUSTED_ARGS together with KF_RELEASE, which already implies trusted arguments on {version}: drop KF_TRUSTED_ARGS',
      overriddenByRcu:
        "{name}() sets KF_TRUSTED_ARGS together with KF_RCU: the verifier then applies KF_RCU's weaker rule (trusted or RCU-protected pointers), so KF_TRUSTED_ARGS has no effect. Keep only KF_RCU if RCU pointers are meant to be accepted, otherwise drop KF_RCU",
      untrustedPointers:
        '{name}() is a new kfunc taking struct pointer(s) {params} without KF_TRUSTED_ARGS, KF_RCU or KF_RELEASE: on {version} the verifier passes it walked, untrusted and NULL pointers. Add KF_TRUSTED_ARGS (or KF_RCU), or NULL-check and distrust every pointer in the body',
    },
  },
  check({ model, report }) {
    const t = model.target;
    const version = t.version ?? 'unknown';
    const gone = trustedArgsIsDefault(t);
    const fact = flagFact('KF_TRUSTED_ARGS');
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      for (const r of registrationsOf(model, name)) {
        const at = flagFindingAnchor(r, def);
        const key = `${r.file}:${r.set ?? ''}`;
        const trusted = hasFlag(r, 'KF_TRUSTED_ARGS');
        if (gone) {
          // Only the entries the patch writes: a context entry with the flag proves the base tree still has it.
          if (!trusted || !r.added || baseTreeUse(model, 'KF_TRUSTED_ARGS')) continue;
          report({
            messageId: 'removedOnTarget',
            severity: 'error',
            data: { name, version },
            kfunc: name,
            file: r.file,
            line: r.line,
            key,
            evidence: [`flag: ${describeRegistration(r)}`, targetEvidence(t), `KF_TRUSTED_ARGS: ${fact?.note ?? 'deleted in v7.0'}`],
          });
          continue;
        }
        if (trusted && hasFlag(r, 'KF_RELEASE')) {
          report({
            messageId: 'redundantWithRelease',
            severity: 'info',
            data: { name, version },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `${key}:release`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              targetEvidence(t),
              'before v7.0 the verifier treats every KF_RELEASE kfunc as having trusted arguments',
            ],
          });
        }
        if (trusted && hasFlag(r, 'KF_RCU')) {
          report({
            messageId: 'overriddenByRcu',
            severity: 'warning',
            data: { name },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `${key}:rcu`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              targetEvidence(t),
              'with KF_RCU set, argument checks accept RCU-protected pointers (refcount possibly zero) as well as trusted ones',
            ],
          });
        }
        if (trusted || hasFlag(r, 'KF_RCU') || hasFlag(r, 'KF_RELEASE')) continue;
        // Only new kfuncs: existing ones may rely on the looser rule and are reviewed elsewhere.
        if (!def || def.status !== 'added' || !r.added) continue;
        const params = btfIdParams(def.params);
        if (!params.length) continue;
        report({
          messageId: 'untrustedPointers',
          severity: 'warning',
          data: { name, version, params: params.map((p) => `\`${bareType(p.type)}${p.name}\``).join(', ') },
          kfunc: name,
          file: r.file,
          line: r.line,
          key: `${key}:untrusted`,
          evidence: [
            `flags: ${describeRegistration(r)}`,
            ...params.map((p) => `parameter ${p.name}: \`${p.type}\` (definition at ${def.file}:${def.line})`),
            targetEvidence(t),
            'before v7.0 the trusted-pointer and NULL checks run only for KF_TRUSTED_ARGS, KF_RCU or KF_RELEASE kfuncs',
          ],
        });
      }
    }
  },
});
