// A `--tree` review reuses the audit cache of the same tree (src/tree/tree-cache.ts): the tree
// index (registered in another file?) adjusted for the patch, and callees in other files as
// context. No cache, --no-cache and a corrupt cache all give today's review.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, mkdtempSync, rmSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runAudit } from '../src/pipeline/audit/audit.js';
import { reviewText, type ReviewOptions, type ReviewResult } from '../src/pipeline/review.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** A one-file patch from the file's text before and after (a/ b/ paths, whole-file hunk). */
function patchOf(rel: string, before: string, after: string): string {
  const a = before.replace(/\n$/, '').split('\n'),
    b = after.replace(/\n$/, '').split('\n');
  let s = 0;
  while (s < a.length && s < b.length && a[s] === b[s]) s++;
  let e = 0;
  while (e < a.length - s && e < b.length - s && a[a.length - 1 - e] === b[b.length - 1 - e]) e++;
  const from = Math.max(0, s - 3),
    toA = Math.min(a.length, a.length - e + 3),
    toB = Math.min(b.length, b.length - e + 3);
  const lines = [
    ...a.slice(from, s).map((l) => ` ${l}`),
    ...a.slice(s, a.length - e).map((l) => `-${l}`),
    ...b.slice(s, b.length - e).map((l) => `+${l}`),
    ...a.slice(a.length - e, toA).map((l) => ` ${l}`),
  ];
  return [
    `diff --git a/${rel} b/${rel}`,
    `--- a/${rel}`,
    `+++ b/${rel}`,
    `@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@`,
    ...lines,
    '',
  ].join('\n');
}

const brief = (r: ReviewResult) => r.findings.map((f) => `${f.rule} ${f.severity} ${f.kfunc} ${f.file}:${f.line}`);

describe('--tree review with the audit cache', () => {
  let work: string, gizmo: string, widget: string, cacheDir: string;
  const read = (tree: string, rel: string) => readFileSync(join(tree, rel), 'utf8');
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kfr-treecache-'));
    gizmo = join(work, 'gizmo');
    widget = join(work, 'widget');
    cacheDir = join(work, 'cache');
    cpSync(join(ROOT, 'fixtures', '_audit_tree'), gizmo, { recursive: true });
    cpSync(join(ROOT, 'fixtures', '_audit'), widget, { recursive: true });
    await runAudit(gizmo, { jobs: 1, cacheDir });
    await runAudit(widget, { jobs: 1, cacheDir });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // The patch rewrites the definition line of bpf_iter_gizmo_next (a new kfunc definition for
  // the rules), which kernel/bpf/gizmo_sets.c, a file the patch does not touch, registers.
  const iterPatch = () => {
    const rel = 'kernel/bpf/gizmo_iter.c';
    const before = read(gizmo, rel);
    return patchOf(
      rel,
      before,
      before.replace('bpf_iter_gizmo_next(struct bpf_iter_gizmo *it)', 'bpf_iter_gizmo_next(struct bpf_iter_gizmo *iter)'),
    );
  };

  it('knows a kfunc registered in another file of the tree: no KF-REG-01, the only difference from a review without cache', async () => {
    const text = iterPatch();
    const withCache = await reviewText(text, 'p.patch', { tree: gizmo, cacheDir });
    const noCache = await reviewText(text, 'p.patch', { tree: gizmo, cache: false });
    const absent = await reviewText(text, 'p.patch', { tree: gizmo, cacheDir: join(work, 'empty-cache') });
    expect(withCache.models[0].treeIndex?.registered('bpf_iter_gizmo_next')).toBe(true);
    expect(noCache.models[0].treeIndex).toBeUndefined();
    expect(brief(noCache)).toEqual([
      'KF-REG-01 warning bpf_iter_gizmo_next kernel/bpf/gizmo_iter.c:15',
      'KF-REG-13 info bpf_iter_gizmo_next kernel/bpf/gizmo_iter.c:15',
    ]);
    expect(brief(withCache)).toEqual(['KF-REG-13 info bpf_iter_gizmo_next kernel/bpf/gizmo_iter.c:15']);
    // No cache: the same findings as --no-cache, and a note saying how to get the context.
    expect(brief(absent)).toEqual(brief(noCache));
    expect(noCache.patches[0].notes).toEqual([]);
    expect(absent.patches[0].notes).toEqual([expect.stringContaining(`kfunc-review audit ${gizmo}`)]);
    expect(withCache.patches[0].notes).toEqual([]);
    expect(withCache.patches[0].files).toEqual(['kernel/bpf/gizmo_iter.c']);
  });

  it('lets the patch override the cached entries of the files it touches', async () => {
    // Removing the entry in gizmo_sets.c: bpf_iter_gizmo_next is registered nowhere after the patch.
    const sets = 'kernel/bpf/gizmo_sets.c';
    const before = read(gizmo, sets);
    const drop = patchOf(sets, before, before.replace('BTF_ID_FLAGS(func, bpf_iter_gizmo_next, KF_ITER_NEXT | KF_RET_NULL)\n', ''));
    const r = await reviewText(`${iterPatch()}${drop}`, 'p.patch', { tree: gizmo, cacheDir });
    expect(r.models[0].treeIndex?.registered('bpf_iter_gizmo_next')).toBe(false);
    expect(r.models[0].treeIndex?.registered('bpf_iter_gizmo_new')).toBe(true);
    expect(brief(r)).toContain('KF-REG-01 warning bpf_iter_gizmo_next kernel/bpf/gizmo_iter.c:15');
  });

  it("gives the model the callees of the patch's kfuncs in other files", async () => {
    const rel = 'kernel/bpf/widget_kfuncs.c';
    const before = read(widget, rel);
    const text = patchOf(
      rel,
      before,
      before.replace('\treturn widget_lookup(id);', '\tif (!id)\n\t\treturn NULL;\n\treturn widget_lookup(id);'),
    );
    const withCache = await reviewText(text, 'p.patch', { tree: widget, cacheDir });
    const noCache = await reviewText(text, 'p.patch', { tree: widget, cache: false });
    const fn = withCache.models[0].functions.get('widget_lookup');
    expect(fn).toMatchObject({ file: 'lib/widget_util.c', line: 7, isKfunc: false });
    // Only what the reviewed kfunc reaches: bpf_widget_release() is not touched, widget_drop() not needed.
    expect(withCache.models[0].functions.has('widget_drop')).toBe(false);
    expect(noCache.models[0].functions.has('widget_lookup')).toBe(false);
    // Context, not part of the patch: no extra files, kfuncs or notes in the summary.
    expect(withCache.patches[0].files).toEqual([rel]);
    expect(withCache.patches[0].kfuncs.map((k) => k.name)).toEqual(noCache.patches[0].kfuncs.map((k) => k.name));
    expect(withCache.patches[0].notes).toEqual([]);
  });

  it('gives the model the definition of a kfunc whose entry the patch changes, from its own file', async () => {
    const sets = 'kernel/bpf/gizmo_sets.c';
    const before = read(gizmo, sets);
    const text = patchOf(
      sets,
      before,
      before.replace('BTF_ID_FLAGS(func, bpf_iter_gizmo_destroy, KF_ITER_DESTROY)', 'BTF_ID_FLAGS(func, bpf_iter_gizmo_destroy)'),
    );
    const withCache = await reviewText(text, 'p.patch', { tree: gizmo, cacheDir });
    const noCache = await reviewText(text, 'p.patch', { tree: gizmo, cache: false });
    // The kfunc keeps its marker: it is the kfunc of the changed entry, not a plain callee.
    expect(withCache.models[0].functions.get('bpf_iter_gizmo_destroy')).toMatchObject({ file: 'kernel/bpf/gizmo_iter.c', isKfunc: true });
    expect(noCache.models[0].functions.has('bpf_iter_gizmo_destroy')).toBe(false);
    // Its prototype proves the iterator shape (error); by name and siblings alone, a warning.
    const flag10 = (r: ReviewResult) => brief(r).filter((b) => b.startsWith('KF-FLAG-10'));
    expect(flag10(withCache)).toEqual(['KF-FLAG-10 error bpf_iter_gizmo_destroy kernel/bpf/gizmo_sets.c:34']);
    expect(flag10(noCache)).toEqual(['KF-FLAG-10 warning bpf_iter_gizmo_destroy kernel/bpf/gizmo_sets.c:34']);
    expect(withCache.patches[0].files).toEqual([sets]);
  });

  it('ignores a corrupt cache: the review is the same as without one', async () => {
    const corrupt = join(work, 'corrupt-cache');
    cpSync(cacheDir, corrupt, { recursive: true });
    const scanDir = join(corrupt, 'v1', 'tree');
    for (const f of readdirSync(scanDir)) {
      const env = JSON.parse(readFileSync(join(scanDir, f), 'utf8'));
      env.payload.treeFiles = [];
      writeFileSync(join(scanDir, f), JSON.stringify(env)); // stale checksum
    }
    const text = iterPatch();
    const opts: ReviewOptions = { tree: gizmo, cacheDir: corrupt };
    const r = await reviewText(text, 'p.patch', opts);
    const none = await reviewText(text, 'p.patch', { tree: gizmo, cache: false });
    expect(r.models[0].treeIndex).toBeUndefined();
    expect(r.findings).toEqual(none.findings);
    expect(r.patches[0].notes).toEqual([expect.stringContaining('kfunc-review audit')]);
    // A truncated record too.
    const trunc = join(work, 'trunc-cache');
    cpSync(cacheDir, trunc, { recursive: true });
    for (const f of readdirSync(join(trunc, 'v1', 'tree'))) writeFileSync(join(trunc, 'v1', 'tree', f), '{"format":1,');
    expect((await reviewText(text, 'p.patch', { tree: gizmo, cacheDir: trunc })).findings).toEqual(none.findings);
  });

  it('CLI: --no-cache and $KFUNC_REVIEW_CACHE', () => {
    const p = join(work, 'iter.patch');
    writeFileSync(p, iterPatch());
    // The built CLI hashes its own .js code into the records: audit with it, not with vitest's .ts.
    const env = { ...process.env, KFUNC_REVIEW_CACHE: join(work, 'cli-cache') };
    expect(
      spawnSync(process.execPath, [CLI, 'audit', '--jobs', '1', '--fail-level', 'none', gizmo], { cwd: ROOT, encoding: 'utf8', env })
        .status,
    ).toBe(0);
    const run = (args: string[]) =>
      spawnSync(process.execPath, [CLI, '--format', 'json', '--tree', gizmo, ...args, p], { cwd: ROOT, encoding: 'utf8', env });
    const rules = (s: string) => (JSON.parse(s).findings as { rule: string }[]).map((f) => f.rule);
    expect(rules(run([]).stdout)).toEqual(['KF-REG-13']);
    expect(rules(run(['--no-cache']).stdout)).toEqual(['KF-REG-01', 'KF-REG-13']);
  });
});
