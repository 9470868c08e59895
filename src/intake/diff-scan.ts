// Walks the diff part of a patch mail and emits a clean unified diff: only real file headers
// and hunks, every hunk consistent with its `@@ -a,b +c,d @@` counts. parse-diff then reads
// the clean text (it cannot tell a damaged hunk from a good one, and would invent files from
// `---` lines in prose).
//
// Damaged copies from web archives lose the leading space of context lines and drop blank
// context lines altogether:
//   @@ -78,6 +78,9 @@ ...
//   css_put(&memcg->css);          <- context line without its leading space
//   }                              <- (the blank context line after it is gone)
//   +/**
// We re-prefix such lines, re-insert the missing blank context lines where kernel style puts
// blank lines, and report that the patch was recovered.
//
// Work stays linear in the input: hunk headers are checked against the documented limits
// (src/intake/limits.ts) before anything is sized by them, and blank lines are re-inserted only
// into small hunks that miss a few (a header that lies by millions is read as truncated).
// git's `\ No newline at end of file` marker is not a line of either image: it is dropped.
import { InputRejected } from './decode.js';
import { LIMITS } from './limits.js';

export interface ScanResult {
  /** Clean unified diff text for parse-diff. */
  diff: string;
  /** True when any hunk had to be repaired. */
  recovered: boolean;
  warnings: string[];
  /** Unquoted and quoted text after the last hunk (replies, signatures), for dispute matching. */
  trailing: string;
  /** What could not be read and was left out (a malformed hunk header): one line each, naming the input. */
  skipped: string[];
  /** Hunks read (the caller counts them against the per-input limit). */
  hunks: number;
}

type Kind = ' ' | '+' | '-' | '\\';
interface HunkLine {
  kind: Kind;
  text: string;
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const FILE_META_RE =
  /^(index [0-9a-f]+\.\.[0-9a-f]+|new file mode |deleted file mode |old mode |new mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to |Binary files .* differ$|GIT binary patch$)/;

/** git's test for the marker: any line that starts `\ ` and is long enough (it is translated). */
function isNoNewlineMarker(l: string): boolean {
  return l.startsWith('\\ ') && l.length >= 12;
}

function isTerminator(lines: string[], i: number): boolean {
  const l = lines[i];
  // `@@ -` also ends a hunk when the header is malformed: it is reported, never read as a line.
  if (/^diff --git /.test(l) || l.startsWith('@@ -') || /^>/.test(l)) return true;
  if (/^index [0-9a-f]{6,}\.\.[0-9a-f]{6,}/.test(l)) return true;
  if (/^--- (a\/|\/dev\/null)/.test(l) && /^\+\+\+ (b\/|\/dev\/null)/.test(lines[i + 1] ?? '')) return true;
  // Mail signature: "-- " (or "--" once the archive stripped the space) then a git version.
  if (/^-- ?$/.test(l) && (i + 1 >= lines.length || /^\d+\.\d+/.test(lines[i + 1] ?? '') || (lines[i + 1] ?? '').trim() === ''))
    return true;
  return false;
}

/** What blankScore needs of one hunk line, computed once (no regex in the insertion loop). */
interface LineTraits {
  kind: Kind;
  blank: boolean;
  /** Score it adds as the line before the gap. */
  asPrev: number;
  /** Score it adds as the line after the gap. */
  asNext: number;
}

function traits(l: HunkLine): LineTraits {
  const t = l.text.trim();
  let asPrev = 0;
  if (/[}]\s*;?$/.test(t)) asPrev += 3;
  else if (/;$/.test(t) || /\*\/$/.test(t) || /^BTF_\w+\(.*\)$/.test(t)) asPrev += 1;
  if (/[{,(]$/.test(t) || /[|&+-]$/.test(t)) asPrev -= 4;
  let asNext = 0;
  if (/^\/\*/.test(t)) asNext += 2;
  if (/^(static|struct|__bpf_kfunc|BTF_KFUNCS_|BTF_SET8_|#|enum|union|typedef)\b/.test(t)) asNext += 1;
  if (/^[})]/.test(t)) asNext -= 3;
  return { kind: l.kind, blank: t === '', asPrev, asNext };
}

/** How likely a dropped blank context line stood before hunk line `p` (kernel style). */
function blankScore(h: LineTraits[], p: number, leadEnd: number, trailStart: number): number {
  const prev = h[p - 1];
  const next = h[p];
  let s = 0;
  if (prev?.blank || next?.blank) s -= 6;
  if (prev && next && prev.kind === '+' && next.kind === '+') s -= 4;
  if (prev && next && prev.kind === '-' && next.kind === '-') s -= 4;
  if (prev) s += prev.asPrev;
  if (next) s += next.asNext;
  // git puts three context lines around each change: a short leading or trailing run is
  // where the dropped line was.
  if (p <= leadEnd && leadEnd < 3) s += 2;
  if (p >= trailStart && h.length - trailStart < 3) s += 2;
  return s;
}

const isChange = (k: Kind) => k === '+' || k === '-';

/** Re-inserts `missing` blank context lines, one at a time at the best place; O(missing x lines). */
function reinsertBlanks(h: HunkLine[], missing: number): HunkLine[] {
  const out = h.slice();
  const tr = out.map(traits);
  const BLANK: HunkLine = { kind: ' ', text: '' };
  const blankTraits = traits(BLANK);
  for (let k = 0; k < missing; k++) {
    let firstChange = -1;
    let lastChange = -1;
    for (let i = 0; i < tr.length; i++)
      if (isChange(tr[i].kind)) {
        if (firstChange < 0) firstChange = i;
        lastChange = i;
      }
    const leadEnd = firstChange < 0 ? tr.length : firstChange;
    const trailStart = lastChange + 1;
    // Distance from gap p to the nearest change: c - p for a change at or after p, p - c - 1 before it.
    const after = new Array<number>(tr.length + 1);
    let next = -1;
    for (let p = tr.length; p >= 0; p--) {
      if (p < tr.length && isChange(tr[p].kind)) next = p;
      after[p] = next;
    }
    let prevChange = -1;
    let best = tr.length;
    let bestScore = -Infinity;
    let bestDist = Infinity;
    for (let p = 0; p <= tr.length; p++) {
      let d = tr.length;
      if (after[p] >= 0) d = Math.min(d, after[p] - p);
      if (prevChange >= 0) d = Math.min(d, p - prevChange - 1);
      const s = blankScore(tr, p, leadEnd, trailStart);
      // On a tie, the line next to the change: git's context grows outward from it.
      if (s > bestScore || (s === bestScore && d < bestDist)) {
        best = p;
        bestScore = s;
        bestDist = d;
      }
      if (p < tr.length && isChange(tr[p].kind)) prevChange = p;
    }
    out.splice(best, 0, BLANK);
    tr.splice(best, 0, blankTraits);
  }
  return out;
}

/** The header as messages quote it: `@@ -a,b +c,d @@`, cut short. */
function headerText(l: string): string {
  const h = l.replace(/ @@.*/, ' @@');
  return h.length > 60 ? `${h.slice(0, 57)}...` : h;
}

/** Refuses a hunk whose line numbers pass the documented limit: nothing is sized by them. */
function checkLineNumbers(hm: RegExpExecArray, inputName: string, file: string, l: string): void {
  const max = LIMITS.lineNumber;
  const ends = [Number(hm[1]) + Number(hm[2] ?? 1), Number(hm[3]) + Number(hm[4] ?? 1)];
  if (ends.some((n) => !Number.isSafeInteger(n) || n - 1 > max))
    throw new InputRejected(
      `${inputName}: ${file || 'diff'} hunk ${headerText(l)}: line numbers over the limit of ${max.toLocaleString('en-US')}`,
    );
}

export function scanDiff(text: string, inputName: string): ScanResult {
  const lines = text.split('\n');
  // Index of the last non-empty line: "only blank lines follow" is then one comparison.
  let lastFilled = lines.length - 1;
  while (lastFilled >= 0 && lines[lastFilled] === '') lastFilled--;
  /** One file section: its header lines and hunks; sections with nothing in them are dropped. */
  const sections: { lines: string[]; git: boolean; meta: boolean; hunks: number; plain: boolean }[] = [];
  let sec: (typeof sections)[number] | null = null;
  const out = {
    push: (l: string) => {
      sec?.lines.push(l);
    },
  };
  const warnings: string[] = [];
  const skipped: string[] = [];
  let recovered = false;
  let inFile = false;
  let currentFile = '';
  let lastHunkEnd = -1;
  let hunks = 0;

  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (/^diff --git /.test(l)) {
      inFile = true;
      currentFile = /^diff --git a\/(\S+) b\/(\S+)/.exec(l)?.[2] ?? '';
      sec = { lines: [], git: true, meta: false, hunks: 0, plain: false };
      sections.push(sec);
      out.push(l);
      i++;
      continue;
    }
    if (/^--- /.test(l) && /^\+\+\+ /.test(lines[i + 1] ?? '')) {
      inFile = true;
      currentFile = /^\+\+\+ (?:b\/)?(\S+)/.exec(lines[i + 1])?.[1] ?? currentFile;
      // `--- a/x` right after `diff --git` belongs to that section; otherwise it opens a plain diff -u one
      if (!sec || sec.hunks > 0 || sec.plain) {
        sec = { lines: [], git: false, meta: false, hunks: 0, plain: false };
        sections.push(sec);
      }
      sec.plain = true;
      out.push(l);
      out.push(lines[i + 1]);
      i += 2;
      continue;
    }
    if (inFile && FILE_META_RE.test(l)) {
      if (sec && !/^index /.test(l)) sec.meta = true;
      out.push(l);
      i++;
      continue;
    }
    const hm = HUNK_RE.exec(l);
    if (!hm && inFile && l.startsWith('@@ -')) {
      // A header we cannot read: its lines cannot be placed. Say so instead of dropping them.
      skipped.push(`${inputName}: ${currentFile || 'diff'}: malformed hunk header ${headerText(l)}: that hunk was not reviewed`);
      i++;
      continue;
    }
    if (hm && inFile) {
      checkLineNumbers(hm, inputName, currentFile, l);
      hunks++;
      const oldCount = hm[2] === undefined ? 1 : Number(hm[2]);
      const newCount = hm[4] === undefined ? 1 : Number(hm[4]);
      let oldLeft = oldCount;
      let newLeft = newCount;
      const body: HunkLine[] = [];
      let damaged = false;
      i++;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
        const line = lines[i];
        const c = line[0];
        if (line === '') {
          // git apply takes an empty line as a blank context line (trailing space eaten by a
          // mailer), but not the end of the text or a blank line before the next header.
          if (i + 1 >= lines.length || i >= lastFilled || isTerminator(lines, i + 1)) break;
          body.push({ kind: ' ', text: '' });
          oldLeft--;
          newLeft--;
          i++;
          continue;
        }
        if (isTerminator(lines, i)) break;
        if (c === ' ') {
          body.push({ kind: ' ', text: line.slice(1) });
          oldLeft--;
          newLeft--;
        } else if (c === '+') {
          body.push({ kind: '+', text: line.slice(1) });
          newLeft--;
        } else if (c === '-') {
          body.push({ kind: '-', text: line.slice(1) });
          oldLeft--;
        } else if (c === '\\') {
          // "\ No newline at end of file" (or a translation): about the line before, not a line.
          if (!isNoNewlineMarker(line)) damaged = true;
        } else {
          body.push({ kind: ' ', text: line });
          oldLeft--;
          newLeft--;
          damaged = true;
        }
        i++;
      }
      // The marker may also follow the last counted line.
      if (i < lines.length && isNoNewlineMarker(lines[i])) i++;
      let fixed = body;
      let header = l;
      const where = `${inputName}: ${currentFile || 'diff'} hunk ${headerText(l)}`;
      if (oldLeft < 0 || newLeft < 0) {
        // More lines than counted can only come from a damaged copy that merged lines; keep counts honest.
        damaged = true;
      }
      if (oldLeft > 0 || newLeft > 0) {
        // Re-insertion is for the few blank lines a web archive drops, in hunks of patch size;
        // a header that lies by more is read as a truncated hunk (and costs nothing).
        if (oldLeft === newLeft && oldLeft <= LIMITS.blankReinsert && body.length <= LIMITS.reinsertHunkLines) {
          fixed = reinsertBlanks(body, oldLeft);
          warnings.push(`${where}: ${oldLeft} dropped blank context line(s) re-inserted (line numbers near them are approximate)`);
          damaged = true;
        } else {
          const seenOld = oldCount - oldLeft;
          const seenNew = newCount - newLeft;
          header = `@@ -${hm[1]},${seenOld} +${hm[3]},${seenNew} @@${hm[5]}`;
          warnings.push(`${where}: truncated (${oldLeft} old / ${newLeft} new line(s) missing); reviewed what is there`);
          damaged = true;
        }
      }
      if (damaged) recovered = true;
      if (sec) sec.hunks++;
      out.push(header);
      for (const b of fixed) out.push(b.kind + b.text);
      lastHunkEnd = i;
      continue;
    }
    i++;
  }
  const trailing = lastHunkEnd >= 0 ? lines.slice(lastHunkEnd).join('\n') : '';
  const kept: string[] = [];
  for (const x of sections) if (x.hunks > 0 || (x.git && x.meta)) for (const line of x.lines) kept.push(line);
  return { diff: kept.length ? kept.join('\n') + '\n' : '', recovered, warnings, trailing, skipped, hunks };
}
