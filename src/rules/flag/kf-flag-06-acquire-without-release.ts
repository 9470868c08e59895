// KF-FLAG-06: a KF_ACQUIRE kfunc whose returned struct type has no KF_RELEASE kfunc.
import { defineRule } from '../contract.js';
import type { PatchModel } from '../../model/model.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  fileFullyVisible,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
  structPointee,
} from '../../model/c-query.js';
import { RELEASE_KFUNC_FOR } from '../../knowledge/release-kfuncs.js';

/** A visible KF_RELEASE kfunc that takes `struct type *`: its name and where it is registered. */
function visibleRelease(model: PatchModel, type: string): { name: string; where: string; byName: boolean } | null {
  let byName: { name: string; where: string; byName: boolean } | null = null;
  for (const r of model.registrations) {
    if (r.removed || !hasFlag(r, 'KF_RELEASE')) continue;
    const def = definitionOf(model, r.kfunc);
    if (def) {
      if (def.params.some((p) => structPointee(p.type) === type)) return { name: r.kfunc, where: `${r.file}:${r.line}`, byName: false };
    } else if (!byName && r.kfunc.includes(type.replace(/^bpf_/, ''))) {
      // Definition not visible: a release kfunc named after the type is taken on trust.
      byName = { name: r.kfunc, where: `${r.file}:${r.line}`, byName: true };
    }
  }
  return byName;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-06',
    severity: 'warning',
    description: 'Require a KF_RELEASE kfunc for every struct type a KF_ACQUIRE kfunc returns',
    rationale:
      'A reference returned by a KF_ACQUIRE kfunc must be dropped before the program exits, or the verifier rejects it with "Unreleased reference". Without a KF_RELEASE kfunc for that type the only way out is bpf_kptr_xchg into a map, so most callers cannot load.',
    kernels: '>=6.0',
    messages: {
      noRelease:
        '{name}() is registered with KF_ACQUIRE and returns `struct {type} *`, but no KF_RELEASE kfunc takes `struct {type} *`: programs that call it cannot drop the reference and fail with "Unreleased reference". Add and register a release kfunc for struct {type}',
      noReleasePartial:
        '{name}() is registered with KF_ACQUIRE and returns `struct {type} *`, but no visible KF_RELEASE kfunc takes `struct {type} *` (only the diff hunks of {file} were visible). Make sure a release kfunc for struct {type} is registered',
    },
  },
  check({ model, report }) {
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      if (!def) continue;
      const type = structPointee(bareType(def.returnType));
      if (!type) continue;
      for (const r of registrationsOf(model, name)) {
        if (!hasFlag(r, 'KF_ACQUIRE')) continue;
        if (RELEASE_KFUNC_FOR[type] || visibleRelease(model, type)) continue;
        const at = flagFindingAnchor(r, def);
        const full = fileFullyVisible(model, r.file) && fileFullyVisible(model, def.file);
        const releases = model.registrations.filter((x) => !x.removed && hasFlag(x, 'KF_RELEASE')).map((x) => x.kfunc);
        report({
          messageId: full ? 'noRelease' : 'noReleasePartial',
          severity: full ? 'warning' : 'info',
          data: { name, type, file: r.file },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: r.set ?? r.file,
          evidence: [
            `acquire: ${describeRegistration(r)} returns \`struct ${type} *\` (definition at ${def.file}:${def.line})`,
            releases.length
              ? `visible KF_RELEASE kfuncs: ${[...new Set(releases)].join(', ')} (none takes struct ${type} *)`
              : 'no KF_RELEASE kfunc is visible in the patch',
            `no release kfunc for struct ${type} is known in the tree either`,
          ],
        });
      }
    }
  },
});
