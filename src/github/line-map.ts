// Moving a line number through the commits of a pull request. A finding of patch k names a
// line of commit k (or of its parent, for a removed line); an inline comment needs the line of
// the PR head (or of the PR's base). A line that a later commit removes or rewrites has no
// place on the head: that finding belongs in the summary, under its patch.
import type { FileDiff, Hunk } from '../intake/diff.js';

/** One commit's diff by file: post-image path → hunks (and the pre-image path). */
export type CommitHunks = Map<string, { oldPath: string; hunks: Hunk[] }>;

export function commitHunks(files: FileDiff[]): CommitHunks {
  const out: CommitHunks = new Map();
  for (const f of files) out.set(f.path, { oldPath: f.oldPath ?? f.path, hunks: f.hunks });
  return out;
}

/** Where a hunk starts and ends on one side: a hunk with no lines there sits after `start`. */
function span(start: number, count: number): [number, number] {
  return count === 0 ? [start + 1, start] : [start, start + count - 1];
}

/**
 * The post-image line of pre-image line `line` through one file's hunks, or null when the hunk
 * changes it. `back` maps the other way (post → pre). A context line with changes on both sides
 * within its hunk counts as changed: where code is rewritten around a repeated line (a bound
 * added in front of `return t[idx];`), which copy git kept as context is a guess.
 */
export function mapThroughHunks(hunks: Hunk[], line: number, back = false): number | null {
  let delta = 0;
  for (const h of hunks) {
    const [from, to] = back ? span(h.newStart, h.newLines) : span(h.oldStart, h.oldLines);
    const [, otherTo] = back ? span(h.oldStart, h.oldLines) : span(h.newStart, h.newLines);
    if (line < from) break;
    if (line <= to) {
      const i = h.lines.findIndex((l) => (back ? l.newLine : l.oldLine) === line);
      const hit = h.lines[i];
      if (!hit || hit.kind !== 'ctx') return null;
      if (h.lines.slice(0, i).some((l) => l.kind !== 'ctx') && h.lines.slice(i + 1).some((l) => l.kind !== 'ctx')) return null;
      return (back ? hit.oldLine : hit.newLine) ?? null;
    }
    delta = otherTo - to;
  }
  return line + delta;
}

/** A place on one side of a file: 'new' is the post-image, 'old' the pre-image. */
export interface Place {
  file: string;
  line: number;
  side: 'new' | 'old';
}

/**
 * The place of a finding of commit `k` (0-based, of `commits` in order) on the PR's diff:
 * new-side lines are carried forward through the later commits to the head, old-side lines back
 * through the earlier ones to the base. Null when a commit on the way changes the line (or
 * adds it, going back).
 */
export function placeOnPr(commits: CommitHunks[], k: number, at: Place): Place | null {
  let file = at.file;
  let line: number | null = at.line;
  if (at.side === 'new') {
    for (let j = k + 1; j < commits.length && line !== null; j++) {
      const byOld = [...commits[j]!.values()].find((x) => x.oldPath === file);
      const entry = commits[j]!.get(file) ?? byOld;
      if (!entry) continue;
      if (entry === byOld && !commits[j]!.has(file)) file = [...commits[j]!.entries()].find(([, v]) => v === byOld)![0];
      line = mapThroughHunks(entry.hunks, line);
    }
  } else {
    for (let j = k - 1; j >= 0 && line !== null; j--) {
      const entry = commits[j]!.get(file);
      if (!entry) continue;
      file = entry.oldPath;
      line = mapThroughHunks(entry.hunks, line, true);
    }
  }
  return line === null ? null : { file, line, side: at.side };
}

/**
 * The top-level construct a line belongs to: the nearest line at or above it that starts in
 * column 0 with a name (a function header, a declaration, a macro entry such as BTF_ID_FLAGS),
 * as kernel style lays code out. Empty when there is none.
 */
export function anchorOf(text: string, line: number): string {
  const lines = text.split('\n');
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (/^[A-Za-z_]/.test(l)) return l.trim();
  }
  return '';
}
