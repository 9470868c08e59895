// What a `--tree` review takes from the audit cache of the same tree: the tree index (every
// BTF_ID_FLAGS entry, __bpf_kfunc definition and header prototype of the tree's kfunc files),
// adjusted for what the patch changes, and the definitions of callees the patch's kfuncs reach
// in other files. Nothing here scans the tree: without a valid scan record the review goes on
// as before. Like the audit, the cache is never trusted, only reused: records are checked
// (format, tool version, code hash, checksum, shape), kfunc files edited since the audit are
// re-indexed from disk, and callee positions are found by re-scanning the one file a callee
// lives in, so an edit since the audit only costs context, never gives wrong lines. It reads
// the small `tree` record (not the scan record with the stat of every file) and, when a kfunc
// the patch changes calls something, the `defs` record.
import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readTreeTextOrNull, resolveInTree } from './contained.js';
import { sourcesFromRegions, type FileSource } from '../intake/source.js';
import type { PatchModel } from '../model/model.js';
import type { ModelContext } from '../model/build-model.js';
import { reviewedKfuncs } from '../model/c-query.js';
import { kbuildOfDir, kbuildOfFile, makefileReader } from '../model/kbuild.js';
import { AuditCache, defaultCacheDir, scanCodeHash } from './cache.js';
import { isTreeRecord, isDefsRecord, scanKeyOf, type TreeRecord } from './records.js';
import { indexTreeFiles, mergeTreeIndex, treeIndexOf, type TreeFileIndex, type TreeIndexData } from './tree-index.js';
import { callNames, defRange, FileCache, type Region } from './callees.js';
import { defsIn, isCandidate, type RawDef } from './scan.js';

export interface TreeCache {
  /** Real path of the tree. */
  root: string;
  record: TreeRecord;
  /** Name → files defining it (linkable definitions, as `i,j` indices into defsFiles), or null when the cache has none. */
  defs(): ((name: string) => string | undefined) | null;
  defsFiles: string[];
}

/** Lookup in a defs record's sorted `name<TAB>files` lines by binary search (no 170k-entry Map to build). */
function defsLookup(text: string): (name: string) => string | undefined {
  const starts = [0];
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) starts.push(p + 1);
  return (name) => {
    let lo = 0,
      hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const st = starts[mid];
      const tab = text.indexOf('\t', st);
      const n = tab < 0 ? '' : text.slice(st, tab);
      if (n === name) return text.slice(tab + 1, mid + 1 < starts.length ? starts[mid + 1] - 1 : text.length);
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
}

const opened = new Map<string, TreeCache | null>();

/**
 * The audit cache of `tree` in `cacheDir`, or null when there is no valid one. Memoised per
 * process (a batch review opens it once) while the scan record file is unchanged.
 */
export function openTreeCache(tree: string, cacheDir = defaultCacheDir()): TreeCache | null {
  let root: string;
  try {
    root = realpathSync(tree);
  } catch {
    return null;
  }
  const salt = scanCodeHash();
  const cache = new AuditCache(cacheDir, undefined, { tree: salt, defs: salt });
  const key = scanKeyOf(root);
  let stamp = 'absent';
  try {
    const st = statSync(join(cacheDir, 'v1', 'tree', `${key}.json`));
    stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    /* no record */
  }
  const memoKey = `${root}\0${cacheDir}\0${stamp}`;
  if (opened.has(memoKey)) return opened.get(memoKey)!;
  const record = stamp === 'absent' ? null : cache.get('tree', key, isTreeRecord);
  let out: TreeCache | null = null;
  if (record) {
    let defs: ((name: string) => string | undefined) | null | undefined;
    const tc: TreeCache = {
      root,
      record,
      defsFiles: [],
      defs() {
        if (defs !== undefined) return defs;
        const d = record.depth > 0 ? cache.get('defs', key, isDefsRecord) : null;
        defs = null;
        if (d) {
          defs = defsLookup(d.defs);
          tc.defsFiles = d.files;
        }
        return defs;
      },
    };
    out = tc;
  }
  opened.set(memoKey, out);
  return out;
}

/** Stat of kfunc file `rel` recorded by the audit. */
function recordedStat(record: TreeRecord, rel: string): [number, number, number] | null {
  const f = record.candidates.find((c) => c[0] === rel);
  return f ? [f[1], f[2], f[3]] : null;
}

function changedSinceAudit(tc: TreeCache, rel: string): boolean {
  const was = recordedStat(tc.record, rel);
  // A record naming a path outside the tree is not followed: read as changed (and then not found).
  const path = resolveInTree(tc.root, rel);
  if (path === 'missing' || path === 'refused') return true;
  try {
    const st = statSync(path);
    return !was || was[0] !== st.size || was[1] !== st.mtimeMs || was[2] !== st.ino;
  } catch {
    return true;
  }
}

/** Files of the `defs` entry of `name`, in the audit's path order. */
function filesDefining(tc: TreeCache, name: string): string[] {
  const d = tc.defs();
  const list = d?.(name);
  if (!list) return [];
  return list
    .split(',')
    .map((i) => tc.defsFiles[Number(i)])
    .filter((f): f is string => f !== undefined);
}

/**
 * The tree index as the patch leaves it: the cached per-file contributions of the tree's kfunc
 * files, with each file the patch touches (`touched`: post-image text, null when deleted or
 * renamed away) and each kfunc file edited since the audit re-indexed from its current text.
 */
export function treeIndexFor(tc: TreeCache, touched: Map<string, string | null>): { tree: TreeIndexData; stale: string[] } {
  const replace = new Map(touched);
  const stale: string[] = [];
  for (const [rel] of tc.record.candidates) {
    if (replace.has(rel) || !changedSinceAudit(tc, rel)) continue;
    stale.push(rel);
    let text: string | null = null;
    try {
      text = readTreeTextOrNull(tc.root, rel);
    } catch {
      /* gone */
    }
    replace.set(rel, text);
  }
  const fresh = indexTreeFiles(
    tc.root,
    [...replace]
      .filter((e): e is [string, string] => e[1] !== null && e[0].endsWith('.c') && isCandidate(Buffer.from(e[1], 'latin1')))
      .map(([rel, text]) => ({ rel, text })),
  );
  const perFile: { rel: string; x: TreeFileIndex }[] = [
    ...tc.record.treeFiles.filter(([rel]) => !replace.has(rel)).map(([rel, x]) => ({ rel, x })),
    ...fresh,
  ].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const cachedPlain = new Map(
    tc.record.tree.defined.filter(([, file, isKfunc]) => !isKfunc && !replace.has(file)).map(([n, file]) => [n, file]),
  );
  const lookup = (name: string) => cachedPlain.get(name) ?? filesDefining(tc, name).find((f) => f.endsWith('.c') && !replace.has(f));
  return { tree: mergeTreeIndex(perFile, tc.record.tree.complete ? lookup : undefined), stale };
}

interface Loaded {
  idx: number;
  defs: RawDef[];
}

/**
 * Definitions in other files of the tree of what `roots` (function bodies of the patch's
 * files) call, up to the audit's callee depth, by the audit's resolution (same file first, then
 * a linkable definition elsewhere; tools/ callers only reach tools/). `visible` finds a function
 * the model already has (the patch's files, fully visible): followed, not returned.
 */
export function calleeRegions(
  tc: TreeCache,
  roots: { file: string; body: string }[],
  visible: (name: string, callerFile: string) => { file: string; body: string } | undefined,
  skip: Set<string>,
  wanted: string[] = [],
): Region[] {
  const depth = tc.record.depth;
  if (depth <= 0 || (!roots.length && !wanted.length) || !tc.defs()) return [];
  const paths: string[] = [];
  const fc = new FileCache(tc.root, paths);
  const loaded = new Map<string, Loaded | null>();
  const load = (rel: string): Loaded | null => {
    if (loaded.has(rel)) return loaded.get(rel)!;
    paths.push(rel);
    const idx = paths.length - 1;
    const f = fc.get(idx);
    const out = f ? { idx, defs: defsIn(f.buf) } : null;
    loaded.set(rel, out);
    return out;
  };
  const out: Region[] = [];
  const visited = new Set<string>();
  const region = (rel: string, d: RawDef, keepMarker = false): { file: string; body: string } | null => {
    const key = `${rel}:${d.pos}`;
    if (visited.has(key)) return null;
    visited.add(key);
    const l = load(rel)!;
    const r = defRange(fc, l.idx, d.pos);
    const lines = fc.lines(l.idx);
    if (!r || !lines) return null;
    const body = lines.slice(r[0] - 1, r[1]);
    if (out.length < tc.record.maxRegions) {
      // A kfunc of another file is a plain callee here, as in the audit; one the patch registers
      // keeps its marker (it is the kfunc of that entry).
      out.push({ path: rel, start: r[0], lines: keepMarker ? body : body.map((t) => t.replace(/\b__bpf_kfunc\b(?!_)/g, '           ')) });
    }
    return { file: rel, body: body.join('\n') };
  };
  // Functions wanted for themselves (kfuncs the patch registers, defined in another file): their
  // definitions are regions too, and what they call is followed like the roots' callees.
  const extra: { file: string; body: string }[] = [];
  for (const name of wanted) {
    for (const rel of filesDefining(tc, name)) {
      if (skip.has(rel) || rel.startsWith('tools/')) continue;
      const d = load(rel)?.defs.find((x) => x.name === name && !x.isStatic);
      if (!d) continue;
      const r = region(rel, d, true);
      if (r) extra.push(r);
      break;
    }
  }
  let frontier = [...roots, ...extra];
  const seenVisible = new Set<string>();
  for (let level = 0; level < depth && frontier.length && out.length < tc.record.maxRegions; level++) {
    const next: { file: string; body: string }[] = [];
    for (const fn of frontier) {
      const inTools = fn.file.startsWith('tools/');
      for (const name of callNames(fn.body)) {
        // Same file as a callee region: any definition there, static ones included.
        const own = skip.has(fn.file) ? undefined : loaded.get(fn.file)?.defs.find((d) => d.name === name);
        if (own) {
          const r = region(fn.file, own);
          if (r) next.push(r);
          continue;
        }
        const v = visible(name, fn.file);
        if (v) {
          const k = `${v.file}:${name}`;
          if (!seenVisible.has(k)) {
            seenVisible.add(k);
            next.push(v);
          }
          continue;
        }
        for (const rel of filesDefining(tc, name)) {
          if (skip.has(rel) || rel.startsWith('tools/') !== inTools) continue;
          const l = load(rel);
          const ds = l?.defs.filter((d) => d.name === name) ?? [];
          const d = ds.find((x) => !x.isStatic) ?? (rel.endsWith('.h') ? ds[0] : undefined);
          if (!d) continue; // moved or gone since the audit
          const r = region(rel, d);
          if (r) next.push(r);
          break;
        }
      }
    }
    frontier = next;
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
  return out;
}

/**
 * The tree's context for a review's model, from the cache: `treeIndex` (with the patch's
 * changes), the callee regions of its reviewed kfuncs as context-only sources, and notes for the
 * report. `gone`: paths the patch renames or deletes. Called by buildModel with the draft model.
 */
export function treeContext(tc: TreeCache, sources: FileSource[], gone: string[]): (draft: PatchModel) => ModelContext {
  return (model) => {
    const notes: string[] = [];
    const touched = new Map<string, string | null>();
    for (const p of gone) touched.set(p, null);
    for (const s of sources) {
      if (!s.path.endsWith('.c')) continue;
      if (s.isDeleted) {
        touched.set(s.path, null);
        continue;
      }
      // A file seen through its hunks only (the patch did not apply) keeps its cached entries.
      if (!s.post.full) continue;
      let n = 0;
      for (const k of s.post.lines.keys()) if (k > n) n = k;
      const lines: string[] = [];
      for (let i = 1; i <= n; i++) lines.push(s.post.lines.get(i) ?? '');
      touched.set(s.path, lines.join('\n') + '\n');
    }
    const { tree, stale } = treeIndexFor(tc, touched);
    // Contained like every read of the tree: a Makefile path never leaves it.
    const makefiles = makefileReader((rel) => readTreeTextOrNull(tc.root, rel));
    const treeIndex = {
      ...treeIndexOf(tree),
      kbuild: (path: string) => (path.endsWith('/') ? kbuildOfDir(makefiles, path.slice(0, -1)) : kbuildOfFile(makefiles, path)),
    };
    if (stale.length)
      notes.push(
        `audit cache: ${stale.length} kfunc file(s) changed since the audit were re-indexed (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}); run \`kfunc-review audit\` again to refresh callee context`,
      );

    const patchFiles = new Set(sources.map((s) => s.path));
    const fileOf = (path: string) => model.files.find((f) => f.path === path);
    const bodyOf = (file: string, line: number, end: number): string => {
      const f = fileOf(file);
      const out: string[] = [];
      for (let n = line; n <= end; n++) out.push(f?.lineText(n) ?? '');
      return out.join('\n');
    };
    const roots = reviewedKfuncs(model)
      .filter((k) => fileOf(k.file)?.visibility === 'full')
      .map((k) => ({ file: k.file, body: bodyOf(k.file, k.line, k.endLine) }));
    const visible = (name: string, caller: string) => {
      const f = model.functions.get(name);
      if (!f || f.side !== 'new' || !patchFiles.has(f.file) || (f.isStatic && f.file !== caller && !f.file.endsWith('.h')))
        return undefined;
      return { file: f.file, body: bodyOf(f.file, f.line, f.endLine) };
    };
    // Kfuncs whose entries the patch adds or changes but whose definitions live elsewhere: the
    // flag rules judge an entry by the code it registers.
    const wanted = [
      ...new Set(model.registrations.filter((r) => r.added && !r.removed && !model.functions.get(r.kfunc)).map((r) => r.kfunc)),
    ];
    if ((roots.length || wanted.length) && !tc.defs())
      notes.push('audit cache: no callee locations (re-run `kfunc-review audit` on this tree for callees in other files)');
    const regions = calleeRegions(tc, roots, visible, patchFiles, wanted);
    return { treeIndex, sources: sourcesFromRegions(regions), notes };
  };
}
