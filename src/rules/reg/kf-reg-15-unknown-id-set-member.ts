// KF-REG-15: a `struct btf_kfunc_id_set` initialiser names a member that the target tree's
// struct does not have (a member of another kernel generation, or one that was never merged).
import { defineRule } from '../contract.js';
import type { IdSetStruct, PatchModel } from '../../model/model.js';
import { isAudit } from '../../model/c-query.js';
import { parseVersion, type TargetTree } from '../../model/target.js';
import { ID_SET_MEMBERS, ID_SET_MEMBERS_KNOWN_UNTIL, NEVER_MERGED_HINT, type IdSetMember } from '../../knowledge/kfunc-id-set-members.js';

const v = (s: string) => parseVersion(s) ?? { major: 0, minor: 0 };
const cmp = (a: { major: number; minor: number }, b: { major: number; minor: number }) =>
  a.major !== b.major ? a.major - b.major : a.minor - b.minor;

function inRange(t: { major: number; minor: number }, m: IdSetMember): boolean {
  return cmp(t, v(m.since)) >= 0 && (!m.until || cmp(t, v(m.until)) <= 0);
}

/** The versions every known member of the initialiser exists in, as [from, to] (to null = open). */
function era(members: IdSetMember[]): { from: string; to: string | null } | null {
  let from = '0.0';
  let to: string | null = null;
  for (const m of members) {
    if (cmp(v(m.since), v(from)) > 0) from = m.since;
    if (m.until && (to === null || cmp(v(m.until), v(to)) < 0)) to = m.until;
  }
  return to !== null && cmp(v(from), v(to)) > 0 ? null : { from, to };
}

/** The kfuncs of the set a member points at (`.check_set = &foo_ids`). */
function kfuncsOf(model: PatchModel, s: IdSetStruct, value: string): string[] {
  const name = /&?\s*(\w+)/.exec(value)?.[1];
  if (!name) return [];
  const set = model.sets.find((x) => x.name === name && x.file === s.file);
  if (set?.entries.length) return set.entries;
  return model.btfIds.filter((b) => b.list === name && b.file === s.file && b.side === 'new').map((b) => b.name);
}

const trusted = (t: TargetTree) => t.source === 'flag' || t.source === 'tree';

export default defineRule({
  meta: {
    id: 'KF-REG-15',
    severity: 'error',
    description: 'Report btf_kfunc_id_set initialisers that name a member the target kernel does not have',
    rationale:
      'struct btf_kfunc_id_set changed shape: 5.18 and 5.19 had check_set/acquire_set/release_set/ret_null_set, 6.0 replaced them with one flagged set, 6.5 added filter. A member the target tree lacks does not compile, so none of the kfuncs of the set are registered; a member that was only proposed (sleepable_set) never compiled anywhere.',
    kernels: '>=5.18',
    messages: {
      noSuchMember:
        '{idSet}, which registers {name}(), sets .{member}, but struct btf_kfunc_id_set has no such member in any kernel up to {known}: the file does not compile and the set is never registered; {instead}',
      notInTarget:
        '{idSet}, which registers {name}(), sets .{member}, a member struct btf_kfunc_id_set has only in {range}, not in the target {target}: the file does not compile there; use {instead}',
    },
  },
  check({ model, report }) {
    const target = model.target;
    for (const s of model.idSets) {
      const members = s.members ?? [];
      if (!members.length) continue;
      const file = model.files.find((f) => f.path === s.file);
      const touched = s.added || members.some((m) => file?.lineStatus(m.line) === 'added');
      if (!isAudit(model) && !touched) continue;
      const known = members.map((m) => ID_SET_MEMBERS.find((k) => k.name === m.name)).filter((k): k is IdSetMember => !!k);
      // A guessed target yields to what the initialiser itself says about its kernel generation.
      const ownEra = trusted(target) ? null : era(known);
      // The version judged: the era's last when it has one, else the target.
      const judged = ownEra?.to ? v(ownEra.to) : { major: target.major, minor: target.minor };
      const judgedText = ownEra
        ? `${ownEra.from}${ownEra.to ? `-${ownEra.to}` : '+'} (the era of its other members)`
        : (target.version ?? '?');
      for (const m of members) {
        const k = ID_SET_MEMBERS.find((x) => x.name === m.name);
        if (k && (ownEra || inRange(judged, k))) continue;
        // A set member names the kfuncs it registers; any other member (.filter) concerns the whole set.
        const own = kfuncsOf(model, s, m.value);
        const names = own.length ? own : s.set ? kfuncsOf(model, s, s.set) : [];
        const kfunc = names[0] ?? s.name;
        const evidence = [
          `initialiser: ${s.name} at ${s.file}:${s.line}, member .${m.name} = ${m.value} at ${s.file}:${m.line}`,
          names.length ? `kfuncs registered through it: ${names.join(', ')}` : `no visible set named ${m.value}`,
          `target: ${target.version ?? '?'} (${target.reason})${ownEra ? `; the other members (${known.map((x) => x.name).join(', ')}) exist in ${judgedText}` : ''}`,
        ];
        if (!k) {
          const beyond = cmp(judged, v(ID_SET_MEMBERS_KNOWN_UNTIL)) > 0;
          report({
            messageId: 'noSuchMember',
            severity: beyond ? 'warning' : 'error',
            data: {
              name: kfunc,
              member: m.name,
              idSet: s.name,
              known: ID_SET_MEMBERS_KNOWN_UNTIL,
              instead: NEVER_MERGED_HINT[m.name]
                ? `use ${NEVER_MERGED_HINT[m.name]}`
                : `the members are ${
                    ID_SET_MEMBERS.filter((x) => inRange(judged, x))
                      .map((x) => `.${x.name}`)
                      .join(', ') || 'unknown for this target'
                  }`,
            },
            kfunc,
            file: s.file,
            line: m.line,
            key: m.name,
            evidence: beyond
              ? [
                  ...evidence,
                  `the target is newer than ${ID_SET_MEMBERS_KNOWN_UNTIL}, the last struct checked: make sure it gained .${m.name}`,
                ]
              : evidence,
          });
          continue;
        }
        report({
          messageId: 'notInTarget',
          severity: trusted(target) ? 'error' : 'warning',
          data: {
            name: kfunc,
            member: m.name,
            idSet: s.name,
            range: `${k.since}${k.until ? `-${k.until}` : '+'}`,
            target: target.version ?? '?',
            instead: k.instead ?? 'the members of the target tree',
          },
          kfunc,
          file: s.file,
          line: m.line,
          key: m.name,
          evidence,
        });
      }
    }
  },
});
