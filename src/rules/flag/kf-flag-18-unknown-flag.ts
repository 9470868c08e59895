// KF-FLAG-18: a KF_* name that the target tree does not define: removed (KF_KPTR_GET),
// not yet added (KF_FASTCALL, arena flags, KF_IMPLICIT_ARGS), never defined (KF_DEPRECATED),
// an unmerged proposal, or a name we have never seen. Every one of these fails the build.
// KF_TRUSTED_ARGS on v7.0+ is left to KF-FLAG-12 so one defect gives one finding.
import { defineRule } from '../contract.js';
import { describeRegistration, fileFullyVisible, registrationsOf, reviewedKfuncNames } from '../../model/c-query.js';
import { baseTreeUse, flagAvailability, flagDefinitionIn, sinceText, targetAssumed, targetEvidence } from '../../knowledge/kf-flags.js';
import type { Severity } from '../contract.js';

export default defineRule({
  meta: {
    id: 'KF-FLAG-18',
    severity: 'error',
    description: 'Report KF_* flags that the target kernel tree does not define',
    rationale:
      'Kfunc flags are plain #defines in include/linux/btf.h. A flag that was removed, has not been added yet on the target tree, was only ever documented, or exists only in an unmerged series is an undeclared identifier, so the file does not build.',
    kernels: 'all (version-gated)',
    messages: {
      removed:
        '{name}() uses {flag}, which was removed in {until} and does not exist on the target tree ({version}): the build fails. {advice}',
      notYet:
        '{name}() uses {flag}, which exists only from {since}; the target tree ({version}) does not define it, so the build fails there. Target a newer tree or drop the flag',
      neverDefined: '{name}() uses {flag}, which no kernel defines ({why}): the build fails. {advice}',
      proposal:
        '{name}() uses {flag}, a proposed flag that is not known to be merged: the build fails unless the series also adds its #define',
      unknown:
        '{name}() uses {flag}, which is not a kfunc flag on any tree we know: check the spelling, or add the #define in the same series',
    },
  },
  check({ model, report }) {
    const t = model.target;
    const version = t.version ?? 'unknown';
    for (const name of reviewedKfuncNames(model)) {
      for (const r of registrationsOf(model, name)) {
        // Context entries are the base tree itself, which builds; only judge what the patch writes.
        if (!r.added && model.files.some((f) => f.addedLines.size > 0)) continue;
        // A set of the API before BTF_ID_FLAGS: its "flags" are set memberships, no KF_* is written.
        if (r.via) continue;
        for (const flag of r.flags) {
          if (!/^KF_\w+$/.test(flag)) continue;
          const avail = flagAvailability(flag, t);
          if (avail.state === 'available') continue;
          // KF-FLAG-12 owns KF_TRUSTED_ARGS on trees where it is gone.
          if (flag === 'KF_TRUSTED_ARGS') continue;
          const def = flagDefinitionIn(model, flag);
          if (def) continue;
          const key = `${r.file}:${r.set ?? ''}:${flag}`;
          const at = { kfunc: name, file: r.file, line: r.line, key };
          const evidence = [`flag: ${describeRegistration(r)}`];
          if (avail.state === 'unknown') {
            const full = fileFullyVisible(model, r.file);
            evidence.push(
              `${flag} is not among the flags any kernel tree defines (KF_ACQUIRE ... KF_IMPLICIT_ARGS), and no #define ${flag} is visible in the patch`,
            );
            if (!full) evidence.push(`${r.file} was only visible as diff hunks, so a local #define could be out of sight`);
            report({ messageId: 'unknown', severity: full ? 'warning' : 'info', data: { name, flag }, ...at, evidence });
            continue;
          }
          const fact = avail.fact;
          evidence.push(`${flag}: ${fact.note}`);
          if (avail.state === 'never-defined') {
            report({
              messageId: 'neverDefined',
              data: { name, flag, why: fact.note, advice: fact.advice ?? 'Drop the flag' },
              ...at,
              evidence,
            });
            continue;
          }
          if (avail.state === 'proposal') {
            evidence.push(`no #define ${flag} is visible in the patch`);
            report({ messageId: 'proposal', data: { name, flag }, ...at, evidence });
            continue;
          }
          // Version-gated: the base tree may prove the target guess wrong.
          const used = baseTreeUse(model, flag);
          if (used) continue;
          evidence.push(targetEvidence(t));
          let severity: Severity = 'error';
          if (avail.state === 'not-yet' && targetAssumed(t)) {
            severity = 'info';
            evidence.push('the target version was assumed, not given: pass --kernel or --tree if the patch is for a newer tree');
          }
          if (avail.state === 'removed') {
            report({
              messageId: 'removed',
              severity,
              data: { name, flag, until: sinceText(fact, 'until'), version, advice: capitalise(fact.advice ?? 'drop the flag') },
              ...at,
              evidence,
            });
          } else {
            report({ messageId: 'notYet', severity, data: { name, flag, since: sinceText(fact), version }, ...at, evidence });
          }
        }
      }
    }
  },
});

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
