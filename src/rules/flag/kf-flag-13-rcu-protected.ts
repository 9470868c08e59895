// KF-FLAG-13: KF_RCU_PROTECTED against what the body does and what the target tree honours.
// A kfunc that reads RCU-protected data without its own rcu_read_lock() relies on the caller's
// read-side section; only KF_RCU_PROTECTED makes the verifier enforce that, and only on trees
// that honour the flag for this kind of kfunc.
import { defineRule } from '../contract.js';
import {
  callsIn,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
} from '../../model/c-query.js';
import { progTypeMaySleep } from '../../knowledge/prog-types.js';
import { RCU_PROTECTED_ANY_KFUNC, rcuProtectedEffective, targetEvidence, versionText } from '../../knowledge/kf-flags.js';
import type { FunctionDef, PatchModel, Registration } from '../../model/model.js';
import { RCU_READER, RCU_SECTION_GUARD_CLASS, RCU_SECTION_OPENER } from '../../knowledge/rcu-read-side.js';

function rcuReads(def: FunctionDef): { what: string; line: number } | null {
  const calls = callsIn(def.body);
  // Anything that opens a read-side section (or a lock that makes rcu_dereference_check legal) inside the body.
  const opens = calls.some(
    (c) => RCU_SECTION_OPENER.test(c.name) || (/^(scoped_)?guard$/.test(c.name) && RCU_SECTION_GUARD_CLASS.test(c.args[0]?.text ?? '')),
  );
  if (opens) return null;
  const read = calls.find((c) => RCU_READER.test(c.name));
  return read ? { what: `${read.name}() at ${def.file}:${read.line}`, line: read.line } : null;
}

/** Program types the entry's set is visibly registered for, when every one of them is never sleepable. */
function onlyAtomicCallers(model: PatchModel, r: Registration): string[] | null {
  if (!r.set) return null;
  const idSets = new Set(model.idSets.filter((i) => i.set === r.set).map((i) => i.name));
  const types = model.registerCalls
    .filter((c) => c.fn === 'register_btf_kfunc_id_set' && idSets.has(c.idSet))
    .map((c) => c.progType ?? '?');
  return types.length && types.every((p) => !progTypeMaySleep(p)) ? types : null;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-13',
    severity: 'warning',
    description: 'Match KF_RCU_PROTECTED to RCU reads that rely on the caller, and to what the target tree honours',
    rationale:
      'A kfunc that dereferences RCU-protected pointers without rcu_read_lock() is only safe when every caller is inside an RCU read-side section; sleepable BPF programs are not. KF_RCU_PROTECTED makes the verifier enforce that, but before about 6.18 it does so only for iterator constructors and is silently ignored on other kfuncs.',
    kernels: '>=6.7 (version-gated at 6.18)',
    messages: {
      needsRcuProtected:
        "{name}() reads RCU-protected data ({what}) without taking rcu_read_lock(), so it relies on the caller's RCU read-side section: register it with KF_RCU_PROTECTED so the verifier only accepts calls made inside one, or take rcu_read_lock() in the body",
      needsRcuLock:
        '{name}() reads RCU-protected data ({what}) without taking rcu_read_lock(), and {why}: take rcu_read_lock()/rcu_read_unlock() inside the kfunc',
      noEffect:
        '{name}() is registered with KF_RCU_PROTECTED, which on {version} only affects iterator constructors (KF_ITER_NEW): on this kfunc the flag is ignored and nothing enforces an RCU section. Take rcu_read_lock() in the body if it needs one',
    },
  },
  check({ model, report }) {
    const t = model.target;
    const version = t.version ?? 'unknown';
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      for (const r of registrationsOf(model, name)) {
        const at = flagFindingAnchor(r, def);
        const key = `${r.file}:${r.set ?? ''}`;
        const protectedFlag = hasFlag(r, 'KF_RCU_PROTECTED');
        const effective = rcuProtectedEffective(r.flags, t);
        // Sleepable + RCU_PROTECTED is KF-FLAG-14's finding.
        if (protectedFlag && hasFlag(r, 'KF_SLEEPABLE')) continue;
        if (protectedFlag && !effective && !hasFlag(r, 'KF_ITER_NEW')) {
          report({
            messageId: 'noEffect',
            severity: 'info',
            data: { name, version },
            kfunc: name,
            file: at.file,
            line: at.line,
            key,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              targetEvidence(t),
              `KF_RCU_PROTECTED is honoured on non-iterator kfuncs only from about ${versionText(RCU_PROTECTED_ANY_KFUNC)}; earlier trees use it only for KF_ITER_NEW`,
            ],
          });
          continue;
        }
        if (protectedFlag || !def) continue;
        // The constructor's flag covers the whole iterator; next/destroy never carry it.
        if (hasFlag(r, 'KF_ITER_NEXT') || hasFlag(r, 'KF_ITER_DESTROY')) continue;
        const read = rcuReads(def);
        // Programs of these types always run inside an RCU section (the runner holds it).
        if (!read || onlyAtomicCallers(model, r)) continue;
        const evidence = [
          `RCU read: ${read.what}`,
          `no rcu_read_lock() (or other lock) in ${name}() (${def.file}:${def.line}-${def.endLine})`,
          `flags: ${describeRegistration(r)}`,
          targetEvidence(t),
        ];
        if (hasFlag(r, 'KF_SLEEPABLE')) {
          report({
            messageId: 'needsRcuLock',
            severity: 'warning',
            data: {
              name,
              what: read.what,
              why: 'it is KF_SLEEPABLE, so its callers are sleepable programs outside any RCU section (and KF_RCU_PROTECTED would make it uncallable)',
            },
            kfunc: name,
            file: at.file,
            line: at.line,
            key,
            evidence,
          });
        } else if (effective) {
          report({
            messageId: 'needsRcuProtected',
            severity: 'warning',
            data: { name, what: read.what },
            kfunc: name,
            file: at.file,
            line: at.line,
            key,
            evidence,
          });
        } else {
          report({
            messageId: 'needsRcuLock',
            severity: 'info',
            data: {
              name,
              what: read.what,
              why: `KF_RCU_PROTECTED is ignored on non-iterator kfuncs on ${version}, so sleepable programs may call it outside an RCU section`,
            },
            kfunc: name,
            file: at.file,
            line: at.line,
            key,
            evidence,
          });
        }
      }
    }
  },
});
