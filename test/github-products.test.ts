// The GitHub front doors as a user meets them: the Action's inputs (action.yml, the help text,
// filter-mode), the App's settings at start, and the pieces the series review is built from
// (moving lines through commits, the API path when the checkout lacks the commits).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitHubStandin } from './support/github-standin.js';
import { client, finding, prRef, quietLog } from './support/github-fixtures.js';
import { GEAR_FILE, makeGearRepo } from './support/gear-repo.js';
import { ACTION_OPTIONS, SERVE_HELP } from '../src/cli/help.js';
import { serveCli } from '../src/github/app.js';
import { runActionCli } from '../src/github/action.js';
import { loadEngine } from '../src/github/engine.js';
import { reviewPullRequest } from '../src/github/pipeline.js';
import { inFilter } from '../src/github/pr-review.js';
import { parseDiffLines } from '../src/github/diff-lines.js';
import { anchorOf, commitHunks, mapThroughHunks, placeOnPr } from '../src/github/line-map.js';
import { notASeries, patchMail, subjectOf } from '../src/github/pr-commits.js';
import { readDiff } from '../src/intake/diff.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

let gh: GitHubStandin;
let dir: string;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
  dir = mkdtempSync(join(tmpdir(), 'kfr-products-'));
});
afterEach(async () => {
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The inputs action.yml declares, in order (a two-space key under `inputs:`). */
function actionYmlInputs(): string[] {
  const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  const block = /^inputs:\n([\s\S]*?)^\S/m.exec(text)![1]!;
  return [...block.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
}

describe('Action inputs', () => {
  it('action.yml, the help text and the docs name the same inputs', () => {
    const yml = actionYmlInputs();
    expect(yml).toEqual(expect.arrayContaining(['config', 'fail-level', 'filter-mode', 'kernel', 'mode']));
    expect([...yml].sort()).toEqual(ACTION_OPTIONS.map((o) => o.name).sort());
    const docs = readFileSync(join(ROOT, 'docs/github.md'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of yml) {
      expect(docs, `docs/github.md lists ${name}`).toContain(`\`${name}\``);
      expect(readme, `README lists ${name}`).toContain(`\`${name}\``);
    }
  });

  it('the example workflow is the one the docs show, asks for the four permissions and uses only real inputs', () => {
    const example = readFileSync(join(ROOT, 'examples/kernel-patch-pr.yml'), 'utf8');
    expect(readFileSync(join(ROOT, 'docs/github.md'), 'utf8')).toContain(example);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(example);
    for (const p of ['contents: read', 'pull-requests: write', 'checks: write', 'security-events: write'])
      expect(example).toContain(`      ${p}`);
    expect(example).not.toMatch(/fetch-depth: 0/);
    expect(example).toContain('github/codeql-action/upload-sarif');
    expect(example).toContain('steps.kfunc.outputs.sarif-path');
    const step = example.slice(example.indexOf('uses: OWNER/kfunc-review@v1'));
    const withBlock = /with:\n((?: {10}.*\n)+)/.exec(step)![1]!;
    const keys = [...withBlock.matchAll(/^ {10}(?:# )?([a-z-]+):/gm)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const k of keys) expect(actionYmlInputs()).toContain(k);
  });

  it('refuses a filter-mode or kernel it does not know, naming the input, before any request', async () => {
    const env = { GITHUB_EVENT_PATH: '/nonexistent', INPUT_TOKEN: 't' };
    for (const [k, v, name] of [
      ['INPUT_FILTER-MODE', 'diff-context', 'filter-mode'],
      ['INPUT_KERNEL', 'v6.x', 'kernel'],
    ] as const) {
      quietLog.lines.length = 0;
      expect(await runActionCli([], { ...env, [k]: v }, { log: quietLog })).toBe(2);
      expect(quietLog.lines.join('\n')).toContain(name);
      expect(quietLog.lines.join('\n')).toContain(v);
    }
    expect(gh.requests).toHaveLength(0);
  });

  it('filter modes keep what reviewdog keeps', () => {
    const lines = parseDiffLines(['--- a/f.c', '+++ b/f.c', '@@ -1,3 +1,4 @@', ' a', '-b', '+B', '+C', ' d', ''].join('\n'));
    const f = finding({ file: 'f.c' });
    const at = (line: number, side: 'new' | 'old' = 'new') => ({ file: 'f.c', line, side });
    expect(inFilter('added', lines, f, at(2))).toBe(true);
    expect(inFilter('added', lines, f, at(1))).toBe(false);
    expect(inFilter('diff_context', lines, f, at(1))).toBe(true);
    expect(inFilter('diff_context', lines, f, at(2, 'old'))).toBe(true);
    expect(inFilter('added', lines, f, at(2, 'old'))).toBe(false);
    expect(inFilter('diff_context', lines, f, at(9))).toBe(false);
    expect(inFilter('file', lines, f, at(9))).toBe(true);
    expect(inFilter('file', lines, finding({ file: 'g.c' }), null)).toBe(false);
    expect(inFilter('diff_context', lines, f, null)).toBe(false);
    expect(inFilter('nofilter', lines, finding({ file: 'g.c' }), null)).toBe(true);
  });
});

describe('moving lines through commits', () => {
  const hunks = (diff: string) => readDiff(diff)[0]!.hunks;
  const d = (header: string, ...body: string[]) => ['--- a/f.c', '+++ b/f.c', header, ...body, ''].join('\n');

  it('shifts lines past insertions and deletions, and loses the ones a hunk changes', () => {
    const insert = hunks(d('@@ -5,0 +6,3 @@', '+x', '+y', '+z'));
    expect([4, 5, 6, 9].map((l) => mapThroughHunks(insert, l))).toEqual([4, 5, 9, 12]);
    expect([5, 6, 9].map((l) => mapThroughHunks(insert, l, true))).toEqual([5, null, 6]);
    const del = hunks(d('@@ -5,2 +4,0 @@', '-x', '-y'));
    expect([4, 5, 6, 7].map((l) => mapThroughHunks(del, l))).toEqual([4, null, null, 5]);
    const edit = hunks(d('@@ -10,3 +10,4 @@', ' a', '-b', '+B', '+C', ' c'));
    expect([10, 11, 12, 13, 20].map((l) => mapThroughHunks(edit, l))).toEqual([10, null, 13, 14, 21]);
    // A context line between changes of one hunk counts as changed (git's alignment is a guess there).
    const around = hunks(d('@@ -1,3 +1,5 @@', '+x', ' a', '+y', ' b', ' c'));
    expect([1, 2, 3].map((l) => mapThroughHunks(around, l))).toEqual([null, 4, 5]);
  });

  it('places a finding of an early commit on the head, or nowhere when a later commit changes its line', () => {
    const c1 = commitHunks(readDiff(d('@@ -1,0 +1,2 @@', '+a', '+b')));
    const c2 = commitHunks(readDiff(['--- a/f.c', '+++ b/f.c', '@@ -0,0 +1 @@', '+z', '@@ -2 +3 @@', '-b', '+B', ''].join('\n')));
    expect(placeOnPr([c1, c2], 0, { file: 'f.c', line: 1, side: 'new' })).toEqual({ file: 'f.c', line: 2, side: 'new' });
    expect(placeOnPr([c1, c2], 0, { file: 'f.c', line: 2, side: 'new' })).toBeNull();
    expect(placeOnPr([c1, c2], 1, { file: 'f.c', line: 2, side: 'old' })).toBeNull(); // added by commit 1
    expect(placeOnPr([c1, c2], 0, { file: 'other.c', line: 7, side: 'new' })).toEqual({ file: 'other.c', line: 7, side: 'new' });
    expect(anchorOf('int f(void)\n{\n\treturn 0;\n}\n', 3)).toBe('int f(void)');
  });

  it('reads commits as a series only when they follow one another without merges', () => {
    const c = (sha: string, ...parents: string[]) => ({ sha, parents, message: 's', author: 'a' });
    expect(notASeries([c('1', '0'), c('2', '1')])).toBeNull();
    expect(notASeries([c('1', '0'), c('2', '1', 'x')])).toMatch(/merge/);
    expect(notASeries([c('1', '0'), c('2', '9')])).toMatch(/follow/);
    expect(subjectOf('bpf: a long\n subject line\n\nbody')).toBe('bpf: a long subject line');
    expect(patchMail({ ...c('1', '0'), message: 'bpf: x\n\nwhy' }, 2, 3, 'diff')).toContain(
      'Subject: [PATCH 2/3] bpf: x\n\nwhy\n\n---\ndiff',
    );
  });
});

describe('a series from the API (no checkout)', () => {
  it('reviews each commit from its diff and lists findings per patch; inline comments land on PR lines', async () => {
    const repo = makeGearRepo(join(dir, 'ws'));
    const patch = repo.git('diff', repo.base, repo.head).split('\n').slice(4).join('\n');
    const p = gh.addPull({
      owner: 'gearco',
      repo: 'linux',
      number: 5,
      headSha: repo.head,
      baseSha: repo.base,
      files: [{ filename: GEAR_FILE, status: 'modified', patch }],
      series: repo.commits.map((c) => ({ sha: c.sha, parent: c.parent, message: c.message, diff: c.diff })),
    });
    mkdirSync(join(dir, 'empty'));
    for (const c of repo.commits) gh.putFile('gearco/linux', c.sha, GEAR_FILE, c.text);
    const out = await reviewPullRequest(client(gh), prRef(p), {
      engine: await loadEngine(),
      review: {},
      mode: 'review',
      maxInline: 30,
      failLevel: 'none',
      filterMode: 'added',
      // A workspace without the checkout: said, not silently reviewed from hunks.
      workspace: join(dir, 'empty'),
      log: quietLog,
    });
    expect(gh.requests.filter((r) => /\/commits\/[0-9a-f]{40}$/.test(r.path))).toHaveLength(3);
    expect(out.findings.length).toBeGreaterThan(0);
    const body = gh.reviewsOf('gearco/linux#5')[0]!.body;
    expect(body.match(/^#### \\\[\d\/3\\\]/gm)).toHaveLength(3);
    const right = parseDiffLines(gh.diffText(p)).get(GEAR_FILE)!;
    for (const c of gh.commentsOf('gearco/linux#5')) expect(right.added.has(c.line!)).toBe(true);
    // filter-mode added: patch 1's finding on a line patch 3 rewrote has no PR line, so it is not reported.
    expect(out.findings.some((f) => f.kfunc === 'bpf_gear_spin' && f.rule === 'KF-IDX-01')).toBe(false);
    expect(body).toMatch(/finding\(s\) outside filter-mode "added" are not reported/);
    expect(body).toContain('reviewed from the API diff, hunks only');
  });
});

describe('App settings', () => {
  const log = { lines: [] as string[], info: (m: string) => void log.lines.push(m), warn: (m: string) => void log.lines.push(m) };
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

  it('names the setting that is wrong, in one line, without echoing secrets', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ APP_ID: '1', WEBHOOK_SECRET: 's', PRIVATE_KEY: 'not-a-key-XYZ' }, 'PRIVATE_KEY: not a PEM private key'],
      [
        { APP_ID: '1', WEBHOOK_SECRET: 's', PRIVATE_KEY_PATH: join(dir, 'missing.pem') },
        `PRIVATE_KEY_PATH ${join(dir, 'missing.pem')}: cannot be read (ENOENT)`,
      ],
      [{ APP_ID: '1', WEBHOOK_SECRET: 'sec\n', PRIVATE_KEY: key }, 'WEBHOOK_SECRET: has white space'],
      [{ APP_ID: 'my-app', WEBHOOK_SECRET: 's', PRIVATE_KEY: key }, 'APP_ID: not an App id'],
      [{ APP_ID: '1', WEBHOOK_SECRET: 's', PRIVATE_KEY: key, KFUNC_REVIEW_KERNEL: 'latest' }, 'KFUNC_REVIEW_KERNEL must be a version'],
    ];
    const badKey = join(dir, 'bad.pem');
    writeFileSync(badKey, 'garbage');
    cases.push([{ APP_ID: '1', WEBHOOK_SECRET: 's', PRIVATE_KEY_PATH: badKey }, `PRIVATE_KEY_PATH ${badKey}: not a PEM private key`]);
    for (const [env, says] of cases) {
      log.lines.length = 0;
      expect(await serveCli([], env, { log })).toBe(2);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toContain(says);
      expect(log.lines[0]).not.toMatch(/XYZ|BEGIN RSA|\n/);
    }
  });

  it('`serve --help` prints the App settings and exits 0', () => {
    mkdirSync(join(dir, 'x'));
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'serve', '--help'], {
      encoding: 'utf8',
      cwd: join(dir, 'x'),
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(SERVE_HELP);
    for (const name of [
      'APP_ID',
      'PRIVATE_KEY',
      'PRIVATE_KEY_PATH',
      'WEBHOOK_SECRET',
      'KFUNC_REVIEW_CONFIG',
      '--port',
      '--host',
      '--config',
    ])
      expect(SERVE_HELP).toContain(name);
  });
});
