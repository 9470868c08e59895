// `--tree` as git apply does it (hunks found at an offset, with a note) and a series applied
// cumulatively (patch N on the tree plus patches 1..N-1); a `git format-patch --cover-letter -o`
// directory reviewed as one series. The series is made with git from our own C
// (test/support/spindle-series.ts).
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyToTree, ApplyError } from '../src/intake/source.js';
import { readDiff } from '../src/intake/diff.js';
import { spindleSeries, spindleBase, SPINDLE_FILE, type SpindleSeries } from './support/spindle-series.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, KFUNC_REVIEW_CACHE: '/nonexistent/kfr' } });
const STACK = /\n\s+at .*:\d+:\d+\)?/;

interface Json {
  patches: { subject: string; input: string }[];
  findings: { rule: string; kfunc: string; file: string; line: number; patch: string }[];
  errors: { input: string; message: string }[];
}

const diffOf = (body: string[], oldStart: number, newStart: number) => {
  const old = body.filter((l) => !l.startsWith('+')).length;
  const neu = body.filter((l) => !l.startsWith('-')).length;
  return readDiff(
    ['diff --git a/f.c b/f.c', '--- a/f.c', '+++ b/f.c', `@@ -${oldStart},${old} +${newStart},${neu} @@`, ...body, ''].join('\n'),
  )[0]!;
};
const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

describe('applying a hunk as git apply does', () => {
  const hunk = [' line 4', ' line 5', '-line 6', '+line six', ' line 7'];

  it('applies at the stated line with no offset', () => {
    const { source, offsets } = applyToTree(diffOf(hunk, 4, 4), lines(10).join('\n'));
    expect(offsets).toEqual([]);
    expect(source.post.lines.get(6)).toBe('line six');
    expect([...source.added]).toEqual([6]);
    expect([...source.removed]).toEqual([6]);
  });

  it('finds the context below or above the stated line and says by how much', () => {
    // Three lines inserted at the top of the file since the patch was made: +3.
    const down = applyToTree(diffOf(hunk, 4, 4), ['a', 'b', 'c', ...lines(10)].join('\n'));
    expect(down.offsets).toEqual([{ hunk: 1, offset: 3 }]);
    expect(down.source.post.lines.get(9)).toBe('line six');
    expect([...down.source.added]).toEqual([9]);
    expect([...down.source.removed]).toEqual([9]);
    // The first two lines gone: -2.
    const up = applyToTree(diffOf(hunk, 4, 4), lines(10, 3).join('\n'));
    expect(up.offsets).toEqual([{ hunk: 1, offset: -2 }]);
    expect(up.source.post.lines.get(4)).toBe('line six');
  });

  it('searches outwards: of two places the context fits, the nearer one wins', () => {
    const text = [...lines(7), 'x', 'x', ...lines(7), 'y'].join('\n');
    // The context fits at line 4 and at line 13; stated at 11, the nearer one is 13 (+2).
    const { offsets, source } = applyToTree(diffOf(hunk, 11, 11), text);
    expect(offsets).toEqual([{ hunk: 1, offset: 2 }]);
    expect(source.post.lines.get(15)).toBe('line six');
    expect(source.post.lines.get(6)).toBe('line 6');
  });

  it('carries the offset of one hunk to the next, and numbers hunks from 1', () => {
    const two = readDiff(
      [
        'diff --git a/f.c b/f.c',
        '--- a/f.c',
        '+++ b/f.c',
        '@@ -2,2 +2,3 @@',
        ' line 2',
        '+added a',
        ' line 3',
        '@@ -8,2 +9,3 @@',
        ' line 8',
        '+added b',
        ' line 9',
        '',
      ].join('\n'),
    )[0]!;
    const { offsets, source } = applyToTree(two, ['top', ...lines(12)].join('\n'));
    expect(offsets).toEqual([
      { hunk: 1, offset: 1 },
      { hunk: 2, offset: 1 },
    ]);
    expect([...source.added]).toEqual([4, 11]);
  });

  it('still refuses a hunk whose context is nowhere, naming the line', () => {
    expect(() => applyToTree(diffOf([' nope', '+x', ' line 2'], 1, 1), lines(5).join('\n'))).toThrow(ApplyError);
    expect(() => applyToTree(diffOf([' nope', '+x', ' line 2'], 1, 1), lines(5).join('\n'))).toThrow(
      /f\.c:1: patch does not apply \(expected "nope"\)/,
    );
  });

  it('inserts a context-free hunk (diff -U0) after the line its header names', () => {
    const d = readDiff(['diff --git a/f.c b/f.c', '--- a/f.c', '+++ b/f.c', '@@ -3,0 +4,1 @@', '+new', ''].join('\n'))[0]!;
    const { source } = applyToTree(d, lines(5).join('\n'));
    expect([1, 2, 3, 4, 5].map((n) => source.post.lines.get(n))).toEqual(['line 1', 'line 2', 'line 3', 'new', 'line 4']);
  });
});

describe('--tree with a series and a format-patch directory', () => {
  let s: SpindleSeries;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does)');
    s = spindleSeries({ 'notes.txt': 'not a patch\n', 'series.orig': 'neither\n' });
  });

  it('reviews the directory as one series: cover letter, patches in order, other files skipped with a note', () => {
    expect(s.files).toEqual([
      '0000-cover-letter.patch',
      '0001-bpf-spindle-add-a-tooth-reader-kfunc.patch',
      '0002-bpf-spindle-add-a-total-wear-kfunc.patch',
      '0003-bpf-spindle-document-the-total.patch',
      'notes.txt',
      'series.orig',
    ]);
    const r = run(['--format', 'json', s.dir]);
    expect(r.stderr).not.toMatch(STACK);
    const o = JSON.parse(r.stdout) as Json;
    expect(o.patches.map((p) => p.subject)).toEqual([
      '[PATCH 1/3] bpf: spindle: add a tooth reader kfunc',
      '[PATCH 2/3] bpf: spindle: add a total wear kfunc',
      '[PATCH 3/3] bpf: spindle: document the total',
    ]);
    expect(o.patches[1]!.input).toBe(join(s.dir, '0002-bpf-spindle-add-a-total-wear-kfunc.patch'));
    for (const n of ['notes.txt', 'series.orig'])
      expect(r.stderr.split('\n').filter((l) => l.includes(n) && /skipped/.test(l))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/cover-letter/);
    // The exit status follows the findings: errors at the default fail level.
    expect(o.findings.some((f) => f.rule === 'KF-SLEEP-01' && f.kfunc === 'bpf_spindle_sum')).toBe(true);
    expect(r.status).toBe(1);
    expect(run(['--fail-level', 'none', s.dir]).status).toBe(0);
  });

  it('a bad file in the directory is an error naming it (exit 2); the rest of the series is reviewed', () => {
    const bad = spindleSeries({ '0004-broken.patch': '' });
    const r = run(['--format', 'json', bad.dir]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.includes('0004-broken.patch'))).toHaveLength(1);
    expect((JSON.parse(r.stdout) as Json).patches).toHaveLength(3);
  });

  it('applies patch N on the tree plus patches 1..N-1: whole-file line numbers, no "does not apply"', () => {
    const r = run(['--format', 'json', '--tree', s.tree, s.dir]);
    expect(r.stderr).not.toMatch(/does not apply|from the hunks only|give --tree/);
    const o = JSON.parse(r.stdout) as Json;
    const sum = o.findings.find((f) => f.rule === 'KF-SLEEP-01');
    // Line numbers are those of the file after patches 1 and 2.
    const after2 = spawnSync('git', ['show', 'main~1:' + SPINDLE_FILE], { cwd: s.tree, encoding: 'utf8' }).stdout.split('\n');
    expect(sum).toBeDefined();
    expect(sum!.patch).toBe('[PATCH 2/3] bpf: spindle: add a total wear kfunc');
    expect(after2[sum!.line - 1]).toMatch(/bpf_spindle_sum/);
    // Reviewed alone on the base tree, patch 2 does not apply: its context is patch 1's lines.
    const alone = run(['--format', 'json', '--tree', s.tree, join(s.dir, s.files[2]!)]);
    expect(alone.stderr).toMatch(/0002-bpf-spindle-add-a-total-wear-kfunc\.patch: kernel\/bpf\/spindle\.c:\d+: patch does not apply/);
  });

  it('applies at an offset when the tree moved on, and says so', () => {
    const moved = spindleSeries();
    const file = join(moved.tree, SPINDLE_FILE);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '#include <linux/mutex.h>\n',
        '#include <linux/mutex.h>\n#include <linux/a.h>\n#include <linux/b.h>\n',
      ),
    );
    const base = run(['--format', 'json', '--tree', s.tree, s.dir]);
    const r = run(['--format', 'json', '--tree', moved.tree, moved.dir]);
    expect(r.stderr).toMatch(/0001-bpf-spindle-add-a-tooth-reader-kfunc\.patch: hunk #1 of kernel\/bpf\/spindle\.c applied at offset \+2/);
    expect(r.stderr).not.toMatch(/does not apply/);
    const line = (o: Json) => o.findings.find((f) => f.rule === 'KF-SLEEP-01')!.line;
    expect(line(JSON.parse(r.stdout) as Json)).toBe(line(JSON.parse(base.stdout) as Json) + 2);
    // The text report prints the note too, and no "give --tree" hint.
    const t = run(['--tree', moved.tree, moved.dir]);
    expect(t.stdout).not.toMatch(/give --tree/);
  });

  it('without --tree, the hunks-only note asks for --tree', () => {
    expect(run([join(s.dir, s.files[1]!)]).stdout).toMatch(/give --tree for whole-file context/);
    expect(spindleBase()).toContain('bpf_spindle_count');
  });
});
