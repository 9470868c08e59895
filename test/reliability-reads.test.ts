// Issue 13, class 3: reads stay where they belong. A diff path with `..`, a symlink in the tree
// that points out of it, a FIFO or a device in the tree, and a cache record that names a path
// outside the tree are never read; the answer is the same whether or not the target exists. An
// audit says which files it could not read instead of skipping them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reviewText } from '../src/pipeline/review.js';
import { runAudit } from '../src/pipeline/audit/audit.js';
import { readTreeText, resolveInTree, TreeReadRefused } from '../src/tree/contained.js';
import { FileCache } from '../src/tree/callees.js';
import { sha256 } from '../src/tree/cache.js';
import { cliUnprivileged, openToAll } from './support/unprivileged.js';
import { kfuncFile, mail } from '../scripts/hostile-inputs.mjs';

let work: string;
let tree: string;
let outside: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'kfr-reads-'));
  tree = join(work, 'linux');
  outside = join(work, 'secret.c');
  mkdirSync(join(tree, 'kernel', 'bpf'), { recursive: true });
  writeFileSync(join(tree, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  writeFileSync(join(tree, 'kernel/bpf/plain.c'), 'int a;\nint b;\n');
  writeFileSync(outside, kfuncFile(['\treturn idx;'], { name: 'bpf_secret' }).join('\n') + '\n');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A patch that changes `path` (a one-line hunk at line 1). */
const touching = (path: string) =>
  mail([`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, '@@ -1,1 +1,2 @@', ' int a;', '+int c;', ''].join('\n'));

const messages = async (path: string) => (await reviewText(touching(path), 'p.patch', { tree, cache: false })).errors.map((e) => e.message);

describe('3. --tree reads stay in the tree', () => {
  it('never reads a diff path with `..`, and says the same whether the target exists or not', async () => {
    const rel = `../${'secret.c'}`;
    const there = await messages(rel);
    const absent = await messages('../absent.c');
    expect(there).toEqual([
      'p.patch: ../secret.c: not read from the tree (the path leaves the tree or is not a regular file); reviewed ../secret.c from the hunks only',
    ]);
    expect(absent).toEqual([there[0].replaceAll('secret.c', 'absent.c')]);
    expect(await messages('../../../../../../../../dev/zero')).toHaveLength(1);
  });

  it('refuses symlinks that leave the tree (dangling or not), FIFOs and devices, without blocking', async () => {
    symlinkSync(outside, join(tree, 'kernel/bpf/link.c'));
    symlinkSync(join(work, 'nothing.c'), join(tree, 'kernel/bpf/dangling.c'));
    symlinkSync('/dev/zero', join(tree, 'kernel/bpf/zero.c'));
    symlinkSync('../../../secret.c', join(tree, 'kernel/bpf/relative.c'));
    symlinkSync('plain.c', join(tree, 'kernel/bpf/inside.c'));
    const fifo = spawnSync('mkfifo', [join(tree, 'kernel/bpf/fifo.c')]).status === 0;
    const refused = (p: string) =>
      `p.patch: ${p}: not read from the tree (the path leaves the tree or is not a regular file); reviewed ${p} from the hunks only`;
    for (const p of ['link.c', 'dangling.c', 'zero.c', 'relative.c', ...(fifo ? ['fifo.c'] : [])])
      expect(await messages(`kernel/bpf/${p}`)).toEqual([refused(`kernel/bpf/${p}`)]);
    // A symlink that stays inside is followed.
    expect(await messages('kernel/bpf/inside.c')).toEqual([]);
    expect(resolveInTree(tree, 'kernel/bpf/link.c')).toBe('refused');
    expect(resolveInTree(tree, 'kernel/bpf/dangling.c')).toBe('refused');
    expect(resolveInTree(tree, '/etc/passwd')).toBe('refused');
    expect(resolveInTree(tree, 'kernel/bpf/missing.c')).toBe('missing');
    expect(() => readTreeText(tree, 'kernel/bpf/zero.c')).toThrow(TreeReadRefused);
  });

  it('does not let a cache record point reads out of the tree', () => {
    const fc = new FileCache(tree, ['../secret.c', 'kernel/bpf/plain.c']);
    expect(fc.get(0)).toBeNull();
    expect(fc.get(1)?.buf.toString()).toBe('int a;\nint b;\n');
  });
});

describe('3 and 6. audit: nothing read outside the tree, nothing skipped in silence', () => {
  const FIXTURE = join(import.meta.dirname, '..', 'fixtures', '_audit');
  let audited: string;
  let cacheDir: string;
  beforeEach(() => {
    audited = join(work, 'audited');
    cacheDir = join(work, 'cache');
    cpSync(FIXTURE, audited, { recursive: true });
  });

  it('a tampered scan record (checksum fixed up) that names a file outside the tree is not read', async () => {
    const cold = await runAudit(audited, { jobs: 1, cacheDir });
    const dir = join(cacheDir, 'v1', 'scan');
    const file = join(dir, readdirSync(dir)[0]!);
    const env = JSON.parse(readFileSync(file, 'utf8'));
    env.payload.candidates.push('../secret.c');
    env.payload.regions['../secret.c'] = [];
    for (const rel of Object.keys(env.payload.regions)) env.payload.regions[rel].push(['../secret.c', 1, 9]);
    env.checksum = sha256(JSON.stringify(env.payload));
    writeFileSync(file, JSON.stringify(env));
    const warm = await runAudit(audited, { jobs: 1, cacheDir });
    expect(warm.stats.cache.scanReused).toBe(true);
    expect(warm.kfuncs.map((k) => k.name)).toEqual(cold.kfuncs.map((k) => k.name));
    expect(JSON.stringify(warm)).not.toContain('bpf_secret');
    expect(warm.errors).toEqual([{ input: '../secret.c', message: '../secret.c: cannot be read; not audited' }]);
  });

  it('an unreadable kfunc file is an error naming it', () => {
    const kf = join(audited, 'kernel/bpf/widget_kfuncs.c');
    chmodSync(kf, 0o000);
    openToAll(work, 1);
    // Through the CLI, so that it runs unprivileged when the tests run as root.
    const r = cliUnprivileged(['audit', audited, '--format', 'json', '--no-cache', '-q']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).errors).toEqual([
      { input: 'kernel/bpf/widget_kfuncs.c', message: 'kernel/bpf/widget_kfuncs.c: cannot be read; not audited' },
    ]);
  });
});
