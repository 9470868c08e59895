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

/** Where a hunk landed when it was not at the line its header names (git apply's "applied at offset"). */
export interface HunkOffset {
  /** 1-based number of the hunk in the file. */
  hunk: number;
  /** Landed line minus the header's line, in pre-image lines. */
  offset: number;
}

/** Context must match up to white space: web copies lose indentation. */
const sameLine = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/**
 * The pre-image line at which `want` (the hunk's context and deleted lines) matches, searched
 * outwards from `from` as git apply and patch do (from, from+1, from-1, from+2, ...), never
 * before `floor` (the end of the previous hunk) nor past the end of the file. -1 when nowhere.
 */
function findHunk(pre: string[], want: string[], from: number, floor: number): number {
  const last = pre.length - want.length + 1;
  if (last < floor) return -1;
  const matches = (at: number) => {
    for (let i = 0; i < want.length; i++) if (!sameLine(pre[at - 1 + i]!, want[i]!)) return false;
    return true;
  };
  const start = Math.min(Math.max(from, floor), last);
  for (let d = 0; start - d >= floor || start + d <= last; d++) {
    if (start + d <= last && matches(start + d)) return start + d;
    if (d > 0 && start - d >= floor && matches(start - d)) return start - d;
  }
  return -1;
}

/**
 * Applies the file's hunks to its pre-image text (from a kernel checkout, or the post-image an
 * earlier patch of the series left) the way `git apply` does: a hunk whose lines are not at the
 * line its header names is looked for at an offset, searching outwards, and each one that moved
 * is listed in `offsets`. A hunk found nowhere throws ApplyError naming the line that differs.
 */
export function applyToTree(f: FileDiff, preText: string | null): { source: FileSource; offsets: HunkOffset[] } {
  const base = sourceFromDiff(f);
  if (preText === null) {
    if (!f.isNew) throw new ApplyError(`${f.path}: not in the tree`);
    return { source: base, offsets: [] };
  }
  const pre = preText.replace(/\r\n?/g, '\n').split('\n');
  if (pre.length && pre[pre.length - 1] === '') pre.pop();
  const post: string[] = [];
  const added = new Set<number>();
  const deletedAt = new Set<number>();
  const removed = new Set<number>();
  const sections = { new: new Map<number, string>(), old: new Map<number, string>() };
  const shown: [number, number][] = [];
  const offsets: HunkOffset[] = [];
  let cursor = 1;
  let drift = 0;
  f.hunks.forEach((h, i) => {
    const want = h.lines.filter((l) => l.kind !== 'add').map((l) => l.text);
    // A hunk without pre-image lines (diff -U0 insertion) goes after line oldStart.
    const stated = want.length ? h.oldStart : h.oldStart + 1;
    const at = findHunk(pre, want, stated + drift, cursor);
    if (at < 0) {
      const from = Math.max(stated + drift, cursor);
      const bad = want.findIndex((t, k) => pre[from - 1 + k] === undefined || !sameLine(pre[from - 1 + k]!, t));
      const line = from + Math.max(bad, 0);
      throw new ApplyError(`${f.path}:${line}: patch does not apply (expected "${(want[Math.max(bad, 0)] ?? '').trim()}")`);
    }
    if (at !== stated) offsets.push({ hunk: i + 1, offset: at - stated });
    drift = at - stated;
    while (cursor < at) post.push(pre[cursor++ - 1]!);
    const start = post.length + 1;
    if (h.section) {
      sections.new.set(start, h.section);
      sections.old.set(at, h.section);
    }
    for (const l of h.lines) {
      if (l.kind === 'add') {
        post.push(l.text);
        added.add(post.length);
        continue;
      }
      if (l.kind === 'ctx') post.push(pre[cursor - 1]!);
      else {
        deletedAt.add(post.length + 1);
        removed.add(cursor);
      }
      cursor++;
    }
    if (post.length >= start) shown.push([start, post.length]);
  });
  while (cursor <= pre.length) post.push(pre[cursor++ - 1]!);
  const preLines = new Map<number, string>();
  pre.forEach((t, i) => preLines.set(i + 1, t));
  const postLines = new Map<number, string>();
  post.forEach((t, i) => postLines.set(i + 1, t));
  const source: FileSource = {
    ...base,
    post: { lines: postLines, full: true },
    pre: { lines: preLines, full: true },
    added,
    removed,
    deletedAt,
    shown,
    sections,
  };
  return { source, offsets };
}

/** applyToTree without the offsets. */
export function sourceFromTree(f: FileDiff, preText: string | null): FileSource {
  return applyToTree(f, preText).source;
}

/** The text of a fully known image (what the next patch of a series applies to). */
export function imageText(view: ImageView): string {
  const out: string[] = [];
  for (let n = 1; n <= view.lines.size; n++) out.push(view.lines.get(n) ?? '');
  return out.length ? `${out.join('\n')}\n` : '';
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
