// The command line's inputs: paths, directories of patches and stdin (`-`), read within the
// input size limit. Only regular files are read: a FIFO or a device given as an input (or named
// `x.patch` in a directory) would block the run or stream forever, so it is refused with one
// line that names it. A symlink in a directory input that leads out of the directory is
// skipped with a note; an unreadable directory is an error for that input, not for the batch.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { LIMITS } from '../intake/limits.js';
import { InputRejected, tooLarge } from '../intake/decode.js';

const PATCH_FILE = /\.(patch|diff|mbox|eml|mbx|txt)$/i;

export interface InputItem {
  name: string;
  read(): Buffer;
  /** A `git format-patch -o` directory: its numbered patch files, reviewed as one series in this order. */
  parts?: InputItem[];
}

/** What `git format-patch` names its files: `0000-cover-letter.patch`, `0001-subject.patch`, ... */
const FORMAT_PATCH_FILE = /^\d{4}-.+\.patch$/;

export interface ExpandedInputs {
  items: InputItem[];
  /** Inputs refused before reading (missing, not a regular file, too large, unreadable directory): one line each. */
  refused: { input: string; message: string }[];
  /** What was left out of a directory on purpose (a symlink out of it). */
  notes: string[];
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads a regular file of at most the input limit; the check is on the open descriptor, so a swap after stat is caught. */
export function readRegularFile(path: string, name = path): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputRejected(`${name}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputRejected(`${name}: ${kindOf(st)}, not a patch file; refused`);
    if (st.size > LIMITS.inputBytes) throw tooLarge(name, st.size);
    return readUpTo(fd, name);
  } finally {
    closeSync(fd);
  }
}

/** Reads `fd` to its end, refusing more than the input limit (stdin has no size to check first). */
export function readUpTo(fd: number, name: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A non-blocking stdin (a terminal, some pipes) has nothing yet: wait a little and retry.
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw new InputRejected(`${name}: cannot be read (${code ?? 'error'})`);
    }
    if (n === 0) break;
    total += n;
    if (total > LIMITS.inputBytes) throw tooLarge(name, null);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

/**
 * The patch-like entries of directory `dir`, in name order, checked one by one. A directory of
 * `git format-patch -o` output (numbered `NNNN-*.patch` files) is one series; anything else in
 * it, and anything in another directory that is not patch-like, is left out with a note.
 */
function expandDirectory(dir: string, out: ExpandedInputs): void {
  let all: string[];
  try {
    all = readdirSync(dir).sort();
  } catch (err) {
    out.refused.push({ input: dir, message: `${dir}: cannot read the directory (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  const series = all.some((n) => FORMAT_PATCH_FILE.test(n));
  const wanted = series ? FORMAT_PATCH_FILE : PATCH_FILE;
  const names = all.filter((n) => wanted.test(n));
  for (const n of all)
    if (!wanted.test(n))
      out.notes.push(`${join(dir, n)}: not a ${series ? 'numbered patch of the git format-patch series' : 'patch file'}; skipped`);
  if (names.length === 0) {
    out.refused.push({ input: dir, message: `${dir} (no .patch/.mbox/.eml files): no such file or directory` });
    return;
  }
  let real: string | null = null;
  const found: InputItem[] = [];
  for (const n of names) {
    const path = join(dir, n);
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch {
      continue; // gone since the listing
    }
    if (st.isSymbolicLink()) {
      try {
        real ??= realpathSync(dir);
        const target = realpathSync(path);
        const rel = relative(real, target);
        if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
          out.notes.push(`${path}: a symlink out of ${dir}; skipped`);
          continue;
        }
        st = statSync(target);
      } catch {
        out.notes.push(`${path}: a symlink out of ${dir}; skipped`);
        continue;
      }
    }
    if (st.isDirectory()) {
      out.notes.push(`${path}: a directory inside ${dir}; skipped`);
      continue;
    }
    if (!st.isFile()) {
      out.refused.push({ input: path, message: `${path}: ${kindOf(st)}, not a patch file; refused` });
      continue;
    }
    found.push({ name: path, read: () => readRegularFile(path) });
  }
  if (!series) for (const item of found) out.items.push(item);
  else if (found.length)
    out.items.push({
      name: dir,
      read: () => {
        throw new Error(`${dir}: a series is read file by file`);
      },
      parts: found,
    });
}

/** Expands paths: a directory yields its patch-like files in name order; '-' is stdin. */
export function expandInputs(args: string[], stdin: () => Buffer): ExpandedInputs {
  const out: ExpandedInputs = { items: [], refused: [], notes: [] };
  for (const a of args) {
    if (a === '-') {
      out.items.push({ name: '<stdin>', read: stdin });
      continue;
    }
    let st: Stats;
    try {
      st = statSync(a);
    } catch {
      out.refused.push({ input: a, message: `${a}: no such file or directory` });
      continue;
    }
    if (st.isDirectory()) expandDirectory(a, out);
    else if (!st.isFile()) out.refused.push({ input: a, message: `${a}: ${kindOf(st)}, not a patch file; refused` });
    else if (st.size > LIMITS.inputBytes) out.refused.push({ input: a, message: tooLarge(a, st.size).message });
    else out.items.push({ name: a, read: () => readRegularFile(a) });
  }
  return out;
}
