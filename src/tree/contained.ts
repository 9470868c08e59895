// Reads that stay inside a kernel tree. A path from a patch (`+++ b/../../etc/x`), an
// `#include "../../x.h"` in its text, or a record of the audit cache must never make us read
// outside the tree, block on a FIFO or stream a device: the path is refused when it has a `..`
// component or is absolute, when a symlink on the way points out of the tree (decided from the
// link text, before its target is looked at), or when it does not end at a regular file. A
// refused path gets the same answer whether or not its target exists, so a review cannot be
// used to probe the machine's files.
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { LIMITS, spellBytes } from '../intake/limits.js';

/** Why a read gave nothing: not there (inside the tree), or refused. */
export type TreeMiss = 'missing' | 'refused';

/** The message for a refused path: one wording whether or not the target exists. */
export function refusedText(rel: string): string {
  return `${rel}: not read from the tree (the path leaves the tree or is not a regular file)`;
}

const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let r = realRoots.get(root);
  if (r === undefined) {
    r = realpathSync(root);
    realRoots.set(root, r);
  }
  return r;
}

/**
 * The real path of `rel` inside `root`, walking it one component at a time and following
 * symlinks only while they stay in the tree (at most 40, as the kernel allows).
 */
export function resolveInTree(root: string, rel: string): string | TreeMiss {
  if (rel === '' || isAbsolute(rel) || rel.includes('\0')) return 'refused';
  const parts = rel.split(/[\\/]+/);
  if (parts.includes('..')) return 'refused';
  let base: string;
  try {
    base = realRoot(root);
  } catch {
    return 'missing';
  }
  const todo = parts.filter((p) => p !== '' && p !== '.').reverse();
  const at: string[] = [];
  let hops = 0;
  while (todo.length) {
    const part = todo.pop()!;
    if (part === '.' || part === '') continue;
    if (part === '..') {
      // Only a symlink's text gets here: it may go up, never above the root.
      if (!at.length) return 'refused';
      at.pop();
      continue;
    }
    const here = join(base, ...at, part);
    let st;
    try {
      st = lstatSync(here);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'refused';
    }
    if (!st.isSymbolicLink()) {
      at.push(part);
      continue;
    }
    if (++hops > 40) return 'refused';
    const link = readlinkSync(here);
    if (isAbsolute(link)) {
      const inside = relative(base, link);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return 'refused';
      at.length = 0;
      todo.push(...inside.split(sep).reverse());
    } else {
      todo.push(...link.split(/[\\/]+/).reverse());
    }
  }
  return join(base, ...at);
}

/** True when `rel` is there and inside the tree (a file or a directory). */
export function existsInTree(root: string, rel: string): boolean {
  const p = resolveInTree(root, rel);
  return p !== 'missing' && p !== 'refused';
}

/**
 * Reads `rel` of `root` as text: null when it is missing; throws TreeReadRefused when the path is
 * refused (see the file header) or the file is over the input size limit.
 */
export function readTreeText(root: string, rel: string): string | null {
  const buf = readTreeFile(root, rel);
  return buf === null ? null : buf.toString('utf8');
}

export class TreeReadRefused extends Error {
  override name = 'TreeReadRefused';
  /** The file is in the tree but over the input size limit (not a containment refusal). */
  tooLarge = false;
}

/** readTreeText as bytes. */
export function readTreeFile(root: string, rel: string): Buffer | null {
  const path = resolveInTree(root, rel);
  if (path === 'missing') return null;
  if (path === 'refused') throw new TreeReadRefused(refusedText(rel));
  let fd: number;
  try {
    // Non-blocking: a FIFO swapped in after the walk must not hang the read.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TreeReadRefused(refusedText(rel));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new TreeReadRefused(refusedText(rel));
    if (st.size > LIMITS.inputBytes) {
      const big = new TreeReadRefused(`${rel}: over the ${spellBytes(LIMITS.inputBytes)} size limit`);
      big.tooLarge = true;
      throw big;
    }
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** readTreeText, with a refused path read as missing (lookups that only use what they find). */
export function readTreeTextOrNull(root: string, rel: string): string | null {
  try {
    return readTreeText(root, rel);
  } catch (err) {
    if (err instanceof TreeReadRefused) return null;
    throw err;
  }
}
