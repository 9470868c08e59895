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

export interface ScanResult {
  /** Clean unified diff text for parse-diff. */
  diff: string;
  /** True when any hunk had to be repaired. */
  recovered: boolean;
  warnings: string[];
  /** Unquoted and quoted text after the last hunk (replies, signatures), for dispute matching. */
  trailing: string;
}

type Kind = ' ' | '+' | '-' | '\\';
interface HunkLine {
  kind: Kind;
  text: string;
}

const HUNK_RE = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const FILE_META_RE =
  /^(index [0-9a-f]+\.\.[0-9a-f]+|new file mode |deleted file mode |old mode |new mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to |Binary files .* differ$|GIT binary patch$)/;

function isTerminator(lines: string[], i: number): boolean {
  const l = lines[i];
  if (/^diff --git /.test(l) || HUNK_RE.test(l) || /^>/.test(l)) return true;
  if (/^index [0-9a-f]{6,}\.\.[0-9a-f]{6,}/.test(l)) return true;
  if (/^--- (a\/|\/dev\/null)/.test(l) && /^\+\+\+ (b\/|\/dev\/null)/.test(lines[i + 1] ?? '')) return true;
  // Mail signature: "-- " (or "--" once the archive stripped the space) then a git version.
  if (/^-- ?$/.test(l) && (i + 1 >= lines.length || /^\d+\.\d+/.test(lines[i + 1] ?? '') || (lines[i + 1] ?? '').trim() === ''))
    return true;
  return false;
}

/** How likely a dropped blank context line stood before hunk line `p` (kernel style). */
function blankScore(h: HunkLine[], p: number, leadEnd: number, trailStart: number): number {
  const prev = h[p - 1];
  const next = h[p];
  const pt = prev?.text.trim() ?? null;
  const nt = next?.text.trim() ?? null;
  let s = 0;
  if (pt === '' || nt === '') s -= 6;
  if (prev && next && prev.kind === '+' && next.kind === '+') s -= 4;
  if (prev && next && prev.kind === '-' && next.kind === '-') s -= 4;
  if (pt !== null) {
    if (/[}]\s*;?$/.test(pt)) s += 3;
    else if (/;$/.test(pt) || /\*\/$/.test(pt) || /^BTF_\w+\(.*\)$/.test(pt)) s += 1;
    if (/[{,(]$/.test(pt) || /[|&+-]$/.test(pt)) s -= 4;
  }
  if (nt !== null) {
    if (/^\/\*/.test(nt)) s += 2;
    if (/^(static|struct|__bpf_kfunc|BTF_KFUNCS_|BTF_SET8_|#|enum|union|typedef)\b/.test(nt)) s += 1;
    if (/^[})]/.test(nt)) s -= 3;
  }
  // git puts three context lines around each change: a short leading or trailing run is
  // where the dropped line was.
  if (p <= leadEnd && leadEnd < 3) s += 2;
  if (p >= trailStart && h.length - trailStart < 3) s += 2;
  return s;
}

function reinsertBlanks(h: HunkLine[], missing: number): HunkLine[] {
  const out = h.slice();
  for (let k = 0; k < missing; k++) {
    const firstChange = out.findIndex((l) => l.kind === '+' || l.kind === '-');
    let lastChange = -1;
    out.forEach((l, i) => {
      if (l.kind === '+' || l.kind === '-') lastChange = i;
    });
    const leadEnd = firstChange < 0 ? out.length : firstChange;
    const trailStart = lastChange + 1;
    const changes = out.map((l, i) => (l.kind === '+' || l.kind === '-' ? i : -1)).filter((i) => i >= 0);
    const distance = (p: number) => Math.min(...changes.map((c) => (p <= c ? c - p : p - c - 1)), out.length);
    let best = out.length;
    let bestScore = -Infinity;
    let bestDist = Infinity;
    for (let p = 0; p <= out.length; p++) {
      const s = blankScore(out, p, leadEnd, trailStart);
      const d = distance(p);
      // On a tie, the line next to the change: git's context grows outward from it.
      if (s > bestScore || (s === bestScore && d < bestDist)) {
        best = p;
        bestScore = s;
        bestDist = d;
      }
    }
    out.splice(best, 0, { kind: ' ', text: '' });
  }
  return out;
}

export function scanDiff(text: string, inputName: string): ScanResult {
  const lines = text.split('\n');
  /** One file section: its header lines and hunks; sections with nothing in them are dropped. */
  const sections: { lines: string[]; git: boolean; meta: boolean; hunks: number }[] = [];
  let sec: (typeof sections)[number] | null = null;
  const out = {
    push: (...l: string[]) => {
      sec?.lines.push(...l);
    },
  };
  const warnings: string[] = [];
  let recovered = false;
  let inFile = false;
  let currentFile = '';
  let lastHunkEnd = -1;

  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (/^diff --git /.test(l)) {
      inFile = true;
      currentFile = /^diff --git a\/(\S+) b\/(\S+)/.exec(l)?.[2] ?? '';
      sec = { lines: [], git: true, meta: false, hunks: 0 };
      sections.push(sec);
      out.push(l);
      i++;
      continue;
    }
    if (/^--- /.test(l) && /^\+\+\+ /.test(lines[i + 1] ?? '')) {
      inFile = true;
      currentFile = /^\+\+\+ (?:b\/)?(\S+)/.exec(lines[i + 1])?.[1] ?? currentFile;
      // `--- a/x` right after `diff --git` belongs to that section; otherwise it opens a plain diff -u one
      if (!sec || sec.hunks > 0 || sec.lines.some((x) => x.startsWith('--- '))) {
        sec = { lines: [], git: false, meta: false, hunks: 0 };
        sections.push(sec);
      }
      out.push(l, lines[i + 1]);
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
    if (hm && inFile) {
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
          if (i + 1 >= lines.length || lines.slice(i + 1).every((x) => x === '') || isTerminator(lines, i + 1)) break;
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
          body.push({ kind: '\\', text: line.slice(1) });
        } else {
          body.push({ kind: ' ', text: line });
          oldLeft--;
          newLeft--;
          damaged = true;
        }
        i++;
      }
      // A "\ No newline at end of file" marker may follow the last counted line.
      if (i < lines.length && lines[i].startsWith('\\ ')) {
        body.push({ kind: '\\', text: lines[i].slice(1) });
        i++;
      }
      let fixed = body;
      let header = l;
      const where = `${inputName}: ${currentFile || 'diff'} hunk ${l.replace(/ @@.*/, ' @@')}`;
      if (oldLeft < 0 || newLeft < 0) {
        // More lines than counted can only come from a damaged copy that merged lines; keep counts honest.
        damaged = true;
      }
      if (oldLeft > 0 || newLeft > 0) {
        if (oldLeft === newLeft) {
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
  const kept = sections.filter((x) => x.hunks > 0 || (x.git && x.meta)).flatMap((x) => x.lines);
  return { diff: kept.length ? kept.join('\n') + '\n' : '', recovered, warnings, trailing };
}
