// The cheap pass of an audit: walk the tree, read every .c/.h file once, and with plain byte
// searches (no regex, no parse) find (1) the kfunc candidate files and (2) where each function
// definition starts, so only what kfuncs reach is ever parsed.
//
// Kernel style opens a function body with `{` at column 0, so a definition is a "\n{" whose
// preceding text ends in `name(...)`. That misses K&R oddities and macro-generated functions,
// which the callee index can live without: an unresolved callee is simply not followed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TreeFile {
  /** Path relative to the tree root, '/'-separated. */
  rel: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Byte strings whose presence makes a .c file a kfunc candidate. */
export const MARKERS = ['__bpf_kfunc', 'BTF_ID_FLAGS', 'BTF_KFUNCS_START', 'register_btf_kfunc_id_set'] as const;

/** One function definition found by the byte scan: name and byte offset of the name. */
export interface RawDef {
  name: string;
  pos: number;
  isStatic: boolean;
}

/**
 * What a scan of a list of files found, packed for cheap transfer between threads: candidate
 * file indices, and the definitions as one '\n'-joined name string plus (file, pos, static)
 * triples in an Int32Array.
 */
export interface ScanChunk {
  candidates: number[];
  /** Files that could not be read (indices): reported, never skipped in silence. */
  unreadable: number[];
  defNames: string;
  defData: Int32Array;
}
/**
 * Every .c and .h file under root, sorted by path; dot directories, symlinks and anything that
 * is not a regular file are skipped. Directories that cannot be read go to `unreadable`.
 */
export function walkTree(root: string, unreadable: string[] = []): TreeFile[] {
  const out: TreeFile[] = [];
  const walk = (dir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (rel) unreadable.push(`${rel}/: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); not audited`);
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else if (e.isFile() && (e.name.endsWith('.c') || e.name.endsWith('.h'))) {
        try {
          const st = statSync(join(dir, e.name));
          out.push({ rel: r, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
        } catch {
          /* vanished while walking */
        }
      }
    }
  };
  walk(root, '');
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return out;
}

export function isCandidate(buf: Buffer): boolean {
  for (const m of MARKERS) if (buf.indexOf(m) >= 0) return true;
  return false;
}

const NL = 0x0a,
  LBRACE = 0x7b,
  RPAREN = 0x29,
  LPAREN = 0x28;

function isIdent(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === NL || c === 0x0d;
}

const NOT_FUNCTIONS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'typeof', '__attribute__', 'defined', 'do']);

/** Function definitions of one file by the "\n{" rule; `pos` is the byte offset of the name. */
export function defsIn(buf: Buffer): RawDef[] {
  const out: RawDef[] = [];
  let p = 0;
  while ((p = buf.indexOf('\n{', p)) >= 0) {
    const brace = p + 1;
    p += 2;
    // The header must end with ')' (allowing white space) right before the brace line.
    let i = brace - 1;
    while (i >= 0 && isSpace(buf[i])) i--;
    if (i < 0 || buf[i] !== RPAREN) continue;
    // Back over the balanced parameter list (bounded: headers are short).
    let depth = 0;
    const floor = Math.max(0, i - 2000);
    for (; i >= floor; i--) {
      if (buf[i] === RPAREN) depth++;
      else if (buf[i] === LPAREN && --depth === 0) break;
      else if (buf[i] === LBRACE || buf[i] === 0x3b /* ; */) {
        i = -1;
        break;
      }
    }
    if (i < floor || depth !== 0) continue;
    let e = i - 1;
    while (e >= 0 && (buf[e] === 0x20 || buf[e] === 0x09)) e--;
    let s = e;
    while (s >= 0 && isIdent(buf[s])) s--;
    s++;
    if (s > e || (buf[s] >= 0x30 && buf[s] <= 0x39)) continue;
    const name = buf.toString('latin1', s, e + 1);
    if (NOT_FUNCTIONS.has(name)) continue;
    // `static` on the header: look back to the start of the header (at most two lines up).
    let ls = s;
    let lines = 0;
    while (ls > 0 && lines < 2) {
      ls--;
      if (buf[ls] === NL) {
        lines++;
        // Stop at a line that ends a previous construct.
        let q = ls - 1;
        while (q >= 0 && (buf[q] === 0x20 || buf[q] === 0x09)) q--;
        if (q < 0 || buf[q] === 0x3b || buf[q] === 0x7d || buf[q] === NL || buf[q] === 0x2f || buf[q] === RPAREN) break;
      }
    }
    const head = buf.toString('latin1', ls, s);
    out.push({ name, pos: s, isStatic: /\bstatic\b/.test(head) });
  }
  return out;
}

/**
 * Scans a list of files: candidate flag for .c files and, when wanted, function definitions.
 * Each file is read once; nothing is kept but the hits. Indices are positions in `files`.
 */
export function scanFiles(root: string, files: string[], wantDefs: boolean, onFile?: (n: number) => void): ScanChunk {
  const candidates: number[] = [];
  const unreadable: number[] = [];
  const names: string[] = [];
  let data = new Int32Array(4096);
  let n = 0;
  for (let k = 0; k < files.length; k++) {
    const rel = files[k];
    let buf: Buffer;
    try {
      buf = readFileSync(join(root, rel));
    } catch {
      unreadable.push(k);
      onFile?.(k);
      continue;
    }
    if (rel.endsWith('.c') && isCandidate(buf)) candidates.push(k);
    if (wantDefs) {
      for (const d of defsIn(buf)) {
        if (n + 3 > data.length) {
          const bigger = new Int32Array(data.length * 2);
          bigger.set(data);
          data = bigger;
        }
        names.push(d.name);
        data[n++] = k;
        data[n++] = d.pos;
        data[n++] = d.isStatic ? 1 : 0;
      }
    }
    onFile?.(k);
  }
  return { candidates, unreadable, defNames: names.join('\n'), defData: data.slice(0, n) };
}

/** Unpacks a chunk's definitions; `offset` turns chunk indices into tree-list indices. */
export function* chunkDefs(c: ScanChunk, offset = 0): Generator<{ file: number; name: string; pos: number; isStatic: boolean }> {
  if (c.defData.length === 0) return;
  const names = c.defNames.split('\n');
  for (let i = 0, j = 0; i < c.defData.length; i += 3, j++) {
    yield { file: c.defData[i] + offset, name: names[j], pos: c.defData[i + 1], isStatic: c.defData[i + 2] === 1 };
  }
}

/** Line starts of a text (offset of each line's first character), for offset → line. */
export function lineStarts(buf: Buffer): number[] {
  const starts = [0];
  let p = 0;
  while ((p = buf.indexOf(NL, p)) >= 0) starts.push(++p);
  return starts;
}

/** 1-based line of byte offset `pos`. */
export function lineOf(starts: number[], pos: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
