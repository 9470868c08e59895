// Which lines of a pull request GitHub accepts review comments on. GitHub rejects (422) a
// comment whose line is not inside a hunk on the chosen side, so the planner checks every
// inline candidate against this map instead of trusting the engine's view of the diff.

export interface FileLines {
  /** Post-image lines shown in a hunk (added or context): valid for side RIGHT. */
  right: Set<number>;
  /** Post-image lines the diff adds (a subset of `right`). */
  added: Set<number>;
  /** Pre-image lines shown in a hunk (removed or context): valid for side LEFT. */
  left: Set<number>;
  /** Hunk index of each right/left line; a multi-line comment must stay in one hunk. */
  rightHunk: Map<number, number>;
  leftHunk: Map<number, number>;
}

export type DiffLines = Map<string, FileLines>;

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function unquote(path: string): string {
  // git quotes paths with unusual characters: "a/x y" → a/x y (escapes are rare in kernel trees).
  if (path.startsWith('"') && path.endsWith('"')) return path.slice(1, -1).replace(/\\(.)/g, '$1');
  return path;
}

function stripPrefix(path: string): string | null {
  const p = unquote(path.trim().split('\t')[0] ?? '');
  if (p === '/dev/null') return null;
  return p.replace(/^[ab]\//, '');
}

/** Parses a unified diff (git diff, GitHub .diff, or a patch mail body) into comment-able lines. */
export function parseDiffLines(diff: string): DiffLines {
  const out: DiffLines = new Map();
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  let current: FileLines | null = null;
  let oldPath: string | null = null;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  let hunk = 0;

  for (const line of lines) {
    // Inside a hunk the counts, not the text, say where it ends: a removed line can start with "--- ".
    if (current && (oldLeft > 0 || newLeft > 0)) {
      const tag = line[0];
      if (tag === '+') {
        current.right.add(newLine);
        current.added.add(newLine);
        current.rightHunk.set(newLine, hunk);
        newLine++;
        newLeft--;
        continue;
      }
      if (tag === '-') {
        current.left.add(oldLine);
        current.leftHunk.set(oldLine, hunk);
        oldLine++;
        oldLeft--;
        continue;
      }
      if (tag === ' ' || line === '') {
        current.right.add(newLine);
        current.rightHunk.set(newLine, hunk);
        current.left.add(oldLine);
        current.leftHunk.set(oldLine, hunk);
        newLine++;
        oldLine++;
        newLeft--;
        oldLeft--;
        continue;
      }
      if (tag === '\\') continue; // "\ No newline at end of file"
      // Anything else means the hunk header lied; stop counting rather than misplace lines.
      oldLeft = 0;
      newLeft = 0;
    }
    if (line.startsWith('--- ')) {
      oldPath = stripPrefix(line.slice(4));
      continue;
    }
    if (line.startsWith('+++ ')) {
      const newPath = stripPrefix(line.slice(4)) ?? oldPath;
      if (!newPath) continue;
      current = out.get(newPath) ?? { right: new Set(), added: new Set(), left: new Set(), rightHunk: new Map(), leftHunk: new Map() };
      out.set(newPath, current);
      continue;
    }
    const m = HUNK.exec(line);
    if (m && current) {
      oldLine = Number(m[1]);
      oldLeft = m[2] === undefined ? 1 : Number(m[2]);
      newLine = Number(m[3]);
      newLeft = m[4] === undefined ? 1 : Number(m[4]);
      hunk++;
    }
  }
  return out;
}

/** True when GitHub will accept a comment on [startLine..line] of `path` on `side`. */
export function isCommentable(lines: DiffLines, path: string, line: number, side: 'RIGHT' | 'LEFT', startLine?: number): boolean {
  const f = lines.get(path);
  if (!f) return false;
  const set = side === 'RIGHT' ? f.right : f.left;
  const hunks = side === 'RIGHT' ? f.rightHunk : f.leftHunk;
  if (!set.has(line)) return false;
  if (startLine === undefined || startLine === line) return true;
  if (startLine > line || !set.has(startLine)) return false;
  return hunks.get(startLine) === hunks.get(line);
}
