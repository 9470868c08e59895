// The two images of one touched file as far as they are visible: from the hunks alone, from
// a kernel checkout with the patch applied in memory (--tree), or a whole file (audit).
import type { FileDiff } from './diff.js';

export interface ImageView {
  /** Visible lines by 1-based number. */
  lines: Map<number, string>;
  /** True when every line of the image is known. */
  full: boolean;
}

export interface FileSource {
  path: string;
  /** Pre-image path when the patch renames or copies the file; null otherwise. */
  oldPath: string | null;
  isNew: boolean;
  isDeleted: boolean;
  post: ImageView;
  pre: ImageView;
  /** Post-image lines the patch adds. */
  added: Set<number>;
  /** Pre-image lines the patch removes. */
  removed: Set<number>;
  /**
   * Where in the post-image the patch deletes lines: the post-image line number that follows
   * each deleted run (a deletion at the end of the file gives its last line + 1). A hunk that
   * only deletes lines changes what is around these positions.
   */
  deletedAt: Set<number>;
  /** Post-image ranges shown by the diff (hunks), inclusive. */
  shown: [number, number][];
  /** git's function-context text of each hunk, by its first line on each side (names an enclosing set). */
  sections: { new: Map<number, string>; old: Map<number, string> };
}

export function sourceFromDiff(f: FileDiff): FileSource {
  const src: FileSource = {
    path: f.path,
    oldPath: f.oldPath && f.oldPath !== f.path ? f.oldPath : null,
    isNew: f.isNew,
    isDeleted: f.isDeleted,
    post: { lines: new Map(), full: f.isNew },
    pre: { lines: new Map(), full: false },
    added: new Set(),
    removed: new Set(),
    deletedAt: new Set(),
    shown: [],
    sections: { new: new Map(), old: new Map() },
  };
  for (const h of f.hunks) {
    // The post-image line the next diff line stands before (a hunk without new lines names the
    // line after which its deletion happened).
    let next = h.newLines === 0 ? h.newStart + 1 : h.newStart;
    if (h.section) {
      src.sections.new.set(h.newStart, h.section);
      src.sections.old.set(h.oldStart, h.section);
    }
    for (const l of h.lines) {
      // line 0 only appears in damaged or cut input (`@@ -0,0 +0,1 @@`); nothing real stands there
      if (l.newLine !== undefined && l.newLine > 0) src.post.lines.set(l.newLine, l.text);
      if (l.oldLine !== undefined && l.oldLine > 0) src.pre.lines.set(l.oldLine, l.text);
      if (l.kind === 'add' && l.newLine !== undefined) src.added.add(l.newLine);
      if (l.kind === 'del' && l.oldLine !== undefined) src.removed.add(l.oldLine);
      if (l.kind === 'del') src.deletedAt.add(next);
      else if (l.newLine !== undefined) next = l.newLine + 1;
    }
    if (h.newLines > 0) src.shown.push([h.newStart, h.newStart + h.newLines - 1]);
  }
  return src;
}

export class ApplyError extends Error {}

/**
 * Applies the file's hunks to its pre-image text (from a kernel checkout). Context must match
 * up to white space (web copies lose indentation); otherwise ApplyError says where.
 */
export function sourceFromTree(f: FileDiff, preText: string | null): FileSource {
  const base = sourceFromDiff(f);
  if (preText === null) {
    if (!f.isNew) throw new ApplyError(`${f.path}: not in the tree`);
    return base;
  }
  const pre = preText.replace(/\r\n?/g, '\n').split('\n');
  if (pre.length && pre[pre.length - 1] === '') pre.pop();
  const post: string[] = [];
  const added = new Set<number>();
  const deletedAt = new Set<number>();
  const shown: [number, number][] = [];
  let cursor = 1;
  const same = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
  for (const h of f.hunks) {
    if (h.oldStart < cursor) throw new ApplyError(`${f.path}: hunks overlap at line ${h.oldStart}`);
    while (cursor < h.oldStart && cursor <= pre.length) post.push(pre[cursor++ - 1]);
    const start = post.length + 1;
    for (const l of h.lines) {
      if (l.kind === 'add') {
        post.push(l.text);
        added.add(post.length);
        continue;
      }
      const have = pre[cursor - 1];
      if (have === undefined || !same(have, l.text)) {
        throw new ApplyError(`${f.path}:${cursor}: patch does not apply (expected "${l.text.trim()}")`);
      }
      if (l.kind === 'ctx') post.push(have);
      else deletedAt.add(post.length + 1);
      cursor++;
    }
    if (post.length >= start) shown.push([start, post.length]);
  }
  while (cursor <= pre.length) post.push(pre[cursor++ - 1]);
  const preLines = new Map<number, string>();
  pre.forEach((t, i) => preLines.set(i + 1, t));
  const postLines = new Map<number, string>();
  post.forEach((t, i) => postLines.set(i + 1, t));
  return { ...base, post: { lines: postLines, full: true }, pre: { lines: preLines, full: true }, added, deletedAt, shown };
}

/** A whole file as it stands (audit): every line is context, nothing added. */
export function sourceFromFile(path: string, text: string): FileSource {
  const lines = new Map<number, string>();
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  all.forEach((t, i) => lines.set(i + 1, t));
  return {
    path,
    oldPath: null,
    isNew: false,
    isDeleted: false,
    post: { lines, full: true },
    pre: { lines: new Map(), full: false },
    added: new Set(),
    removed: new Set(),
    deletedAt: new Set(),
    shown: [],
    sections: { new: new Map(), old: new Map() },
  };
}

/**
 * A file seen only through some regions (callee bodies of another file): visible like diff
 * hunks, nothing added or removed. Regions of one path, each with its first line number.
 */
export function sourceFromRegions(path: string, regions: { start: number; lines: string[] }[]): FileSource {
  const lines = new Map<number, string>();
  for (const r of regions) r.lines.forEach((t, i) => lines.set(r.start + i, t));
  // Start from a whole-file source so any field added to FileSource later gets its default.
  return { ...sourceFromFile(path, ''), post: { lines, full: false } };
}

/** Groups regions of several files into one region source per path, in first-seen order. */
export function sourcesFromRegions(regions: { path: string; start: number; lines: string[] }[]): FileSource[] {
  const byPath = new Map<string, { start: number; lines: string[] }[]>();
  for (const r of regions) {
    const list = byPath.get(r.path);
    if (list) list.push(r);
    else byPath.set(r.path, [r]);
  }
  return [...byPath].map(([p, rs]) => sourceFromRegions(p, rs));
}

/**
 * The pre-image of a touched file as code that stands as it is (nothing added or removed): what
 * the baseline review of a patch reads, to tell findings the patch introduces from ones it found.
 * Null for a file the patch creates.
 */
export function preImageSource(src: FileSource): FileSource | null {
  if (src.isNew) return null;
  return {
    path: src.oldPath ?? src.path,
    oldPath: null,
    isNew: false,
    isDeleted: false,
    post: src.pre,
    pre: { lines: new Map(), full: false },
    added: new Set(),
    removed: new Set(),
    deletedAt: new Set(),
    shown: regionsOf(src.pre),
    sections: { new: src.sections.old, old: new Map() },
  };
}

/** Contiguous runs of visible line numbers, [start, end] inclusive. */
export function regionsOf(view: ImageView): [number, number][] {
  const nums = [...view.lines.keys()].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const n of nums) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
