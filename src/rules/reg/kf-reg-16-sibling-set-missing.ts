// KF-REG-16: a kfunc registered in one set next to siblings of its family (the same name
// prefix) that are registered in another set too, while it is not: the other set's programs can
// call the siblings but not it. Sets register a family together when they give the same
// programs (or contexts) the same operations; the kfunc that misses one of them is usually an
// oversight (a setter added to the dispatch set but not to the unlocked one).
import { defineRule } from '../contract.js';
import type { KfuncSet, PatchModel, Registration } from '../../model/model.js';
import { fileFullyVisible, isAudit, isReviewed } from '../../model/c-query.js';

/**
 * Name prefixes of `name` at `_` boundaries, longest first, that say more than the namespace:
 * at least two words after a leading `bpf_` or `<subsystem>_bpf_` (`bpf_iter_task`,
 * `scx_bpf_dispatch_from`, not `bpf_cpumask` or `scx_bpf_dispatch`).
 */
function prefixes(name: string): string[] {
  const words = name.split('_');
  const ns = words[0] === 'bpf' ? 1 : words[1] === 'bpf' ? 2 : 0;
  const out: string[] = [];
  for (let n = words.length - 1; n >= Math.max(ns + 2, 2); n--) out.push(words.slice(0, n).join('_'));
  return out;
}

const inFamily = (name: string, p: string) => name === p || name.startsWith(`${p}_`);

/** Sets whose every entry is known: START and END visible (or the whole file). */
function completeSets(model: PatchModel): KfuncSet[] {
  return model.sets.filter((s) => s.endLine !== null || fileFullyVisible(model, s.file));
}

export default defineRule({
  meta: {
    id: 'KF-REG-16',
    severity: 'warning',
    description: 'Register a kfunc in every set that registers the rest of its family',
    rationale:
      'Kfunc sets decide which programs (or contexts) may call a kfunc. When the siblings of a kfunc (the same name prefix, registered together with it) are all registered in a second set as well, programs of that set can call them but not the new one: a helper documented as usable wherever its siblings are is then rejected by the verifier in exactly those programs.',
    kernels: 'all',
    messages: {
      missingFromSiblingSet:
        '{name}() is registered in {set} with {siblings}, which {verb} also registered in {other}, but {name}() is not: programs that can call {sibling}() through {other} cannot call {name}(); add it to {other} too, or say why it must not be there',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const sets = completeSets(model);
    const entryOf = (set: KfuncSet, name: string): Registration | undefined =>
      model.registrations.find((r) => r.kfunc === name && r.set === set.name && r.file === set.file && r.side === 'new' && !r.removed);
    for (const a of sets) {
      for (const name of a.entries) {
        const reg = entryOf(a, name);
        if (!reg || (!audit && !(reg.added && isReviewed(model, name)))) continue;
        const added = (n: string) => !audit && !!entryOf(a, n)?.added;
        for (const b of sets) {
          if (b === a || b.entries.includes(name)) continue;
          // The closest family of `name` in `a` that `b` registers at all.
          for (const p of prefixes(name)) {
            const family = a.entries.filter((e) => e !== name && inFamily(e, p));
            const shared = family.filter((e) => b.entries.includes(e));
            if (!shared.length) continue;
            // Every member the patch does not add is in `b` too: the family is registered there.
            if (family.some((e) => !added(e) && !b.entries.includes(e))) break;
            const siblings = shared.map((s) => `${s}()`).join(', ');
            report({
              messageId: 'missingFromSiblingSet',
              data: { name, set: a.name, siblings, verb: shared.length > 1 ? 'are' : 'is', other: b.name, sibling: shared[0] },
              kfunc: name,
              file: reg.file,
              line: reg.line,
              key: b.name,
              evidence: [
                `entry: BTF_ID_FLAGS(func, ${name}) in ${a.name} at ${reg.file}:${reg.line}`,
                ...shared.slice(0, 3).map((s) => {
                  const ra = entryOf(a, s);
                  const rb = entryOf(b, s);
                  return `sibling ${s}() (prefix ${p}_): in ${a.name}${ra ? ` at ${ra.file}:${ra.line}` : ''} and in ${b.name}${rb ? ` at ${rb.file}:${rb.line}` : ''}`;
                }),
                `${b.name} (${b.file}:${b.line}) has no entry for ${name}()`,
              ],
            });
            break;
          }
        }
      }
    }
  },
});
