// KF-REG-11: a set entry compiled under weaker #if conditions than the kfunc it names.
import { defineRule } from '../contract.js';
import type { FunctionDef } from '../../model/model.js';
import { fileFullyVisible, isFmodretEntry, isReviewed } from '../../model/c-query.js';

/** `defined(A) && IS_ENABLED(B)` → ['A', 'B']; null when the condition is not a plain conjunction. */
function atoms(conds: string[]): string[] | null {
  const out: string[] = [];
  for (const c of conds) {
    // `#else` of a compound condition is stored as `!A && B`: not a conjunction we can trust.
    if (c.startsWith('!') && /&&|\|\|/.test(c)) return null;
    for (const part of c.split('&&').map((p) => p.trim())) {
      const m = /^(!?)\s*(?:defined\s*\(\s*(\w+)\s*\)|IS_ENABLED\s*\(\s*(\w+)\s*\)|IS_BUILTIN\s*\(\s*(\w+)\s*\)|(\w+))$/.exec(part);
      if (!m) return null;
      const name = m[2] ?? m[3] ?? m[4] ?? m[5];
      if (/^\d+$/.test(name)) {
        if (m[1] ? name !== '0' : name === '0') return null;
        continue;
      }
      out.push(`${m[1]}${name}`);
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'KF-REG-11',
    severity: 'error',
    description: 'Report kfunc set entries that are compiled in configurations where the kfunc is not',
    rationale:
      'When the BTF_ID_FLAGS entry is built but the definition is #ifdef-ed out, resolve_btfids cannot resolve the symbol and leaves BTF ID 0, and register_btf_kfunc_id_set() then rejects the whole set in that configuration.',
    kernels: '>=6.4',
    messages: {
      ifdefMismatch:
        '{name}() is defined only under #if {cond} but its BTF_ID_FLAGS entry is compiled without that condition: in configurations without {cond} the whole set fails to register; put the entry under the same #if',
    },
  },
  check({ model, report }) {
    for (const r of model.registrations) {
      if (r.removed || r.side !== 'new' || isFmodretEntry(model, r)) continue;
      // All post-image definitions of the name (a kfunc may have #if/#else variants).
      const defs: FunctionDef[] = model.kfuncs.filter((k) => k.side === 'new' && k.name === r.kfunc);
      const plain = model.functions.get(r.kfunc);
      if (plain && plain.side === 'new' && !defs.includes(plain)) defs.push(plain);
      if (defs.length === 0) continue;
      // #if stacks are only trustworthy when the whole file is known.
      if (!fileFullyVisible(model, r.file) || !defs.every((d) => fileFullyVisible(model, d.file))) continue;
      if (!isReviewed(model, r.kfunc)) continue;
      const have = atoms(r.ifdefs);
      if (!have) continue;
      // The entry is safe when at least one definition is built whenever the entry is.
      const lacks: { def: FunctionDef; lack: string[] }[] = [];
      let covered = false;
      for (const d of defs) {
        const need = atoms(d.ifdefs);
        const lack = need?.filter((a) => !have.includes(a));
        if (!lack || lack.length === 0) {
          covered = true;
          break;
        }
        lacks.push({ def: d, lack });
      }
      // `#ifdef X` real definition plus `#else` stub: together they are always built.
      const single = lacks.filter((l) => l.lack.length === 1).map((l) => l.lack[0]);
      if (covered || single.some((a) => single.includes(a.startsWith('!') ? a.slice(1) : `!${a}`))) continue;
      const missing = lacks[0].lack[0];
      const witness = lacks[0].def;
      report({
        messageId: 'ifdefMismatch',
        data: { name: r.kfunc, cond: missing.startsWith('!') ? `!${missing.slice(1)}` : missing },
        kfunc: r.kfunc,
        file: r.file,
        line: r.line,
        evidence: [
          `definition: ${witness.file}:${witness.line} under ${witness.ifdefs.map((c) => `#if ${c}`).join(' > ') || '(no #if)'}`,
          `entry: BTF_ID_FLAGS(func, ${r.kfunc}) at ${r.file}:${r.line} under ${r.ifdefs.map((c) => `#if ${c}`).join(' > ') || 'no #if'}`,
        ],
      });
    }
  },
});
