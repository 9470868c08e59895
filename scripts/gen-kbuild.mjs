// Regenerates src/knowledge/kbuild-makefiles.ts and src/knowledge/kconfig-requires.ts from a
// kernel tree (authoring aid, run after `npm run build`):
//   node scripts/gen-kbuild.mjs bench/out/linux-source-6.12
// 1. The Makefile lines (object lists and the conditionals around them) of every directory
//    that holds kfunc or BTF-id code, and of each ancestor that descends into it: the table a
//    review without --tree uses to say under which options a file is compiled.
// 2. For every Kconfig option those lines mention, the options it depends on or selects
//    unconditionally (with enclosing `if` blocks and `menu ... depends on`), transitively:
//    a file built under CONFIG_A is also built with everything A requires.
import { readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKbuild } from '../dist/src/model/kbuild.js';

const root = process.argv[2];
if (!root) throw new Error('usage: gen-kbuild.mjs <kernel tree>');
const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = (() => {
  const mk = readFileSync(join(root, 'Makefile'), 'utf8');
  const v = (k) => new RegExp(`^${k}\\s*=\\s*(\\d+)`, 'm').exec(mk)?.[1];
  return `${v('VERSION')}.${v('PATCHLEVEL')}`;
})();

// ---- which directories ----
const MARK = /__bpf_kfunc|BTF_ID_FLAGS|BTF_ID\(func|BTF_KFUNCS_START|register_btf_kfunc_id_set|BTF_ID_LIST/;
const dirs = new Set(['mm', 'kernel/sched', 'net/sched', 'security', 'crypto']);
/** Objects worth a line: files that mention BPF at all (a new kfunc lands in one of them, or in a new file whose Makefile line the patch shows). */
const bpfish = new Set();
/** Options that guard code in kfunc files (#if CONFIG_X): implications towards them matter. */
const guards = new Set();
function walk(rel) {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!rel && ['tools', 'samples', 'Documentation', 'scripts', 'arch', 'include', 'usr'].includes(e.name)) continue;
      walk(r);
    } else if (e.name.endsWith('.c')) {
      const text = readFileSync(join(root, r), 'latin1');
      if (MARK.test(text)) dirs.add(rel);
      if (/\bbpf|\bBPF/.test(text)) {
        bpfish.add(r.replace(/\.c$/, '.o'));
        if (MARK.test(text))
          for (const m of text.matchAll(/^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif)\b[^\n]*/gm)) for (const c of m[0].matchAll(/CONFIG_(\w+)/g)) guards.add(c[1]);
      }
    }
  }
}
walk('');
const makefileOf = (dir) => {
  for (const n of ['Kbuild', 'Makefile']) {
    const p = dir ? `${dir}/${n}` : n;
    if (existsSync(join(root, p)) && statSync(join(root, p)).isFile()) return p;
  }
  return null;
};
const wanted = new Set();
for (const d of dirs) {
  const parts = d.split('/');
  for (let i = parts.length; i >= 0; i--) wanted.add(parts.slice(0, i).join('/'));
}

// ---- Makefile excerpts: object lines and conditionals, continuation lines joined ----
const makefiles = {};
const options = new Set();
for (const d of [...wanted].sort()) {
  const p = makefileOf(d);
  if (!p) continue;
  const text = readFileSync(join(root, p), 'utf8');
  // Object lines that list a BPF-related file (or a composite object made of one) or a directory.
  const parsed = parseKbuild(text);
  const rel = (o) => (d ? `${d}/${o}` : o);
  const wantedObjs = new Set(parsed.flatMap((l) => l.objs).filter((o) => (o.endsWith('/') ? wanted.has(rel(o).slice(0, -1)) : bpfish.has(rel(o)))));
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of parsed)
      if (l.target !== 'obj' && l.target !== 'lib' && l.objs.some((o) => wantedObjs.has(o)) && !wantedObjs.has(`${l.target}.o`)) {
        wantedObjs.add(`${l.target}.o`);
        grew = true;
      }
  }
  const keep = new Set(parsed.filter((l) => l.objs.some((o) => wantedObjs.has(o))).map((l) => l.line));
  const raw = text.split('\n');
  const out = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let t = raw[i].replace(/#.*$/, '');
    while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + ' ' + raw[++i].replace(/#.*$/, '');
    t = t.replace(/\s+/g, ' ').trim();
    if (!t) continue;
    if (keep.has(start + 1)) {
      // Keep only the wanted objects of a long list (the line number stays the evidence).
      const m = /^(\S+\s*(?::=|\+=|=))\s*(.*)$/.exec(t);
      const objs = m ? m[2].split(' ').filter((o) => wantedObjs.has(o) || !/(\.o|\/)$/.test(o)) : [];
      out.push([start + 1, m && objs.length ? `${m[1]} ${objs.join(' ')}` : t]);
    }
    else if (/^(if(n?eq|n?def)|else|endif)\b/.test(t)) out.push([start + 1, t]);
  }
  // Drop conditionals with nothing kept inside them.
  const pruned = [];
  for (const l of out) {
    if (/^endif\b/.test(l[1]) && pruned.length && /^if/.test(pruned[pruned.length - 1][1])) {
      pruned.pop();
      continue;
    }
    if (/^endif\b/.test(l[1]) && pruned.length >= 2 && /^else\b/.test(pruned[pruned.length - 1][1]) && /^if/.test(pruned[pruned.length - 2][1])) {
      pruned.pop();
      pruned.pop();
      continue;
    }
    pruned.push(l);
  }
  if (!pruned.some((l) => !/^(if|else|endif)/.test(l[1]))) continue;
  makefiles[p] = pruned;
  for (const [, t] of pruned) for (const m of t.matchAll(/CONFIG_(\w+)/g)) options.add(m[1]);
}

// ---- Kconfig: depends on / select, through source, if and menu ----
const requires = new Map(); // option -> { deps:Set, at }
function atoms(expr) {
  const e = expr.replace(/#.*$/, '').trim();
  const out = [];
  let d = 0,
    start = 0;
  const parts = [];
  for (let i = 0; i < e.length; i++) {
    if (e[i] === '(') d++;
    else if (e[i] === ')') d--;
    else if (d === 0 && e.startsWith('&&', i)) {
      parts.push(e.slice(start, i));
      start = i + 2;
    }
  }
  parts.push(e.slice(start));
  for (let p of parts) {
    p = p.trim();
    while (/^\(.*\)$/.test(p) && !p.slice(1, -1).includes(')')) p = p.slice(1, -1).trim();
    let m;
    if ((m = /^(\w+)$/.exec(p)) || (m = /^(\w+)\s*(?:=\s*y|!=\s*n)$/.exec(p))) out.push(m[1]);
  }
  return out;
}
function parseKconfig(rel, inherited) {
  const path = join(root, rel);
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n');
  const stack = [...inherited]; // [{deps, kind}]
  let cur = null;
  let menuPending = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const t = raw.replace(/#.*$/, '').trim();
    let m;
    if ((m = /^(?:menu)?config\s+(\w+)/.exec(t))) {
      cur = { name: m[1], deps: new Set(stack.flatMap((s) => s.deps)), at: `${rel}:${i + 1}` };
      const prev = requires.get(cur.name);
      // Defined in several places (per architecture): only what every definition requires counts.
      if (prev) cur.merge = prev;
      requires.set(cur.name, cur);
      menuPending = null;
      continue;
    }
    if ((m = /^if\s+(.*)$/.exec(t))) {
      stack.push({ deps: atoms(m[1]), kind: 'if' });
      cur = null;
      continue;
    }
    if (/^endif\b/.test(t)) {
      const k = stack.map((s) => s.kind).lastIndexOf('if');
      if (k >= 0) stack.splice(k, 1);
      cur = null;
      continue;
    }
    if (/^menu\s/.test(t)) {
      menuPending = { deps: [], kind: 'menu' };
      stack.push(menuPending);
      cur = null;
      continue;
    }
    if (/^endmenu\b/.test(t)) {
      const k = stack.map((s) => s.kind).lastIndexOf('menu');
      if (k >= 0) stack.splice(k, 1);
      cur = null;
      menuPending = null;
      continue;
    }
    if ((m = /^(?:source|rsource|osource)\s+"([^"]+)"/.exec(t))) {
      const target = m[1].replace('$(SRCARCH)', 'x86').replace('$SRCARCH', 'x86');
      parseKconfig(t.startsWith('rsource') ? join(dirname(rel), target) : target, stack);
      cur = null;
      continue;
    }
    if (/^(choice|endchoice|comment|mainmenu)\b/.test(t)) {
      cur = null;
      continue;
    }
    if ((m = /^depends\s+on\s+(.*)$/.exec(t))) {
      if (cur) for (const a of atoms(m[1])) cur.deps.add(a);
      else if (menuPending) menuPending.deps.push(...atoms(m[1]));
      continue;
    }
    if ((m = /^select\s+(\w+)\s*$/.exec(t))) {
      if (cur) cur.deps.add(m[1]);
      continue;
    }
  }
}
parseKconfig('Kconfig', []);
for (const [name, r] of requires) {
  if (r.merge) {
    let p = r.merge;
    while (p) {
      for (const d of [...r.deps]) if (!p.deps.has(d)) r.deps.delete(d);
      p = p.merge;
    }
  }
}
// For each option the Makefile lines name, everything it requires transitively, kept only
// where it names an option of the Makefile lines or of a kfunc file's #if (what a rule compares).
const targets = new Set([...options, ...guards]);
const closure = (o) => {
  const seen = new Set();
  const todo = [...(requires.get(o)?.deps ?? [])];
  while (todo.length) {
    const x = todo.pop();
    if (seen.has(x) || x === o) continue;
    seen.add(x);
    for (const d of requires.get(x)?.deps ?? []) todo.push(d);
  }
  return [...seen].filter((x) => targets.has(x)).sort();
};
const keepOpts = new Set([...targets].filter((o) => requires.has(o) && closure(o).length));
// ---- write ----
const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const mkOut = [
  `// GENERATED by scripts/gen-kbuild.mjs from Linux ${version}: do not edit by hand.`,
  '//',
  '// Kernel knowledge: the Makefile lines (object lists and the conditionals around them) of the',
  '// directories that hold kfunc or BTF-id code, and of the ancestors that descend into them, at',
  '// their real line numbers. src/model/kbuild.ts reads them exactly as it reads a tree\'s',
  '// Makefiles, so a review without --tree can say under which options a file is compiled and',
  '// cite the line (e.g. fs/Makefile: obj-$(CONFIG_BPF_LSM) += bpf_fs_kfuncs.o).',
  '',
  `export const KBUILD_VERSION = '${version}';`,
  '',
  '/** Makefile path -> [line, text] of its kept lines (continuation lines joined). */',
  'export const KBUILD_MAKEFILES: Readonly<Record<string, readonly (readonly [number, string])[]>> = {',
];
for (const [p, ls] of Object.entries(makefiles)) {
  mkOut.push(`  ${q(p)}: [`);
  for (const [n, t] of ls) mkOut.push(`    [${n}, ${q(t)}],`);
  mkOut.push('  ],');
}
mkOut.push('};', '');
writeFileSync(join(here, 'src/knowledge/kbuild-makefiles.ts'), mkOut.join('\n'));

const kcOut = [
  `// GENERATED by scripts/gen-kbuild.mjs from Linux ${version}: do not edit by hand.`,
  '//',
  '// Kernel knowledge: for each Kconfig option that the Makefile table or an #if of a kfunc file',
  '// names, the options it requires, transitively: `depends on` terms joined by &&, unconditional',
  '// `select`s, and the enclosing `if` / `menu ... depends on` blocks. Terms under || or with a',
  '// negation are left out (they require nothing for certain). Only required options that the',
  '// tables or those #ifs name are kept. The second field is where the option is defined (the',
  '// first definition when an architecture defines it again).',
  '',
  '/** Option -> [options it requires (transitively), Kconfig file:line]. */',
  'export const KCONFIG_REQUIRES: Readonly<Record<string, readonly [readonly string[], string]>> = {',
];
for (const o of [...keepOpts].sort()) {
  let r = requires.get(o);
  while (r.merge) r = r.merge;
  const deps = closure(o);
  kcOut.push(`  ${o}: [[${deps.map(q).join(', ')}], ${q(r.at)}],`);
}
kcOut.push('};', '');
writeFileSync(join(here, 'src/knowledge/kconfig-requires.ts'), kcOut.join('\n'));
console.log(`${Object.keys(makefiles).length} Makefiles, ${keepOpts.size} options`);
