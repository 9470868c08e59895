// Cross-file callee context for an audit: from the kfuncs of a candidate file, follow calls
// (by name, through the byte-scan definition index) to the functions they reach in other files,
// and hand only those function bodies to the parser as extra visible regions.
import { readTreeFile } from './contained.js';
import { lineStarts, lineOf, chunkDefs, type ScanChunk } from './scan.js';

export interface DefLoc {
  file: number;
  pos: number;
  isStatic: boolean;
}
export type DefIndex = Map<string, DefLoc[]>;

/** A function body from another file, as 1-based lines. */
export interface Region {
  path: string;
  start: number;
  lines: string[];
}

/** The definition index of a tree from its scan chunks (each with its offset in the file list). */
export function buildDefIndex(chunks: { chunk: ScanChunk; offset: number }[]): DefIndex {
  const index: DefIndex = new Map();
  for (const { chunk, offset } of chunks) {
    for (const d of chunkDefs(chunk, offset)) {
      const list = index.get(d.name);
      const loc = { file: d.file, pos: d.pos, isStatic: d.isStatic };
      if (list) list.push(loc);
      else index.set(d.name, [loc]);
    }
  }
  return index;
}

const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'typeof',
  '__typeof__',
  'defined',
  'do',
  'case',
  '__attribute__',
  'asm',
  '__asm__',
  'volatile',
  'offsetof',
  '_Generic',
  'alignof',
  '__alignof__',
]);

/** Names called in a piece of C text (comments and strings dropped), in first-seen order. */
export function callNames(text: string): string[] {
  const clean = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  const seen = new Set<string>();
  const re = /\b([A-Za-z_]\w*)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) if (!KEYWORDS.has(m[1])) seen.add(m[1]);
  return [...seen];
}

interface Loaded {
  buf: Buffer;
  starts: number[];
  text?: string[];
}

/** Reads files on demand during one resolution pass. */
export class FileCache {
  private files = new Map<number, Loaded>();
  constructor(
    private root: string,
    private paths: string[],
  ) {}
  get(file: number): Loaded | null {
    let f = this.files.get(file);
    if (!f) {
      let buf: Buffer | null;
      try {
        // Paths may come from cache records: read only what stays in the tree.
        buf = readTreeFile(this.root, this.paths[file]);
      } catch {
        return null;
      }
      if (!buf) return null;
      f = { buf, starts: lineStarts(buf) };
      this.files.set(file, f);
    }
    return f;
  }
  lines(file: number): string[] | null {
    const f = this.get(file);
    if (!f) return null;
    if (!f.text) f.text = f.buf.toString('utf8').replace(/\r\n?/g, '\n').split('\n');
    return f.text;
  }
}

/**
 * Line range [start, end] of the definition whose name sits at byte `pos`: from the header
 * (the return type may be on the line above the name) to the closing `}` at column 0.
 */
export function defRange(cache: FileCache, file: number, pos: number): [number, number] | null {
  const f = cache.get(file);
  const lines = cache.lines(file);
  if (!f || !lines) return null;
  const brace = f.buf.indexOf('\n{', pos);
  if (brace < 0) return null;
  const close = f.buf.indexOf('\n}', brace + 1);
  if (close < 0) return null;
  let start = lineOf(f.starts, pos);
  const end = lineOf(f.starts, close + 1);
  for (let k = 0; k < 2 && start > 1; k++) {
    const prev = lines[start - 2];
    if (!/^[A-Za-z_][\w \t*]*$/.test(prev)) break;
    start--;
  }
  return [start, end];
}

const SEPARATE_PROGRAMS =
  /^(arch\/x86\/(boot|realmode|purgatory|tools|entry\/vdso|um)\/|drivers\/firmware\/efi\/libstub\/|lib\/decompress_|tools\/include\/)/;

/** Which definition a call from `callerFile` to `name` most likely reaches (x86_64 kernel). */
export function pickDef(index: DefIndex, paths: string[], name: string, callerFile: number): DefLoc | null {
  const defs = index.get(name);
  if (!defs) return null;
  const same = defs.find((d) => d.file === callerFile);
  if (same) return same;
  const callerInTools = paths[callerFile].startsWith('tools/');
  const ok = defs.filter((d) => linkable(paths[d.file], d.isStatic) && paths[d.file].startsWith('tools/') === callerInTools);
  return ok[0] ?? null;
}

/**
 * A definition at `p` can be what a call from another file of an x86_64 kernel reaches (tools/
 * callers excepted: they only reach tools/, see pickDef).
 */
export function linkable(p: string, isStatic: boolean): boolean {
  if (isStatic && !p.endsWith('.h')) return false;
  if (p.startsWith('arch/') && !p.startsWith('arch/x86/')) return false;
  // Separately linked programs (boot decompressor, real-mode trampoline, purgatory, vDSO, EFI
  // stub) define their own memmove/memcpy/...: never the kernel's.
  if (SEPARATE_PROGRAMS.test(p)) return false;
  return !/^(Documentation|samples|scripts|usr)\//.test(p);
}

export interface ReachOptions {
  depth: number;
  maxRegions: number;
}

/**
 * Regions of other files that the kfuncs of `primary` reach within `depth` calls. Functions of
 * the primary file itself are followed but not returned (the whole file is visible anyway).
 */
export function reachedRegions(index: DefIndex, paths: string[], cache: FileCache, primary: number, opts: ReachOptions): Region[] {
  const lines = cache.lines(primary);
  if (!lines || opts.depth <= 0) return [];
  const text = lines.join('\n');
  const roots = new Set<string>();
  const re = /\b__bpf_kfunc\b(?!_)[^;{(]*?\b([A-Za-z_]\w*)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) roots.add(m[1]);

  const visited = new Set<string>();
  const out: Region[] = [];
  let frontier: { file: number; pos: number }[] = [];
  for (const name of roots) {
    const d = index.get(name)?.find((x) => x.file === primary);
    if (d) {
      visited.add(`${d.file}:${d.pos}`);
      frontier.push(d);
    }
  }
  for (let level = 0; level < opts.depth && frontier.length; level++) {
    const next: { file: number; pos: number }[] = [];
    for (const fn of frontier) {
      const range = defRange(cache, fn.file, fn.pos);
      const fl = cache.lines(fn.file);
      if (!range || !fl) continue;
      const body = fl.slice(range[0] - 1, range[1]).join('\n');
      for (const name of callNames(body)) {
        const d = pickDef(index, paths, name, fn.file);
        if (!d) continue;
        const key = `${d.file}:${d.pos}`;
        if (visited.has(key)) continue;
        visited.add(key);
        next.push(d);
        if (d.file === primary || out.length >= opts.maxRegions) continue;
        const r = defRange(cache, d.file, d.pos);
        const dl = cache.lines(d.file);
        if (!r || !dl) continue;
        // A kfunc of another file is a plain callee here: its own file's audit reviews it.
        out.push({
          path: paths[d.file],
          start: r[0],
          lines: dl.slice(r[0] - 1, r[1]).map((l) => l.replace(/\b__bpf_kfunc\b(?!_)/g, '           ')),
        });
      }
    }
    frontier = next;
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start - b.start));
  return out;
}
