// KF-ARG-03: a kfunc keeps or uses a sub-object of its argument without that sub-object's own
// reference.
import { defineRule } from '../contract.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { subObjectUses, type SubObjectSite } from '../../facts/arg-contracts/sub-objects.js';

const at = (s: SubObjectSite): string => `${s.text} at ${s.file}:${s.line}${s.chain.length > 1 ? ` (via ${s.chain.join(' → ')})` : ''}`;

export default defineRule({
  meta: {
    id: 'KF-ARG-03',
    severity: 'error',
    description: 'Report kfuncs that keep or use a sub-object of an argument without pinning it',
    rationale:
      "A trusted or referenced argument keeps the object alive, not what its members point to: a task keeps its task_struct, but exit_mm() drops its mm at any time. A kfunc that stores such a member (an iterator keeping task->mm) or uses one that is not RCU-freed must first take the sub-object's own reference (get_task_mm(), mmget(), get_task_cred(), path_get(), ...), or the program turns a racing exit into a use-after-free.",
    kernels: 'all',
    messages: {
      kept: '{name}() keeps {owner}->{field} ({kept}) without pinning it: the {ownerType} argument does not keep its {field} alive; take it with {advice}',
      used: "{name}() uses {owner}->{field} ({used}) without pinning it or holding the {ownerType}'s lock: it can be freed while the kfunc runs; take it with {advice}",
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      for (const u of subObjectUses(model, k)) {
        if (u.pinned) continue;
        const data = { name: k.name, owner: u.owner, field: u.field, ownerType: `struct ${u.fact.owner}`, advice: u.fact.advice };
        const evidence = (s: SubObjectSite, what: string) => [
          `reads ${at(u.read)}`,
          `${what} ${at(s)}`,
          `no ${[...u.fact.pins, ...u.fact.getters].map((p) => `${p}()`).join('/')} on it`,
          u.fact.why,
        ];
        if (u.kept) {
          report({
            messageId: 'kept',
            data: { ...data, kept: u.kept.text },
            kfunc: k.name,
            file: u.kept.chain.length > 1 ? k.file : u.kept.file,
            line: u.kept.chain.length > 1 ? k.line : u.kept.line,
            key: `${u.owner}.${u.field}`,
            evidence: evidence(u.kept, 'keeps it:'),
          });
          continue;
        }
        if (u.fact.useNeedsPin && u.used && !u.locked)
          report({
            messageId: 'used',
            severity: 'warning',
            data: { ...data, used: u.used.text },
            kfunc: k.name,
            file: u.used.chain.length > 1 ? k.file : u.used.file,
            line: u.used.chain.length > 1 ? k.line : u.used.line,
            key: `${u.owner}.${u.field}`,
            evidence: evidence(u.used, 'uses it:'),
          });
      }
    }
  },
});
