// Reads kernel Makefiles (Kbuild syntax) far enough to say under which Kconfig options a .c
// file is compiled: `obj-$(CONFIG_X) += foo.o dir/`, composite objects (`bar-y += foo.o`,
// `bar-objs := foo.o`, `bar-$(CONFIG_Y) += foo.o`) and `ifeq ($(CONFIG_X),y)` / `ifdef` blocks.
// Pure text in, conditions out: the tree layer reads the files, the knowledge table was
// generated with it (scripts/gen-kbuild.mjs), and a patch's own Makefile hunks are read with it.

export interface KbuildLine {
  /** `obj`, `lib`, or the name of a composite object (`bar` of `bar-y`). */
  target: string;
  /** Kconfig options the line needs (its `$(CONFIG_X)` suffix and enclosing ifs); '?' for a condition not understood. */
  cond: string[];
  /** Objects and directories it lists (`foo.o`, `sub/`). */
  objs: string[];
  line: number;
  text: string;
  /** The enclosing conditionals (`42: ifeq ($(CONFIG_BPF_JIT),y)`), outermost first. */
  ifs: string[];
}

/** Where and under which options a file or directory is built. */
export interface KbuildFacts {
  /** Kconfig options (without CONFIG_), `!X` for a negated one; conjunctive. */
  conds: string[];
  /** Makefile lines that say so (`path:line: text`). */
  evidence: string[];
  /** False when some level was not found or not understood: the real condition may be stronger. */
  complete: boolean;
}

const IGNORED =
  /^(ccflags|asflags|ldflags|subdir-ccflags|subdir-asflags|cflags|CFLAGS|AFLAGS|always|extra|targets|hostprogs|userprogs|clean-files|KASAN|KCSAN|UBSAN|KCOV|GCOV|OBJECT_FILES|quiet|cmd|LDFLAGS|CPPFLAGS|userccflags|userldflags|no-clean-files|header-test|subdir)\b/;

function ifCond(t: string): string | null {
  let m: RegExpExecArray | null;
  if ((m = /^ifdef\s+CONFIG_(\w+)\s*$/.exec(t))) return m[1];
  if ((m = /^ifndef\s+CONFIG_(\w+)\s*$/.exec(t))) return `!${m[1]}`;
  if ((m = /^ifeq\s*\(\s*\$[({]CONFIG_(\w+)[)}]\s*,\s*y\s*\)\s*$/.exec(t))) return m[1];
  if ((m = /^ifneq\s*\(\s*\$[({]CONFIG_(\w+)[)}]\s*,\s*\)\s*$/.exec(t))) return m[1];
  if ((m = /^ifneq\s*\(\s*\$[({]CONFIG_(\w+)[)}]\s*,\s*n\s*\)\s*$/.exec(t))) return m[1];
  if ((m = /^ifeq\s*\(\s*\$[({]CONFIG_(\w+)[)}]\s*,\s*\)\s*$/.exec(t))) return `!${m[1]}`;
  if ((m = /^ifneq\s*\(\s*\$[({]CONFIG_(\w+)[)}]\s*,\s*y\s*\)\s*$/.exec(t))) return `!${m[1]}`;
  return null;
}

/** Every object-list assignment of a Makefile, with the options it is under. */
export function parseKbuild(text: string): KbuildLine[] {
  const out: KbuildLine[] = [];
  const stack: { cond: string; at: string }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let t = raw[i].replace(/#.*$/, '');
    while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + ' ' + raw[++i].replace(/#.*$/, '');
    t = t.trim();
    if (!t) continue;
    if (/^if(n?eq|n?def)\b/.test(t)) {
      stack.push({ cond: ifCond(t) ?? '?', at: `${start + 1}: ${t}` });
      continue;
    }
    if (/^else\b/.test(t)) {
      const top = stack.pop() ?? { cond: '?', at: '' };
      const c = top.cond;
      stack.push({ cond: c === '?' ? '?' : c.startsWith('!') ? c.slice(1) : `!${c}`, at: `${top.at} (else at ${start + 1})` });
      continue;
    }
    if (/^endif\b/.test(t)) {
      stack.pop();
      continue;
    }
    const m = /^([A-Za-z0-9_.-]+?)-(y|m|objs|\$[({]CONFIG_(\w+)[)}])\s*(:=|\+=|=)\s*(.*)$/.exec(t);
    if (!m || IGNORED.test(m[1])) continue;
    const cond = stack.map((s) => s.cond);
    if (m[3]) cond.push(m[3]);
    const objs = m[5].split(/\s+/).filter((o) => /^[\w.$(){}/-]+(\.o|\/)$/.test(o) && !o.includes('$'));
    if (objs.length) out.push({ target: m[1], cond, objs, line: start + 1, text: raw[start].trim(), ifs: stack.map((s) => s.at) });
  }
  return out;
}

/**
 * Options under which `obj` (`foo.o` or `sub/`, as the Makefile lists it) is built, through
 * composite objects; null when the Makefile does not list it. Listed several times (under
 * different options, e.g. `obj-$(CONFIG_A) += sub/` and `obj-$(CONFIG_B) += sub/`): only the
 * options common to every listing are certain.
 */
export function objectConds(lines: KbuildLine[], obj: string, where: string, seen = new Set<string>()): KbuildFacts | null {
  if (seen.has(obj)) return null;
  seen.add(obj);
  const alts: KbuildFacts[] = [];
  for (const l of lines) {
    if (!l.objs.includes(obj)) continue;
    const own = l.cond.filter((c) => c !== '?');
    const ev = `${where}:${l.line}: ${l.text.replace(/\s+/g, ' ')}${l.ifs.length ? ` (inside ${l.ifs.map((i) => `${where}:${i}`).join(', ')})` : ''}`;
    let facts: KbuildFacts = { conds: own, evidence: [ev], complete: !l.cond.includes('?') };
    if (l.target !== 'obj' && l.target !== 'lib') {
      // A part of composite object `target`: built when the composite is.
      const parent = objectConds(lines, `${l.target}.o`, where, seen);
      if (!parent) continue;
      facts = {
        conds: [...new Set([...parent.conds, ...own])],
        evidence: [...parent.evidence, ev],
        complete: facts.complete && parent.complete,
      };
    }
    alts.push(facts);
  }
  if (!alts.length) return null;
  const common = alts[0].conds.filter((c) => alts.every((a) => a.conds.includes(c)));
  return {
    conds: common,
    evidence: alts.length === 1 ? alts[0].evidence : alts.flatMap((a) => a.evidence),
    complete: alts.every((a) => a.complete) && alts.every((a) => a.conds.length === common.length),
  };
}

/** The Makefile of a directory: `Kbuild` wins over `Makefile`, as in kbuild. */
function dirMakefile(read: (rel: string) => string | null, dir: string): { path: string; text: string } | null {
  for (const name of ['Kbuild', 'Makefile']) {
    const path = dir ? `${dir}/${name}` : name;
    const text = read(path);
    if (text !== null) return { path, text };
  }
  return null;
}

/** The parsed Makefile of a directory (tree-relative, '' for the root), or null. */
export type MakefileReader = (dir: string) => { path: string; lines: KbuildLine[] } | null;

/** A memoised reader of directory Makefiles over `read` (a file's text, or null). */
export function makefileReader(read: (rel: string) => string | null): MakefileReader {
  const parsed = new Map<string, { path: string; lines: KbuildLine[] } | null>();
  return (dir) => {
    if (!parsed.has(dir)) {
      const f = dirMakefile(read, dir);
      parsed.set(dir, f ? { path: f.path, lines: parseKbuild(f.text) } : null);
    }
    return parsed.get(dir)!;
  };
}

/**
 * Options under which kbuild descends into directory `dir` (tree-relative, '' for the root):
 * each level listed as `sub/` by its parent, or as `a/sub/` by a further ancestor.
 */
export function kbuildOfDir(mk: MakefileReader, dir: string): KbuildFacts {
  const out: KbuildFacts = { conds: [], evidence: [], complete: true };
  let parts = dir ? dir.split('/') : [];
  while (parts.length) {
    let found: KbuildFacts | null = null;
    let up = parts.length - 1;
    for (; up >= 0; up--) {
      const anc = mk(parts.slice(0, up).join('/'));
      if (anc) found = objectConds(anc.lines, `${parts.slice(up).join('/')}/`, anc.path);
      if (found) break;
    }
    if (!found) {
      out.complete = false;
      break;
    }
    for (const c of found.conds) if (!out.conds.includes(c)) out.conds.push(c);
    out.evidence.push(...found.evidence);
    out.complete &&= found.complete;
    parts = parts.slice(0, up);
  }
  return out;
}

/**
 * Options under which `file` (a tree-relative .c path) is compiled: its object in its
 * directory's Makefile, then each directory level. Null
 * when the file's own object is not listed (e.g. a .c file #included by another).
 */
export function kbuildOfFile(mk: MakefileReader, file: string): KbuildFacts | null {
  const parts = file.split('/');
  const base = parts.pop()!;
  if (!base.endsWith('.c')) return null;
  const own = mk(parts.join('/'));
  const first = own ? objectConds(own.lines, base.replace(/\.c$/, '.o'), own.path) : null;
  if (!first) return null;
  const dir = kbuildOfDir(mk, parts.join('/'));
  return {
    conds: [...new Set([...first.conds, ...dir.conds])],
    evidence: [...first.evidence, ...dir.evidence],
    complete: first.complete && dir.complete,
  };
}
