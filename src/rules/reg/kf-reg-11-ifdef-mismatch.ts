// KF-REG-11: a BTF id of a function (a kfunc set entry, or a `BTF_ID(func, name)` of an id list
// such as the verifier's special-kfunc list) compiled in configurations where the function is
// not: under weaker #if conditions than the definition, or in a file that Kbuild compiles
// under options the definition's file does not get.
import { defineRule } from '../contract.js';
import type { PatchModel } from '../../model/model.js';
import { fileFullyVisible, isFmodretEntry, isReviewed } from '../../model/c-query.js';
import { buildSource, condAtoms, evidenceFor, fileBuild, guarantees, type FileBuild } from '../../facts/build-config.js';

/** A BTF id naming a function: a kfunc set entry or an id-list BTF_ID. */
interface Ref {
  name: string;
  file: string;
  line: number;
  ifdefs: string[];
  added: boolean;
  /** The id list of a BTF_ID(func, ...), or null for a kfunc set entry. */
  list: string | null | undefined;
}

interface Def {
  file: string;
  line: number;
  /** The #if stack around it; empty (and `inModel` false) for a definition only the tree index knows. */
  ifdefs: string[];
  inModel: boolean;
  added: boolean;
}

interface Need {
  atom: string;
  from: 'if' | 'build';
}

function refsOf(model: PatchModel): Ref[] {
  const out: Ref[] = [];
  for (const r of model.registrations) {
    if (r.removed || r.side !== 'new' || isFmodretEntry(model, r)) continue;
    out.push({ name: r.kfunc, file: r.file, line: r.line, ifdefs: r.ifdefs, added: r.added, list: undefined });
  }
  for (const b of model.btfIds) {
    if (b.removed || b.side !== 'new') continue;
    out.push({ name: b.name, file: b.file, line: b.line, ifdefs: b.ifdefs, added: b.added, list: b.list });
  }
  return out;
}

/** Every post-image definition of `name` (a kfunc may have #if/#else variants), else the tree's. */
function defsOf(model: PatchModel, name: string): Def[] {
  const out: Def[] = model.kfuncs
    .filter((k) => k.side === 'new' && k.name === name)
    .map((k) => ({ file: k.file, line: k.line, ifdefs: k.ifdefs, inModel: true, added: k.status === 'added' }));
  const plain = model.functions.get(name);
  if (plain && plain.side === 'new' && !plain.isKfunc)
    out.push({ file: plain.file, line: plain.line, ifdefs: plain.ifdefs, inModel: true, added: plain.status === 'added' });
  if (out.length) return out;
  const t = model.treeIndex?.defined(name);
  if (!t) return [];
  // The tree index knows the #if stacks of the kfunc files' definitions.
  const guards = model.treeIndex?.guardsOf?.(name, t.file) ?? [];
  const stacks = guards.length ? guards : [[]];
  return stacks.map((ifdefs) => ({ file: t.file, line: 0, ifdefs, inModel: false, added: false }));
}

const stack = (conds: string[]) => conds.map((c) => `#if ${c}`).join(' > ') || 'no #if';

export default defineRule({
  meta: {
    id: 'KF-REG-11',
    severity: 'error',
    description: 'Report BTF ids of functions (kfunc set entries, BTF_ID lists) compiled in configurations where the function is not',
    rationale:
      'When a BTF_ID_FLAGS entry or a BTF_ID(func, ...) is built but its function is #ifdef-ed out, or lives in a file Kbuild does not compile in that configuration, resolve_btfids cannot resolve the symbol and leaves BTF ID 0: register_btf_kfunc_id_set() then rejects the whole set, and an id list (the verifier special-kfunc list) silently holds 0.',
    kernels: 'all (set rejection: >=6.4)',
    messages: {
      ifdefMismatch:
        '{name}() is defined only under #if {cond} but its BTF_ID_FLAGS entry is compiled without that condition: in configurations without {cond} the whole set fails to register; put the entry under the same #if',
      idIfdefMismatch:
        '{name}() is defined only under #if {cond} but BTF_ID(func, {name}) in {list} is compiled without that condition: in configurations without {cond} resolve_btfids cannot resolve it and the id stays 0; put it under the same #if (with BTF_ID_UNUSED in #else when the list is indexed by position)',
      buildMismatch:
        '{name}() is defined in {defFile}, which is only compiled with {cond}, but its BTF_ID_FLAGS entry in {file} is compiled without {cond}: in such configurations the entry cannot be resolved and the whole set fails to register; guard the entry with #if IS_ENABLED({cond}) or register the kfunc from its own file',
      idBuildMismatch:
        '{name}() is defined in {defFile}, which is only compiled with {cond}, but BTF_ID(func, {name}) in {list} is compiled without {cond}: resolve_btfids reports an unresolved symbol and the id stays 0 in such configurations; guard it with #ifdef {cond} (and BTF_ID_UNUSED in #else when the list is indexed by position)',
    },
  },
  check({ model, report }) {
    for (const ref of refsOf(model)) {
      if (!isReviewed(model, ref.name) && !ref.added) continue;
      const defs = defsOf(model, ref.name);
      if (defs.length === 0) continue;
      const entryFull = fileFullyVisible(model, ref.file);
      // Seen through hunks, an unseen #if may enclose a line: only what the patch adds is judged.
      if (!entryFull && !ref.added && !defs.some((d) => d.added)) continue;
      const haveIf = condAtoms(ref.ifdefs);
      if (!haveIf) continue;
      const eb = fileBuild(model, ref.file);
      const have = [...haveIf, ...(eb?.conds ?? [])];
      // The entry is safe when at least one definition is built whenever the entry is.
      const lacks: { def: Def; lack: Need[]; db: FileBuild | null }[] = [];
      let covered = false;
      for (const d of defs) {
        const needIf = condAtoms(d.ifdefs);
        if (!needIf) {
          covered = true;
          break;
        }
        // Another file's Kbuild options count only when the entry's own are known (and only
        // positive ones: an `else` of a Makefile conditional is rarely what decides).
        const db = d.file !== ref.file && eb ? fileBuild(model, d.file) : null;
        const need: Need[] = [
          ...needIf.map((atom) => ({ atom, from: 'if' as const })),
          ...(db?.conds ?? []).filter((c) => !c.startsWith('!')).map((atom) => ({ atom, from: 'build' as const })),
        ];
        const lack = need.filter((n) => guarantees(have, n.atom) === null);
        if (lack.length === 0) {
          covered = true;
          break;
        }
        lacks.push({ def: d, lack, db });
      }
      // `#ifdef X` real definition plus `#else` stub: together they are always built.
      const single = lacks.filter((l) => l.lack.length === 1).map((l) => l.lack[0].atom);
      if (covered || single.some((a) => single.includes(a.startsWith('!') ? a.slice(1) : `!${a}`))) continue;
      const witness = lacks[0];
      // A Kbuild option of the definition's file is the stronger evidence when there is one.
      const missing = witness.lack.find((n) => n.from === 'build') ?? witness.lack[0];
      const cond = missing.atom;
      const certain = entryFull && (missing.from === 'if' || (eb?.complete ?? false));
      const isId = ref.list !== undefined;
      const list = ref.list ?? 'its id list';
      const defAt = witness.def.inModel ? `${witness.def.file}:${witness.def.line}` : `${witness.def.file} (tree index)`;
      const evidence = [
        missing.from === 'build'
          ? `definition: ${defAt}, a file compiled only with ${witness.db!.conds.join(' && ')}: ${evidenceFor(witness.db!, cond).join('; ')} (${buildSource(witness.db!)})`
          : `definition: ${defAt} under ${stack(witness.def.ifdefs)}`,
        `${isId ? `BTF_ID(func, ${ref.name})${ref.list ? ` in ${ref.list}` : ''}` : `entry: BTF_ID_FLAGS(func, ${ref.name})`} at ${ref.file}:${ref.line} under ${stack(ref.ifdefs)}${eb ? `, in a file compiled with ${eb.conds.join(' && ') || 'every configuration'} (${eb.evidence[0] ?? ''}, ${buildSource(eb)})` : ''}`,
      ];
      if (!entryFull) evidence.push(`only the hunks of ${ref.file} were visible: an enclosing #if outside them is not seen`);
      else if (missing.from === 'build' && !eb?.complete) evidence.push(`the Makefiles do not fully say when ${ref.file} is built`);
      report({
        messageId: missing.from === 'build' ? (isId ? 'idBuildMismatch' : 'buildMismatch') : isId ? 'idIfdefMismatch' : 'ifdefMismatch',
        severity: certain ? 'error' : 'warning',
        data: { name: ref.name, cond: cond.startsWith('!') ? `!${cond.slice(1)}` : cond, defFile: witness.def.file, file: ref.file, list },
        kfunc: ref.name,
        file: ref.file,
        line: ref.line,
        evidence,
      });
    }
  },
});
