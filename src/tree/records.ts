// The records an audit keeps in the cache between runs and a `--tree` review reads: the scan
// record (stat of every file, kfunc files, callee regions, tree index), the small tree record and
// the defs record (where the tree's linkable functions are defined). Validators check each
// payload's shape: the cache is never trusted, only reused.
import { sha256 } from './cache.js';
import { linkable, type DefIndex } from './callees.js';
import { isTreeIndexData, isTreeFileIndex, type TreeFileIndex, type TreeIndexData } from './tree-index.js';

/** The scan record kept in the cache between runs (a `--tree` review reads it too). */
export interface ScanRecord {
  files: [string, number, number, number][];
  candidates: string[];
  depth: number;
  maxRegions: number;
  /** Per candidate: callee regions as [path, start, end]. */
  regions: Record<string, [string, number, number][]>;
  /** Tree-wide registrations and definitions (valid while every stat matches). */
  tree: TreeIndexData;
}

/**
 * What a `--tree` review reads instead of the (large) scan record, written with it: the tree
 * index, what each kfunc file contributes to it (a review replaces the files its patch
 * touches) and the kfunc files' stats (a review re-indexes the ones edited since).
 */
export interface TreeRecord {
  /** [path, size, mtimeMs, ino] of each candidate, in path order. */
  candidates: [string, number, number, number][];
  depth: number;
  maxRegions: number;
  tree: TreeIndexData;
  treeFiles: [string, TreeFileIndex][];
}

export function isTreeRecord(p: unknown): p is TreeRecord {
  const r = p as TreeRecord;
  return (
    !!r &&
    typeof r.depth === 'number' &&
    typeof r.maxRegions === 'number' &&
    isTreeIndexData(r.tree) &&
    Array.isArray(r.candidates) &&
    r.candidates.every(
      (f) =>
        Array.isArray(f) &&
        f.length === 4 &&
        typeof f[0] === 'string' &&
        typeof f[1] === 'number' &&
        typeof f[2] === 'number' &&
        typeof f[3] === 'number',
    ) &&
    Array.isArray(r.treeFiles) &&
    r.treeFiles.every((t) => Array.isArray(t) && typeof t[0] === 'string' && isTreeFileIndex(t[1]))
  );
}

/**
 * Where the tree's linkable functions are defined (see callees.linkable): `files` the paths,
 * `defs` one line per name, sorted, `name<TAB>i,j,...` with indices into `files`. Positions are not
 * kept: a reader re-scans the one file it needs, so a file edited since the audit is still read right.
 */
export interface DefsRecord {
  files: string[];
  defs: string;
}

export function isDefsRecord(p: unknown): p is DefsRecord {
  const r = p as DefsRecord;
  return !!r && Array.isArray(r.files) && r.files.every((f) => typeof f === 'string') && typeof r.defs === 'string';
}

/** The cache key of a tree's scan and defs records (`root` is the real path). */
export function scanKeyOf(root: string): string {
  return sha256(`scan\0${root}`);
}

export function defsRecord(index: DefIndex, paths: string[]): DefsRecord {
  const files: string[] = [];
  const at = new Map<number, number>();
  const lines: string[] = [];
  for (const [name, locs] of index) {
    const idx: number[] = [];
    for (const l of locs) {
      if (!linkable(paths[l.file], l.isStatic)) continue;
      let k = at.get(l.file);
      if (k === undefined) {
        k = files.length;
        files.push(paths[l.file]);
        at.set(l.file, k);
      }
      if (!idx.includes(k)) idx.push(k);
    }
    if (idx.length) lines.push(`${name}\t${idx.join(',')}`);
  }
  // Sorted (a tab sorts before any identifier character, so by name): readers binary-search it.
  return { files, defs: lines.sort().join('\n') };
}

export function isScanRecord(p: unknown): p is ScanRecord {
  const r = p as ScanRecord;
  return (
    !!r &&
    Array.isArray(r.files) &&
    Array.isArray(r.candidates) &&
    typeof r.depth === 'number' &&
    typeof r.maxRegions === 'number' &&
    !!r.regions &&
    typeof r.regions === 'object' &&
    isTreeIndexData(r.tree) &&
    r.files.every(
      (f) =>
        Array.isArray(f) &&
        f.length === 4 &&
        typeof f[0] === 'string' &&
        typeof f[1] === 'number' &&
        typeof f[2] === 'number' &&
        typeof f[3] === 'number',
    ) &&
    r.candidates.every(
      (c) =>
        typeof c === 'string' &&
        Array.isArray(r.regions[c]) &&
        r.regions[c].every((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'number' && typeof x[2] === 'number'),
    )
  );
}
