// The released Action as `uses: owner/kfunc-review@v1` runs it: the layout `npm run build:action`
// makes (one bundle plus the native tree-sitter packages), copied to a directory with no other
// node_modules anywhere above it, started through the bootstrap as the runner starts it, against
// the loopback GitHub stand-in. It must review without installing or compiling anything.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GitHubStandin } from './support/github-standin.js';
import { GEAR_FILE, makeGearRepo } from './support/gear-repo.js';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

let gh: GitHubStandin;
let dir: string;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
  dir = mkdtempSync(join(tmpdir(), 'kfr-release-'));
});
afterEach(async () => {
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the prebuilt action', () => {
  it('builds the release layout and reviews a series from it with no install step', async () => {
    const out = join(dir, 'kfunc-review-v1');
    await run(process.execPath, [join(ROOT, 'scripts/build-action.mjs'), '--out', out], { cwd: ROOT });
    expect(readdirSync(out).sort()).toEqual(['action', 'action.yml', 'dist', 'node_modules', 'package.json']);
    expect(readdirSync(join(out, 'node_modules')).sort()).toEqual(['node-gyp-build', 'tree-sitter', 'tree-sitter-c']);
    expect(existsSync(join(out, 'node_modules/tree-sitter-c/prebuilds/linux-x64'))).toBe(true);

    const repo = makeGearRepo(join(dir, 'ws'));
    gh.addPull({
      owner: 'gearco',
      repo: 'linux',
      number: 3,
      headSha: repo.head,
      baseSha: repo.base,
      files: [{ filename: GEAR_FILE, status: 'modified', patch: repo.git('diff', repo.base, repo.head).split('\n').slice(4).join('\n') }],
      series: repo.commits.map((c) => ({ sha: c.sha, parent: c.parent, message: c.message, diff: c.diff })),
    });
    const event = join(dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        repository: { full_name: 'gearco/linux' },
        pull_request: { number: 3, head: { sha: repo.head }, base: { sha: repo.base } },
      }),
    );
    mkdirSync(join(dir, 'tmp'));
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: 'gearco/linux',
      GITHUB_API_URL: gh.url,
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_OUTPUT: join(dir, 'output'),
      RUNNER_TEMP: join(dir, 'tmp'),
      'INPUT_FAIL-LEVEL': 'none',
      INPUT_TOKEN: 'test-token',
      KFUNC_REVIEW_RETRY_BASE_MS: '1',
      KFUNC_REVIEW_THROTTLE: 'off',
    };
    // The runner runs `node <action>/action/index.mjs` in the workspace.
    const res = await run(process.execPath, [join(out, 'action/index.mjs')], { cwd: repo.dir, env });
    expect(res.stdout).not.toContain('npm ci');
    expect(res.stdout).toContain('3 commits as a series');
    expect(existsSync(join(out, 'dist/src'))).toBe(false); // nothing was compiled
    const body = gh.reviewsOf('gearco/linux#3')[0]!.body;
    expect(body.match(/^#### /gm)).toHaveLength(3);
    expect(body).toContain('kfunc-review: ');
    expect(gh.commentsOf('gearco/linux#3').length).toBeGreaterThan(0);
    expect(gh.requests.every((r) => r.status < 400)).toBe(true);
  });

  it('commits the layout as the tree of a release commit tagged vX.Y.Z and vX, leaving the work tree alone', async () => {
    const src = join(dir, 'src');
    mkdirSync(src);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=r', '-c', 'user.email=r@example.invalid', ...args], { cwd: src, encoding: 'utf8' }).trim();
    git('init', '-q');
    writeFileSync(join(src, '.gitignore'), 'node_modules/\naction-dist/\n');
    git('add', '.');
    git('commit', '-qm', 'source');
    const source = git('rev-parse', 'HEAD');
    const layout = join(src, 'action-dist');
    for (const f of ['action.yml', 'dist/action.mjs', 'action/index.mjs', 'node_modules/tree-sitter/index.js']) {
      mkdirSync(dirname(join(layout, f)), { recursive: true });
      writeFileSync(join(layout, f), `// ${f}\n`);
    }
    const script = join(ROOT, 'scripts/commit-action-release.mjs');
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'r',
      GIT_AUTHOR_EMAIL: 'r@example.invalid',
      GIT_COMMITTER_NAME: 'r',
      GIT_COMMITTER_EMAIL: 'r@example.invalid',
    };
    await run(process.execPath, [script, '--version', '1.4.0'], { cwd: src, env });
    expect(git('ls-tree', '-r', '--name-only', 'v1').split('\n').sort()).toEqual(
      ['action.yml', 'action/index.mjs', 'dist/action.mjs', 'node_modules/tree-sitter/index.js'].sort(),
    );
    expect(git('rev-parse', 'v1^')).toBe(source);
    expect(git('rev-parse', 'v1')).toBe(git('rev-parse', 'v1.4.0'));
    expect(git('status', '--porcelain')).toBe('');
    // A released version is never moved; the major tag follows the newest.
    await expect(run(process.execPath, [script, '--version', '1.4.0'], { cwd: src, env })).rejects.toThrow(/never moved/);
    await run(process.execPath, [script, '--version', '1.5.0'], { cwd: src, env });
    expect(git('rev-parse', 'v1')).toBe(git('rev-parse', 'v1.5.0'));
    expect(git('rev-parse', 'v1.4.0')).not.toBe(git('rev-parse', 'v1.5.0'));
  });
});
