// `runActionCli` end to end: a runner-like environment (event file, GITHUB_OUTPUT, job summary,
// RUNNER_TEMP) against the stand-in, once with the real engine over the API diff and once with
// a real git checkout at the PR head (the workspace becomes the engine's tree).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandin } from './support/github-standin.js';
import { fakeEngine, finding, pull, quietLog, HEAD, BASE, KFUNC_FILE, KFUNC_PATCH } from './support/github-fixtures.js';
import { runActionCli } from '../src/github/action.js';
import { loadEngine } from '../src/github/engine.js';

let gh: GitHubStandin;
let dir: string;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
  dir = mkdtempSync(join(tmpdir(), 'kfr-action-'));
});
afterEach(async () => {
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = 'torvalds/linux#7';

function runnerEnv(head: string, base: string, extra: Record<string, string> = {}): Record<string, string> {
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      repository: { full_name: 'torvalds/linux' },
      pull_request: {
        number: 7,
        head: { sha: head, repo: { full_name: 'torvalds/linux' } },
        base: { sha: base, repo: { full_name: 'torvalds/linux' } },
      },
    }),
  );
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'torvalds/linux',
    // GITHUB_SHA is the merge commit on pull_request events; the action must not use it.
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_API_URL: gh.url,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    RUNNER_TEMP: join(dir, 'tmp'),
    INPUT_TOKEN: 'test-token',
    KFUNC_REVIEW_RETRY_BASE_MS: '1',
    KFUNC_REVIEW_THROTTLE: 'off',
    ...extra,
  };
}

function outputs(): Record<string, string> {
  const text = readFileSync(join(dir, 'output'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

describe('runActionCli', () => {
  it('reviews with the real engine: one comment per in-diff finding, none added on the second run', async () => {
    gh.addPull(pull());
    const env = runnerEnv(HEAD, BASE, { 'INPUT_FAIL-LEVEL': 'none' });
    expect(await runActionCli([], env, { log: quietLog })).toBe(0);

    const engine = await loadEngine();
    const expected = (await engine.review(gh.diffText(gh.pulls.get(KEY)!), 'x', {})).findings;
    expect(expected.length).toBeGreaterThan(0);
    const comments = gh.commentsOf(KEY);
    expect(comments.map((c) => `${c.path}:${c.line}`).sort()).toEqual(expected.map((f) => `${f.file}:${f.line}`).sort());
    // The kfunc's unchecked `demo_counters[idx]` is line 12: the index finding lands there.
    expect(comments.filter((c) => c.path === 'kernel/bpf/demo.c' && c.line === 12 && /KF-IDX-01/.test(c.body))).toHaveLength(1);
    expect(gh.reviewsOf(KEY)).toHaveLength(1);
    expect(gh.reviewsOf(KEY)[0]!.commit_id).toBe(HEAD);
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]!.head_sha).toBe(HEAD);

    const out = outputs();
    expect(Number(out.findings)).toBe(expected.length);
    const sarif = JSON.parse(readFileSync(out['sarif-path']!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(expected.length);

    expect(await runActionCli([], env, { log: quietLog })).toBe(0);
    expect(gh.commentsOf(KEY)).toHaveLength(comments.length);
    expect(gh.reviewsOf(KEY)).toHaveLength(1);
  });

  it('uses a checkout at the PR head as diff source and tree; exits 1 at the fail level', async () => {
    const repo = join(dir, 'ws');
    mkdirSync(join(repo, 'kernel/bpf'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
        cwd: repo,
        encoding: 'utf8',
      }).trim();
    git('init', '-q');
    const old = [
      '// SPDX-License-Identifier: GPL-2.0',
      '#include <linux/bpf.h>',
      '#include <linux/btf_ids.h>',
      '',
      'static int __init demo_init(void)',
      '{',
      '\treturn 0;',
      '}',
      '',
    ];
    writeFileSync(join(repo, 'kernel/bpf/demo.c'), old.join('\n'));
    git('add', '.');
    git('commit', '-qm', 'base');
    const base = git('rev-parse', 'HEAD');
    const added = KFUNC_PATCH.split('\n')
      .filter((l) => l.startsWith('+'))
      .map((l) => l.slice(1));
    writeFileSync(join(repo, 'kernel/bpf/demo.c'), [...old.slice(0, 3), ...added, ...old.slice(3)].join('\n'));
    git('commit', '-qam', 'add bpf_demo_counter');
    const head = git('rev-parse', 'HEAD');
    const patch = git('diff', `${base}...${head}`).split('\n').slice(4).join('\n');
    gh.addPull(pull({ headSha: head, baseSha: base, files: [{ ...KFUNC_FILE, patch }] }));

    const engine = fakeEngine(() => [finding()]);
    const env = runnerEnv(head, base, { GITHUB_WORKSPACE: repo });
    expect(await runActionCli([], env, { engine, log: quietLog })).toBe(1);
    expect(engine.calls[0]!.tree).toBe(repo);
    expect(engine.calls[0]!.text).toContain('+	return demo_counters[idx];');
    expect(gh.requests.some((r) => r.path === '/repos/torvalds/linux/pulls/7' && r.accept.includes('diff'))).toBe(false);

    const comments = gh.commentsOf(KEY);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ path: 'kernel/bpf/demo.c', line: 12, side: 'RIGHT', commit_id: head });
    expect(outputs()).toMatchObject({ findings: '1', errors: '1', warnings: '0', infos: '0' });
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('KF-IDX-01');
    expect(existsSync(outputs()['sarif-path']!)).toBe(true);

    expect(await runActionCli([], env, { engine, log: quietLog })).toBe(1);
    expect(gh.commentsOf(KEY)).toHaveLength(1);
    expect(gh.reviewsOf(KEY)).toHaveLength(1);
  });

  it('falls back to the job summary when neither reviews nor checks may be written', async () => {
    gh.addPull(pull());
    gh.forbid.add('reviews');
    gh.forbid.add('comments');
    gh.forbid.add('checks');
    const env = runnerEnv(HEAD, BASE);
    expect(await runActionCli([], env, { engine: fakeEngine(() => [finding()]), log: quietLog })).toBe(1);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('could not post a pull request review');
    expect(summary).toContain('could not create a check run');
    expect(summary).toContain('kernel/bpf/demo.c:12');
  });

  it('does nothing outside pull request events and fails clearly without a token', async () => {
    const env = runnerEnv(HEAD, BASE);
    const push = join(dir, 'push.json');
    writeFileSync(push, JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'torvalds/linux' } }));
    expect(await runActionCli([], { ...env, GITHUB_EVENT_PATH: push, GITHUB_EVENT_NAME: 'push' }, { log: quietLog })).toBe(0);
    const { INPUT_TOKEN: _t, ...noToken } = env;
    expect(await runActionCli([], noToken, { engine: fakeEngine(() => []), log: quietLog })).toBe(2);
    expect(await runActionCli(['--mode', 'bogus'], env, { log: quietLog })).toBe(2);
    expect(gh.requests).toHaveLength(0);
  });
});
