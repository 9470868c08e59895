// Unified diff → files, hunks and numbered lines, read with parse-diff from the clean text that
// diff-scan.ts produced, then checked against every hunk's `@@` counts.
import parseDiff from 'parse-diff';

export interface DiffLine {
  kind: 'add' | 'del' | 'ctx';
  text: string;
  /** Pre-image line number (ctx, del). */
  oldLine?: number;
  /** Post-image line number (ctx, add). */
  newLine?: number;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The function-context text git prints after the second `@@`. */
  section: string;
  lines: DiffLine[];
}

export interface FileDiff {
  /** Post-image path (pre-image path for a deleted file). */
  path: string;
  oldPath: string | null;
  isNew: boolean;
  isDeleted: boolean;
  hunks: Hunk[];
}

export class DiffError extends Error {}

/** Parses clean diff text; throws DiffError when a hunk does not match its counts. */
export function readDiff(clean: string): FileDiff[] {
  const files: FileDiff[] = [];
  for (const f of parseDiff(clean)) {
    const to = f.to && f.to !== '/dev/null' ? f.to : null;
    const from = f.from && f.from !== '/dev/null' ? f.from : null;
    const path = to ?? from;
    if (!path) continue;
    const hunks: Hunk[] = [];
    for (const c of f.chunks) {
      const lines: DiffLine[] = [];
      let old = 0;
      let neu = 0;
      for (const ch of c.changes) {
        // parse-diff files git's "\ No newline at end of file" as a copy of the line before it.
        if (ch.content.startsWith('\\')) continue;
        const text = ch.content.slice(1);
        if (ch.type === 'add') {
          lines.push({ kind: 'add', text, newLine: ch.ln });
          neu++;
        } else if (ch.type === 'del') {
          lines.push({ kind: 'del', text, oldLine: ch.ln });
          old++;
        } else {
          lines.push({ kind: 'ctx', text, oldLine: ch.ln1, newLine: ch.ln2 });
          old++;
          neu++;
        }
      }
      if (old !== c.oldLines || neu !== c.newLines) {
        throw new DiffError(
          `${path}: hunk ${c.content.replace(/ @@.*/, ' @@')} has ${old}/${neu} lines, its header says ${c.oldLines}/${c.newLines}`,
        );
      }
      hunks.push({
        oldStart: c.oldStart,
        oldLines: c.oldLines,
        newStart: c.newStart,
        newLines: c.newLines,
        section: c.content.replace(/^@@[^@]*@@ ?/, ''),
        lines,
      });
    }
    files.push({ path, oldPath: from, isNew: !!f.new || from === null, isDeleted: !!f.deleted || to === null, hunks });
  }
  return files;
}
