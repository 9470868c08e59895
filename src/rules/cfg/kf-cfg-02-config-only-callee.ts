// KF-CFG-02: a kfunc calls a function that the patch declares or defines only under some
// #if (no #else stub), while the call itself is compiled without that condition: the kernel
// does not build in the configurations that lack it (implicit declaration, or an undefined
// symbol at link time).
import { defineRule } from '../contract.js';
import type { Declaration, KfuncDef, PatchModel } from '../../model/model.js';
import { callsIn, fileFullyVisible, reviewedKfuncs } from '../../model/c-query.js';
import { preprocBlocks } from '../../model/preproc-blocks.js';
import { buildSource, condAtoms, evidenceFor, fileBuild, guarantees } from '../../facts/build-config.js';

const stack = (conds: string[]) => conds.map((c) => `#if ${c}`).join(' > ') || 'no #if';

/**
 * The options every visible declaration of `name` needs, or null when one is unconditional,
 * not understood, or an #if/#else pair covers both sides (a stub stands in).
 */
function requiredFor(decls: Declaration[]): { atoms: string[]; witness: Declaration } | null {
  let common: string[] | null = null;
  const all: string[][] = [];
  for (const d of decls) {
    const a = condAtoms(d.ifdefs);
    if (!a || a.length === 0) return null;
    all.push(a);
    common = common === null ? a : common.filter((x) => a.includes(x));
  }
  if (!common || common.length === 0) return null;
  // `#ifdef X` declaration plus `#else` stub: always declared.
  for (const x of all.flat()) if (all.flat().includes(x.startsWith('!') ? x.slice(1) : `!${x}`)) return null;
  return { atoms: common, witness: decls[0] };
}

/** The options in force at `line` of kfunc `k`: its own #if stack, its file's Kbuild options and the #if branches around the line. */
function optionsAt(model: PatchModel, k: KfuncDef, line: number): string[] | null {
  const own = condAtoms(k.ifdefs);
  if (!own) return null;
  const out = [...own, ...(fileBuild(model, k.file)?.conds ?? [])];
  const blocks = preprocBlocks(model, k);
  for (const b of blocks) for (const br of b.branches) if (line >= br.start && line <= br.end) out.push(...(condAtoms([br.cond]) ?? []));
  return out;
}

export default defineRule({
  meta: {
    id: 'KF-CFG-02',
    severity: 'error',
    description: 'Do not call functions that exist only under an #if the kfunc is compiled without',
    rationale:
      'A kfunc is usually built in every configuration of its file. When it calls a function that the code declares or defines only under #ifdef CONFIG_X, with no #else stub, kernels without CONFIG_X fail to build (implicit declaration) or to link: the breakage shows up only in the configurations the author did not build.',
    kernels: 'all',
    messages: {
      configOnlyCallee:
        '{name}() calls {callee}(), which is only declared under #if {cond}, but the call is compiled without {cond}: kernels without {cond} fail to build; guard the call with the same condition or add a stub for {callee}() in an #else branch',
    },
  },
  check({ model, report }) {
    const byName = new Map<string, Declaration[]>();
    for (const d of model.declarations) {
      const l = byName.get(d.name) ?? [];
      l.push(d);
      byName.set(d.name, l);
    }
    for (const k of reviewedKfuncs(model)) {
      const seen = new Set<string>();
      for (const c of callsIn(k.body)) {
        if (seen.has(c.name) || c.node.childForFieldName('function')?.type !== 'identifier') continue;
        seen.add(c.name);
        const decls = byName.get(c.name);
        if (!decls?.length) continue;
        // Only what the patch shows whole: an #else stub may hide in unseen lines of a hunk.
        if (!decls.every((d) => d.added || fileFullyVisible(model, d.file))) continue;
        const need = requiredFor(decls);
        if (!need) continue;
        const have = optionsAt(model, k, c.line);
        if (!have) continue;
        const lack = need.atoms.filter((a) => guarantees(have, a) === null);
        if (!lack.length) continue;
        const cond = lack[0];
        const full = fileFullyVisible(model, k.file);
        const kb = fileBuild(model, k.file);
        report({
          messageId: 'configOnlyCallee',
          severity: full ? 'error' : 'warning',
          data: { name: k.name, callee: c.name, cond },
          kfunc: k.name,
          file: k.file,
          line: c.line,
          key: c.name,
          evidence: [
            ...decls.map((d) => `${d.kind} of ${c.name}(): ${d.file}:${d.line} under ${stack(d.ifdefs)}`),
            `call: ${k.file}:${c.line} in ${k.name}() under ${stack(k.ifdefs)}${kb ? `, in a file compiled with ${kb.conds.join(' && ') || 'every configuration'} (${evidenceFor(kb, cond)[0]}, ${buildSource(kb)})` : ''}`,
            ...(full ? [] : [`only the hunks of ${k.file} were visible: an #if around the kfunc outside them is not seen`]),
          ],
        });
      }
    }
  },
});
