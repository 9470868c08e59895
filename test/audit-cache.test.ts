// The audit cache: a second run reuses everything, a changed file is re-analysed alone, and
// corrupt, tampered or foreign-version records are ignored and rebuilt, never trusted.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { cpSync, mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit, type AuditResult } from '../src/pipeline/audit/audit.js';
import { AuditCache, defaultCacheDir } from '../src/tree/cache.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', '_audit');

function stable(r: AuditResult) {
  return { kfuncs: r.kfuncs, registrations: r.registrations, sets: r.sets, findings: r.findings, errors: r.errors };
}

function resultFiles(cacheDir: string): string[] {
  const root = join(cacheDir, 'v1', 'results');
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => join(root, d, f)));
}

describe('audit cache', () => {
  let work: string;
  let tree: string;
  let cacheDir: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'kfr-audit-'));
    tree = join(work, 'tree');
    cacheDir = join(work, 'cache');
    cpSync(FIXTURE, tree, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('misses cold, hits warm with the scan reused, and gives the same result', async () => {
    const cold = await runAudit(tree, { jobs: 1, cacheDir });
    // two results, the scan record, and the tree and defs records (for --tree reviews)
    expect(cold.stats.cache).toMatchObject({ enabled: true, scanReused: false, hits: 0, corrupt: 0, writes: 5 });
    const warm = await runAudit(tree, { jobs: 1, cacheDir });
    expect(warm.stats.cache).toMatchObject({ scanReused: true, hits: 3, misses: 0, corrupt: 0, writes: 0 });
    expect(warm.stats.parsed).toBe(0);
    expect(stable(warm)).toEqual(stable(cold));
  });

  it('re-analyses only the file whose content changed (and rescans the tree)', async () => {
    const cold = await runAudit(tree, { jobs: 1, cacheDir });
    appendFileSync(join(tree, 'tools/testing/selftests/bpf/demo_mod/demo_mod.c'), '/* touched */\n');
    const again = await runAudit(tree, { jobs: 1, cacheDir });
    expect(again.stats.cache.scanReused).toBe(false);
    expect(again.stats.parsed).toBe(1);
    // the scan record (valid, but its stats no longer match) and the untouched file's result
    expect(again.stats.cache.hits).toBe(2);
    expect(stable(again)).toEqual(stable(cold));
  });

  it('a callee change in another file invalidates the kfunc file that reaches it', async () => {
    await runAudit(tree, { jobs: 1, cacheDir });
    const util = join(tree, 'lib/widget_util.c');
    writeFileSync(util, readFileSync(util, 'utf8').replace('w->refs--;', 'w->refs -= 1;'));
    const again = await runAudit(tree, { jobs: 1, cacheDir });
    expect(again.stats.parsed).toBe(1);
  });

  it('ignores and rebuilds corrupt, tampered and foreign-version records', async () => {
    const cold = await runAudit(tree, { jobs: 1, cacheDir });
    const [a, b] = resultFiles(cacheDir);
    writeFileSync(a, '{"format":1,"tool":'); // truncated JSON
    const env = JSON.parse(readFileSync(b, 'utf8'));
    env.payload.kfuncs = []; // tampered payload, stale checksum
    writeFileSync(b, JSON.stringify(env));
    const scanDir = join(cacheDir, 'v1', 'scan');
    const scanFile = join(scanDir, readdirSync(scanDir)[0]);
    const scan = JSON.parse(readFileSync(scanFile, 'utf8'));
    scan.tool = '0.0.0-other'; // foreign version
    writeFileSync(scanFile, JSON.stringify(scan));
    const again = await runAudit(tree, { jobs: 1, cacheDir });
    expect(again.stats.cache.corrupt).toBe(3);
    expect(again.stats.cache.scanReused).toBe(false);
    expect(again.stats.parsed).toBe(2);
    expect(stable(again)).toEqual(stable(cold));
    // rebuilt: the next run is all hits again
    const third = await runAudit(tree, { jobs: 1, cacheDir });
    expect(third.stats.cache).toMatchObject({ hits: 3, corrupt: 0, scanReused: true });
  });

  it('rejects a record whose shape is wrong even with a valid checksum', () => {
    const c = new AuditCache(cacheDir, '1.0.0', { result: 'r' });
    c.put('result', 'k1', { not: 'a result' });
    expect(c.get('result', 'k1', (p): p is { path: string } => typeof (p as { path?: unknown }).path === 'string')).toBeNull();
    expect(c.stats.corrupt).toBe(1);
    c.put('result', 'k2', { path: 'x' });
    expect(new AuditCache(cacheDir, '1.0.1', { result: 'r' }).get('result', 'k2', (_p): _p is unknown => true)).toBeNull();
    expect(new AuditCache(cacheDir, '1.0.0', { result: 'other rules' }).get('result', 'k2', (_p): _p is unknown => true)).toBeNull();
  });

  it('rescans when the defs record is gone (a review deletes it when it is corrupt)', async () => {
    await runAudit(tree, { jobs: 1, cacheDir });
    rmSync(join(cacheDir, 'v1', 'defs'), { recursive: true });
    const again = await runAudit(tree, { jobs: 1, cacheDir });
    expect(again.stats.cache.scanReused).toBe(false);
    expect(again.stats.parsed).toBe(0);
    expect(readdirSync(join(cacheDir, 'v1', 'defs'))).toHaveLength(1);
  });

  it('--no-cache neither reads nor writes', async () => {
    const r = await runAudit(tree, { jobs: 1, cache: false, cacheDir });
    expect(r.stats.cache).toMatchObject({ enabled: false, hits: 0, writes: 0 });
    expect(() => readdirSync(cacheDir)).toThrow();
  });

  it('puts the cache under $KFUNC_REVIEW_CACHE, else the user cache dir', () => {
    expect(defaultCacheDir({ KFUNC_REVIEW_CACHE: '/x/y' })).toBe('/x/y');
    if (process.platform === 'linux') {
      expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/kfunc-review');
      expect(defaultCacheDir({})).toMatch(/\.cache\/kfunc-review$/);
    }
  });
});
