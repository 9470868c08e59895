// KF-REG-04: the same kfunc twice in one set, or in an UNSPEC set and a program-type set with
// different flags.
import { defineRule } from '../contract.js';
import type { PatchModel, Registration } from '../../model/model.js';
import { idSetsOf, isAudit } from '../../model/c-query.js';

function flagKey(r: Registration): string {
  return [...new Set(r.flags)].sort().join(' | ') || '(no flags)';
}

/** Two #if stacks that cannot both hold (`X` around one entry, `!X` around the other). */
function exclusive(a: string[], b: string[]): boolean {
  return a.some((c) => b.includes(c.startsWith('!') ? c.slice(1) : `!${c}`));
}

/** Program types a set is registered for with register_btf_kfunc_id_set(), as far as visible. */
function progTypesOf(model: PatchModel, set: string, file: string): { progType: string; line: string; added: boolean }[] {
  return idSetsOf(model, set, file).flatMap((w) =>
    w.calls
      .filter((c) => c.fn === 'register_btf_kfunc_id_set' && c.progType)
      .map((c) => ({ progType: c.progType!, line: `${c.file}:${c.line} via ${w.idSet.name}`, added: c.added })),
  );
}

const describe = (r: Registration) =>
  `BTF_ID_FLAGS(func, ${r.kfunc}${r.flags.length ? `, ${r.flags.join(' | ')}` : ''}) at ${r.file}:${r.line}`;

export default defineRule({
  meta: {
    id: 'KF-REG-04',
    severity: 'warning',
    description: 'Report kfuncs listed twice in a set, or with conflicting flags in an UNSPEC set and a program-type set',
    rationale:
      'A duplicate entry in one set makes its flags ambiguous. The verifier looks a kfunc up in the common (BPF_PROG_TYPE_UNSPEC) hook first, so flags given in a program-type set are silently ignored when an UNSPEC set also lists the kfunc.',
    kernels: '>=6.2',
    messages: {
      duplicateInSet:
        '{name}() is listed twice in set {set} (also at line {other}): keep a single BTF_ID_FLAGS entry with the intended flags',
      commonShadows:
        '{name}() is in UNSPEC set {common} with flags {commonFlags} and in set {specific} ({progType}) with flags {specificFlags}: the UNSPEC flags win for every program type, so the {progType} flags are never used; give both entries the same flags or drop one',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const live = model.registrations.filter((r) => !r.removed && r.side === 'new');

    const bySet = new Map<string, Registration[]>();
    for (const r of live) {
      if (!r.set) continue;
      const k = `${r.file}\0${r.set}\0${r.kfunc}`;
      bySet.set(k, [...(bySet.get(k) ?? []), r]);
    }
    for (const regs of bySet.values()) {
      for (let i = 1; i < regs.length; i++) {
        const first = regs.find((o, j) => j < i && !exclusive(o.ifdefs, regs[i].ifdefs));
        const dup = regs[i];
        if (!first || !(audit || dup.added || first.added)) continue;
        const at = dup.added || !first.added ? dup : first;
        const other = at === dup ? first : dup;
        report({
          messageId: 'duplicateInSet',
          data: { name: dup.kfunc, set: dup.set!, other: other.line },
          kfunc: dup.kfunc,
          file: at.file,
          line: at.line,
          key: `${dup.set}`,
          evidence: [`entry: ${describe(at)}`, `same set, earlier or other entry: ${describe(other)}`],
        });
      }
    }

    const types = new Map<string, ReturnType<typeof progTypesOf>>();
    const typesOf = (set: string, file: string) => {
      const k = `${file}\0${set}`;
      if (!types.has(k)) types.set(k, progTypesOf(model, set, file));
      return types.get(k)!;
    };
    for (const c of live) {
      if (!c.set) continue;
      const unspec = typesOf(c.set, c.file).find((t) => t.progType === 'BPF_PROG_TYPE_UNSPEC');
      if (!unspec) continue;
      for (const s of live) {
        if (s === c || s.kfunc !== c.kfunc || !s.set || (s.set === c.set && s.file === c.file) || flagKey(s) === flagKey(c)) continue;
        const specific = typesOf(s.set, s.file).filter((t) => t.progType !== 'BPF_PROG_TYPE_UNSPEC');
        if (specific.length === 0) continue;
        if (!(audit || c.added || s.added || unspec.added || specific.some((t) => t.added))) continue;
        const at = s.added || !c.added ? s : c;
        report({
          messageId: 'commonShadows',
          data: {
            name: c.kfunc,
            common: c.set,
            commonFlags: flagKey(c),
            specific: s.set,
            specificFlags: flagKey(s),
            progType: specific.map((t) => t.progType).join('/'),
          },
          kfunc: c.kfunc,
          file: at.file,
          line: at.line,
          key: `${c.set}:${s.set}`,
          evidence: [
            `UNSPEC entry: ${describe(c)}, registered at ${unspec.line}`,
            `program-type entry: ${describe(s)}, registered ${specific.map((t) => `for ${t.progType} at ${t.line}`).join(', ')}`,
            'btf_kfunc_id_set_contains() searches the common hook before the program-type hook',
          ],
        });
      }
    }
  },
});
