// Under which Kconfig options a file is compiled, and what an option brings with it: the facts
// behind the configuration rules. A file's options come from, in order: the Makefile lines the
// patch itself shows for its directory, the tree's Makefiles (a --tree review with an audit
// cache), else the Makefile table of the kernel knowledge (Linux 6.12). An option's
// requirements (`depends on`, `select`, enclosing `if`) come from the Kconfig table.
import type { FileModel, PatchModel } from '../model/model.js';
import {
  kbuildOfDir,
  kbuildOfFile,
  makefileReader,
  objectConds,
  parseKbuild,
  type KbuildFacts,
  type MakefileReader,
} from '../model/kbuild.js';
import { KBUILD_MAKEFILES, KBUILD_VERSION } from '../knowledge/kbuild-makefiles.js';
import { KCONFIG_REQUIRES } from '../knowledge/kconfig-requires.js';

/** Options are named as the code names them: `CONFIG_X`, `!CONFIG_X`. */
export interface FileBuild extends KbuildFacts {
  /** Where the answer came from: the patch's Makefile hunk, the tree, or the 6.12 table. */
  source: 'patch' | 'tree' | 'table';
}

/** The knowledge table as a Makefile reader: each kept line at its real line number. */
const tableReader: MakefileReader = makefileReader((rel) => {
  const lines = KBUILD_MAKEFILES[rel];
  if (!lines) return null;
  const out: string[] = [];
  for (const [n, t] of lines) {
    while (out.length < n - 1) out.push('');
    out.push(t);
  }
  return out.join('\n');
});

/** The visible text of a file of the model, each line at its number (unseen lines blank). */
function visibleText(f: FileModel): string {
  const out: string[] = [];
  for (const [a, b] of f.shownRanges) {
    for (let n = a; n <= b; n++) {
      while (out.length < n - 1) out.push('');
      out[n - 1] = f.lineText(n) ?? '';
    }
  }
  return out.join('\n');
}

const memo = new WeakMap<PatchModel, Map<string, FileBuild | null>>();

/** Under which options `file` is compiled, or null when no Makefile we can read lists it. */
export function fileBuild(model: PatchModel, file: string): FileBuild | null {
  let m = memo.get(model);
  if (!m) memo.set(model, (m = new Map()));
  if (!m.has(file)) {
    const b = compute(model, file);
    m.set(file, b && { ...b, conds: b.conds.map((c) => (c.startsWith('!') ? `!CONFIG_${c.slice(1)}` : `CONFIG_${c}`)) });
  }
  return m.get(file)!;
}

function compute(model: PatchModel, file: string): FileBuild | null {
  if (!file.endsWith('.c')) return null;
  const dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.c$/, '.o');
  const tree = model.treeIndex?.kbuild;
  // 1. The patch shows (or adds) the Makefile line of the file's object.
  for (const name of ['Kbuild', 'Makefile']) {
    const mf = model.files.find((f) => f.role === 'unit' && f.path === (dir ? `${dir}/${name}` : name) && !f.isDeleted);
    if (!mf) continue;
    const own = objectConds(parseKbuild(visibleText(mf)), base, mf.path);
    if (!own) continue;
    // The directory levels: from the tree when it can tell, else the table.
    const up = tree?.(`${dir}/`) ?? null;
    const dirFacts = up ?? kbuildOfDir(tableReader, dir);
    return {
      conds: [...new Set([...own.conds, ...dirFacts.conds])],
      evidence: [...own.evidence, ...dirFacts.evidence],
      // Seen through a hunk, the line may sit inside an unseen ifeq.
      complete: own.complete && mf.visibility === 'full' && dirFacts.complete,
      source: 'patch',
    };
  }
  // 2. The tree's own Makefiles.
  if (tree) {
    const t = tree(file);
    if (t) return { ...t, source: 'tree' };
  }
  // 3. The table.
  const t = kbuildOfFile(tableReader, file);
  return t ? { ...t, source: 'table' } : null;
}

/** Where a file's options were read, for evidence lines. */
export function buildSource(b: FileBuild): string {
  return b.source === 'table' ? `Linux ${KBUILD_VERSION} Makefiles` : b.source === 'tree' ? "the tree's Makefiles" : "the patch's Makefile";
}

/** The evidence lines of `b` that name option `o` (`CONFIG_X`), else the first. */
export function evidenceFor(b: FileBuild, o: string): string[] {
  const bare = o.replace(/^!?CONFIG_/, '');
  const hits = b.evidence.filter((e) => new RegExp(`CONFIG_${bare}\\b`).test(e));
  return hits.length ? hits : b.evidence.slice(0, 1);
}

/** What having option `o` (`CONFIG_X`) enabled guarantees: `o` itself and everything it requires, with where that is said. */
export function requiredBy(o: string): Map<string, string> {
  const out = new Map<string, string>([[o, '']]);
  const r = KCONFIG_REQUIRES[o.replace(/^CONFIG_/, '')];
  if (r) for (const d of r[0]) out.set(`CONFIG_${d}`, `${o} requires CONFIG_${d} (${r[1]}, Linux ${KBUILD_VERSION})`);
  return out;
}

/**
 * Does a build with every option in `have` enabled also have `need`? `need` may be negated
 * (`!X`): then only an explicit `!X` in `have` guarantees it. Returns the reason (empty string
 * when `need` is itself in `have`), or null.
 */
export function guarantees(have: readonly string[], need: string): string | null {
  if (have.includes(need)) return '';
  if (need.startsWith('!')) return null;
  for (const h of have) {
    if (h.startsWith('!')) continue;
    const why = requiredBy(h).get(need);
    if (why !== undefined) return why;
  }
  return null;
}

/**
 * The options an #if stack requires, as atoms: `defined(A) && IS_ENABLED(B)` → ['A', 'B'],
 * `!C` → ['!C']. Null when some condition is not a plain conjunction (an `||`, an arithmetic
 * test, or the `#else` of a compound condition): then nothing certain can be said.
 */
export function condAtoms(conds: readonly string[]): string[] | null {
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
