// Tree-wide registration knowledge for an audit: every BTF_ID_FLAGS entry and __bpf_kfunc
// definition of every kfunc file, so a rule reviewing one file can tell that a kfunc defined
// there is registered in another (bpf_iter_* in 6.12) or that an entry's function is defined
// elsewhere. Built from the candidate files' text with plain regexes (no parse), plus:
//
// - X-macro registration lists: `#define M(a, b, name, c) BTF_ID_FLAGS(func, name, ...)` followed
//   by a list macro (`XDP_METADATA_KFUNC_xxx` in net/core/xdp.c, defined in include/net/xdp.h)
//   is expanded: the list macro's definition is looked up in the file itself and in the headers
//   it includes, and the `name` argument of every `M(...)` in it counts as registered.
// - plain (non-__bpf_kfunc) definitions of registered names, from the candidate files and, on a
//   full scan, from the tree's definition index.
import { existsInTree, readTreeTextOrNull } from './contained.js';
import { dirname, join } from 'node:path';
import type { TreeIndex } from '../model/model.js';
import { defsIn } from './scan.js';
import { preprocFacts } from '../model/preproc.js';
import { expandedName, invocations, lineAt, listMacrosIn, macroBody, templateScope, templatesIn } from '../model/xmacro.js';

/** Plain data (crosses worker threads and the scan cache). */
export interface TreeIndexData {
  files: number;
  /** Names listed by a BTF_ID_FLAGS(func, ...) entry, sorted. */
  registered: string[];
  /** Registered through an X-macro list: [name, how]. */
  expanded: [string, string][];
  /** [name, file, isKfunc]: __bpf_kfunc definitions, then plain definitions of registered names. */
  defined: [string, string, boolean][];
  /** Plain definitions were looked up in the whole tree (not only in kfunc files). */
  complete: boolean;
  /** [kfunc, header]: a prototype of a __bpf_kfunc in a header its file includes. */
  declared: [string, string][];
  /** [file, line, names]: the names each X-macro registration template expands to. */
  templates?: [string, number, string[]][];
  /** [kfunc, file, #if stack]: __bpf_kfunc definitions under an #if. */
  guards?: [string, string, string[]][];
}

const ENTRY = /\bBTF_ID_FLAGS\(\s*func\s*,\s*(\w+)/g;
const KFUNC_DEF = /\b__bpf_kfunc\b(?!_)([^;{}()]*?)\b(\w+)\s*\(/g;

/** Drops comments (keeping line breaks), so commented-out entries do not count. */
function uncomment(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}

/** Headers `rel` includes that exist in the tree (`<x>` under include/, `"x"` next to the file). */
function includes(root: string, rel: string, text: string): string[] {
  const out: string[] = [];
  // indexOf, not a multiline regex: headers are long and this runs on hundreds of them.
  for (let p = text.indexOf('include'); p >= 0; p = text.indexOf('include', p + 7)) {
    let h = p - 1;
    while (h >= 0 && (text[h] === ' ' || text[h] === '\t')) h--;
    if (text[h] !== '#') continue;
    let b = h - 1;
    while (b >= 0 && (text[b] === ' ' || text[b] === '\t')) b--;
    if (b >= 0 && text[b] !== '\n') continue;
    const m = /^include[ \t]*([<"])([^>"\n]+)[>"]/.exec(text.slice(p, p + 200));
    if (!m) continue;
    const cand = m[1] === '"' ? [join(dirname(rel), m[2])] : [join('include', m[2]), join('arch/x86/include', m[2])];
    for (const c of cand)
      if (existsInTree(root, c)) {
        out.push(c);
        break;
      }
  }
  return out;
}

/** What one kfunc file contributes: entries, __bpf_kfunc definitions, X-macro expansions. */
/** Every `name(` of a header, memoised in `cache` (one per index build): most headers never mention a kfunc. */
function callNamesOf(cache: Map<string, Set<string>>, h: string, t: string): Set<string> {
  let names = cache.get(h);
  if (!names) {
    names = new Set<string>();
    for (const m of t.matchAll(/([A-Za-z_]\w*)\s*\(/g)) names.add(m[1]);
    cache.set(h, names);
  }
  return names;
}

export function indexFile(
  root: string,
  rel: string,
  raw: string,
  headerText?: (h: string) => string | null,
  includesOf?: (h: string, text: string) => string[],
  names = new Map<string, Set<string>>(),
): {
  registered: string[];
  expanded: [string, string][];
  kfuncs: string[];
  declared: [string, string][];
  templates: [number, string[]][];
  guards: [string, string[]][];
} {
  const readHeader =
    headerText ??
    ((h: string) => {
      const t = readTreeTextOrNull(root, h);
      return t === null ? null : uncomment(t);
    });
  const incs = includesOf ?? ((h: string, t: string) => includes(root, h, t));
  const text = uncomment(raw);
  // Only BTF_ID_FLAGS templates register kfuncs; a BTF_ID template only builds an id list.
  const templates = templatesIn(text);
  // Entries inside a template `#define` are not entries: their expansions are.
  const inTemplate = (pos: number) => templates.some((t) => pos >= t.index && pos < t.end);
  const registered = [...text.matchAll(ENTRY)].filter((m) => !inTemplate(m.index!)).map((m) => m[1]);
  const defMatches = [...text.matchAll(KFUNC_DEF)];
  const kfuncs = defMatches.map((m) => m[2]);
  // The #if stack around each __bpf_kfunc definition (only the guarded ones are kept).
  const guards: [string, string[]][] = [];
  if (defMatches.length && /^[ \t]*#[ \t]*if/m.test(text)) {
    const pp = preprocFacts(text.split('\n').map((t, i) => ({ line: i + 1, text: t })));
    const all = defMatches.map((m) => [m[2], pp.ifdefsAt(lineAt(text, m.index!))] as [string, string[]]);
    // Every definition of a name that has a guarded one: an unguarded variant (a stub) counts too.
    const guardedNames = new Set(all.filter(([, c]) => c.length).map(([n]) => n));
    for (const g of all) if (guardedNames.has(g[0])) guards.push(g);
  }
  const expanded: [string, string][] = [];
  const byTemplate: [number, string[]][] = [];
  for (const t of templates) {
    if (t.kind !== 'BTF_ID_FLAGS') continue;
    // The list macros used between the template and its #undef.
    const scope = templateScope(text, t).text;
    const line = lineAt(text, t.index);
    const where = `${rel}:${line}`;
    const names: string[] = [];
    const add = (args: string[], from: string) => {
      const name = expandedName(t, args);
      if (!name) return;
      expanded.push([name, `${t.macro}() template at ${where}, expanded by ${from}`]);
      names.push(name);
    };
    for (const { args } of invocations(scope, t.macro)) add(args, where);
    const lists = listMacrosIn(scope);
    if (lists.length) {
      const headers = includes(root, rel, raw);
      for (const list of lists) {
        const own = macroBody(text, list);
        let found = own ? { file: rel, body: own.body } : null;
        for (const h of headers) {
          if (found) break;
          const ht = readHeader(h);
          const b = ht === null ? null : macroBody(ht, list);
          if (b) found = { file: h, body: b.body };
        }
        if (found) for (const { args } of invocations(found.body, t.macro)) add(args, `${list} (${found.file})`);
      }
    }
    if (names.length) byTemplate.push([line, names]);
  }
  // Prototypes of the file's kfuncs in the headers it includes, and in the headers those include.
  const declared: [string, string][] = [];
  if (kfuncs.length) {
    const seen = new Set<string>();
    let level = includes(root, rel, raw);
    const texts: [string, string][] = [];
    for (let depth = 0; depth < 2 && level.length; depth++) {
      const next: string[] = [];
      for (const h of level) {
        if (seen.has(h) || seen.size >= 200) continue;
        seen.add(h);
        const ht = readHeader(h);
        if (ht === null) continue;
        texts.push([h, ht]);
        next.push(...incs(h, ht));
      }
      level = next;
    }
    for (const k of new Set(kfuncs)) {
      // `type name(params) [attributes];` at the start of a line (not a call in an inline body).
      // Each occurrence is tested from its line start (a multiline regex over whole headers is slow).
      const re = new RegExp(`^(?![ \\t]*return\\b)[ \\t]*[\\w \\t*]*?\\b${k}\\s*\\([^;{}]*\\)[^;{}()]*(?:\\([^;{}]*\\)[^;{}()]*)*;`);
      const hit = texts.find(([h, t]) => {
        if (!callNamesOf(names, h, t).has(k)) return false;
        for (let p = t.indexOf(k); p >= 0; p = t.indexOf(k, p + k.length)) {
          const ls = t.lastIndexOf('\n', p) + 1;
          if (re.test(t.slice(ls, p + 1000))) return true;
        }
        return false;
      });
      if (hit) declared.push([k, hit[0]]);
    }
  }
  return { registered, expanded, kfuncs, declared, templates: byTemplate, guards };
}

/** What one kfunc file contributes to the tree index (kept per file in the scan record, so a
 * review can replace the files its patch touches). */
export interface TreeFileIndex {
  registered: string[];
  expanded: [string, string][];
  kfuncs: string[];
  declared: [string, string][];
  /** Every function the file defines (byte scan), for plain definitions of registered names. */
  defs: string[];
  /** [line, names]: what each X-macro registration template of the file expands to. */
  templates?: [number, string[]][];
  /** [kfunc, #if stack]: every __bpf_kfunc definition of the names the file defines under an #if. */
  guards?: [string, string[]][];
}

/** Per-file index data of kfunc files (header reads and include lists shared between files). */
export function indexTreeFiles(root: string, files: { rel: string; text: string }[]): { rel: string; x: TreeFileIndex }[] {
  const headers = new Map<string, string | null>();
  const headerText = (h: string) => {
    if (!headers.has(h)) {
      // Not uncommented (slow on hundreds of headers): a prototype inside a comment can only
      // silence the missing-prototype check, never cause a finding.
      headers.set(h, readTreeTextOrNull(root, h));
    }
    return headers.get(h)!;
  };
  const incCache = new Map<string, string[]>();
  const includesOf = (h: string, t: string) => {
    let l = incCache.get(h);
    if (!l) {
      l = includes(root, h, t);
      incCache.set(h, l);
    }
    return l;
  };
  const names = new Map<string, Set<string>>();
  return files.map((f) => ({
    rel: f.rel,
    x: {
      ...indexFile(root, f.rel, f.text, headerText, includesOf, names),
      defs: [...new Set(defsIn(Buffer.from(f.text, 'latin1')).map((d) => d.name))],
    },
  }));
}

/**
 * Tree-wide index data from per-file contributions (in path order: the first definition found
 * wins). `lookup` finds a plain definition of a name in the whole tree; without it only the
 * kfunc files are searched and the index is not `complete`.
 */
export function mergeTreeIndex(perFile: { rel: string; x: TreeFileIndex }[], lookup?: (name: string) => string | undefined): TreeIndexData {
  const registered = new Set<string>();
  const expanded = new Map<string, string>();
  const defined = new Map<string, [string, string, boolean]>();
  const declared = new Map<string, string>();
  const templates: [string, number, string[]][] = [];
  const guards: [string, string, string[]][] = [];
  for (const { rel, x } of perFile) {
    for (const [line, names] of x.templates ?? []) templates.push([rel, line, names]);
    for (const [name, conds] of x.guards ?? []) guards.push([name, rel, conds]);
    for (const n of x.registered) registered.add(n);
    for (const [n, how] of x.expanded) {
      registered.add(n);
      if (!expanded.has(n)) expanded.set(n, how);
    }
    for (const n of x.kfuncs) if (!defined.has(n)) defined.set(n, [n, rel, true]);
    for (const [n, h] of x.declared) if (!declared.has(n)) declared.set(n, h);
  }
  // Registered functions defined without the marker: in a kfunc file, else anywhere in the tree.
  const missing = [...registered].filter((n) => !defined.has(n));
  if (missing.length) {
    const want = new Set(missing);
    for (const { rel, x } of perFile) {
      for (const n of x.defs) if (want.has(n) && !defined.has(n)) defined.set(n, [n, rel, false]);
    }
    if (lookup)
      for (const n of missing) {
        const at = defined.has(n) ? undefined : lookup(n);
        if (at) defined.set(n, [n, at, false]);
      }
  }
  const byName = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return {
    files: perFile.length,
    registered: [...registered].sort(),
    expanded: [...expanded].sort(byName),
    defined: [...defined.values()].sort(byName),
    complete: !!lookup,
    declared: [...declared].sort(byName),
    templates,
    guards,
  };
}

/**
 * The index of a tree from its kfunc files' text. `lookup` finds a plain definition of a name
 * in the whole tree (the scan's definition index); without it only kfunc files are searched.
 */
export function buildTreeIndex(
  root: string,
  files: { rel: string; text: string }[],
  lookup?: (name: string) => string | undefined,
): TreeIndexData {
  return mergeTreeIndex(indexTreeFiles(root, files), lookup);
}

export function isTreeFileIndex(p: unknown): p is TreeFileIndex {
  const x = p as TreeFileIndex;
  const strs = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  const pairs = (a: unknown) =>
    Array.isArray(a) && a.every((s) => Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' && typeof s[1] === 'string');
  const tmpl = (a: unknown) =>
    a === undefined || (Array.isArray(a) && a.every((t) => Array.isArray(t) && typeof t[0] === 'number' && strs(t[1])));
  return (
    !!x &&
    typeof x === 'object' &&
    strs(x.registered) &&
    strs(x.kfuncs) &&
    strs(x.defs) &&
    pairs(x.expanded) &&
    pairs(x.declared) &&
    tmpl(x.templates) &&
    (x.guards === undefined ||
      (Array.isArray(x.guards) && x.guards.every((g) => Array.isArray(g) && typeof g[0] === 'string' && strs(g[1]))))
  );
}

/** The model-facing view of the data. */
export function treeIndexOf(d: TreeIndexData): TreeIndex {
  const reg = new Set(d.registered);
  const exp = new Map(d.expanded);
  const defs = new Map(d.defined.map(([n, file, isKfunc]) => [n, { file, isKfunc }]));
  const decl = new Map(d.declared);
  const tmpl = new Map((d.templates ?? []).map(([file, line, names]) => [`${file}:${line}`, names]));
  const guarded = new Map<string, string[][]>();
  for (const [name, file, conds] of d.guards ?? []) {
    const l = guarded.get(`${name}\0${file}`) ?? [];
    l.push(conds);
    guarded.set(`${name}\0${file}`, l);
  }
  return {
    guardsOf: (name, file) => guarded.get(`${name}\0${file}`) ?? [],
    expandedAt: (file, line) => tmpl.get(`${file}:${line}`),
    registered: (n) => reg.has(n),
    defined: (n) => defs.get(n),
    via: (n) => exp.get(n),
    declaredIn: (n) => decl.get(n),
    complete: d.complete,
    files: d.files,
  };
}

export function isTreeIndexData(p: unknown): p is TreeIndexData {
  const d = p as TreeIndexData;
  return (
    !!d &&
    typeof d.files === 'number' &&
    typeof d.complete === 'boolean' &&
    Array.isArray(d.registered) &&
    Array.isArray(d.expanded) &&
    Array.isArray(d.defined) &&
    Array.isArray(d.declared) &&
    d.declared.every((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string') &&
    d.registered.every((x) => typeof x === 'string') &&
    d.expanded.every((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string') &&
    d.defined.every((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string' && typeof x[2] === 'boolean') &&
    (d.guards === undefined ||
      (Array.isArray(d.guards) &&
        d.guards.every((g) => Array.isArray(g) && typeof g[0] === 'string' && typeof g[1] === 'string' && Array.isArray(g[2])))) &&
    (d.templates === undefined ||
      (Array.isArray(d.templates) &&
        d.templates.every(
          (t) =>
            Array.isArray(t) &&
            typeof t[0] === 'string' &&
            typeof t[1] === 'number' &&
            Array.isArray(t[2]) &&
            t[2].every((n) => typeof n === 'string'),
        )))
  );
}
