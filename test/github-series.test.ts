// Acceptance: the Action on a pull request that mirrors a mailed series (one commit per patch).
// A real git repository (base + three commits) is the checkout; the loopback GitHub stand-in
// serves the PR. Each commit is reviewed as its own patch, with whole files read from git (never
// a "does not apply" note), findings placed on the PR's lines or, where a later commit rewrote
// them, listed under their patch; the repository's config and dispositions apply everywhere.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandin, type StandinPull } from './support/github-standin.js';
import { quietLog } from './support/github-fixtures.js';
import { GEAR_FILE, lineOf, makeGearRepo, type GearRepo } from './support/gear-repo.js';
import { runActionCli } from '../src/github/action.js';
import { loadEngine } from '../src/github/engine.js';
import { patchMail } from '../src/github/pr-commits.js';
import type { Finding } from '../src/core/types.js';

let gh: GitHubStandin;
let dir: string;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
  dir = mkdtempSync(join(tmpdir(), 'kfr-series-'));
});
afterEach(async () => {
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

const KEY = 'gearco/linux#3';

function addPull(repo: GearRepo, overrides: Partial<StandinPull> = {}): StandinPull {
  const patch = repo.git('diff', repo.base, repo.head).split('\n').slice(4).join('\n');
  return gh.addPull({
    owner: 'gearco',
    repo: 'linux',
    number: 3,
    headSha: repo.head,
    baseSha: repo.base,
    files: [{ filename: GEAR_FILE, status: 'modified', patch }],
    series: repo.commits.map((c) => ({ sha: c.sha, parent: c.parent, message: c.message, diff: c.diff })),
    ...overrides,
  });
}

function runnerEnv(repo: GearRepo, extra: Record<string, string> = {}): Record<string, string> {
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      repository: { full_name: 'gearco/linux' },
      pull_request: { number: 3, head: { sha: repo.head }, base: { sha: repo.base } },
    }),
  );
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'gearco/linux',
    GITHUB_API_URL: gh.url,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    RUNNER_TEMP: join(dir, 'tmp'),
    GITHUB_WORKSPACE: repo.dir,
    INPUT_TOKEN: 'test-token',
    KFUNC_REVIEW_RETRY_BASE_MS: '1',
    KFUNC_REVIEW_THROTTLE: 'off',
    ...extra,
  };
}

/** What the engine alone says about one commit of the series, hunks only (no images). */
async function commitFindings(repo: GearRepo, i: number): Promise<Finding[]> {
  const c = repo.commits[i]!;
  const engine = await loadEngine();
  const mail = patchMail({ sha: c.sha, parents: [c.parent], message: c.message, author: 'A <a@example.invalid>' }, i + 1, 3, c.diff);
  return (await engine.review(mail, 'x', {})).findings;
}

function sarifLines(path: string): string[] {
  const sarif = JSON.parse(readFileSync(path, 'utf8'));
  return sarif.runs[0].results.map(
    (r: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }) =>
      `${r.ruleId}:${r.locations[0]!.physicalLocation.region.startLine}`,
  );
}

describe('the Action on a three-commit series', () => {
  it('reviews each commit as its own patch, places findings on the PR diff, honours config and dispositions', async () => {
    // The fingerprint a user would copy from an earlier report into the disposition.
    const probe = makeGearRepo(join(dir, 'probe'));
    const slot = (await commitFindings(probe, 1)).find((f) => f.rule === 'KF-IDX-01' && f.kfunc === 'bpf_gear_slot');
    expect(slot).toBeDefined();
    const config = {
      rules: { 'KF-REG-13': 'off' },
      dispositions: [{ fingerprint: slot!.fingerprint, status: 'not-a-bug', reason: 'the caller bounds slot' }],
    };
    const repo = makeGearRepo(join(dir, 'ws'), config);
    addPull(repo);
    const env = runnerEnv(repo, { 'INPUT_FAIL-LEVEL': 'warning' });
    expect(await runActionCli([], env, { log: quietLog })).toBe(1);

    const [c1, , c3] = repo.commits;
    const head = c3!.text;
    const spinDecl = lineOf(head, '__bpf_kfunc unsigned long bpf_gear_spin(int idx)');
    const peekDecl = lineOf(head, '__bpf_kfunc unsigned long bpf_gear_peek(int idx)');

    // Inline comments: on the PR head's lines, one per finding still there.
    const comments = gh.commentsOf(KEY).map((c) => `${c.path}:${c.line}:${c.side}:${/`(KF-[A-Z]+-\d+)`/.exec(c.body)?.[1]}`);
    expect(comments.sort()).toEqual(
      [
        `${GEAR_FILE}:${lineOf(head, '\treturn gear_teeth[idx];', peekDecl)}:RIGHT:KF-IDX-01`,
        `${GEAR_FILE}:${lineOf(head, '\t\treturn 0;', spinDecl)}:RIGHT:KF-RET-01`,
      ].sort(),
    );
    expect(gh.commentsOf(KEY).every((c) => c.commit_id === repo.head)).toBe(true);

    // The summary: one section per patch, under its subject, in order, with its commit.
    const reviews = gh.reviewsOf(KEY);
    expect(reviews).toHaveLength(1);
    const body = reviews[0]!.body;
    const heads = [...body.matchAll(/^#### (.*)$/gm)].map((m) => m[1]);
    expect(heads).toEqual([
      '\\[1/3\\] bpf: gear: add bpf\\_gear\\_spin',
      '\\[2/3\\] bpf: gear: add bpf\\_gear\\_slot',
      '\\[3/3\\] bpf: gear: bound bpf\\_gear\\_spin, add bpf\\_gear\\_peek',
    ]);
    const section = (i: number) => body.split(/^#### /m)[i + 1]!;
    for (const [i, c] of repo.commits.entries()) expect(section(i)).toContain(`Commit \`${c.sha.slice(0, 12)}\``);
    // Patch 1's unchecked index was rewritten by patch 3: listed under patch 1 at its own line, not inline.
    const spinAccess = lineOf(c1!.text, '\treturn gear_teeth[idx];', lineOf(c1!.text, '__bpf_kfunc unsigned long bpf_gear_spin(int idx)'));
    expect(section(0)).toMatch(new RegExp(`KF-IDX-01\` \\| \`${GEAR_FILE}:${spinAccess}\` \\| bpf\\\\_gear\\\\_spin\\(\\) indexes`));
    // Patch 2's finding is disposed: listed as not-a-bug, never inline, not failing.
    expect(section(1)).toContain('**marked not-a-bug**: the caller bounds slot');
    expect(section(2)).toContain('bpf\\_gear\\_peek() indexes gear\\_teeth');
    expect(section(2)).toContain('<br>inline comment');
    // The rule the config turns off is nowhere.
    expect(body).not.toContain('KF-REG-13');
    expect(gh.commentsOf(KEY).some((c) => c.body.includes('KF-REG-13'))).toBe(false);

    // Whole files from git, nothing applied: no "does not apply", no "hunks only" anywhere.
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    const check = gh.checkRuns[0]!;
    for (const text of [body, summary, check.output.summary ?? '']) {
      expect(text).not.toMatch(/does not apply|hunks only/);
    }
    // ... and whole-file context: the bounded sibling above patch 3's hunk is seen. From the
    // hunks alone it is not.
    const teethBound = lineOf(head, '\tif (idx < 0 || idx >= 16)');
    const peekComment = gh.commentsOf(KEY).find((c) => c.body.includes('bpf_gear_peek'))!;
    expect(peekComment.body).toContain(
      `sibling bpf\\_gear\\_teeth() validates idx with \`idx < 0 || idx >= 16\` (kernel/bpf/gear.c:${teethBound})`,
    );
    const hunksOnly = (await commitFindings(repo, 2)).find((f) => f.kfunc === 'bpf_gear_peek' && f.rule === 'KF-IDX-01')!;
    expect(hunksOnly.evidence.join('\n')).not.toContain(`gear.c:${teethBound})`);

    // The check run annotates head lines; SARIF carries head lines; patch 1's rewritten line is in neither.
    expect(check.conclusion).toBe('failure');
    expect(check.annotations.map((a) => `${a.title}:${a.start_line}`).sort()).toEqual(
      [
        `KF-IDX-01 (bpf_gear_peek):${lineOf(head, '\treturn gear_teeth[idx];', peekDecl)}`,
        `KF-RET-01 (bpf_gear_spin):${lineOf(head, '\t\treturn 0;', spinDecl)}`,
      ].sort(),
    );
    const outputs = readFileSync(join(dir, 'output'), 'utf8');
    const sarifPath = /sarif-path<<(\S+)\n(.*)\n/.exec(outputs)![2]!;
    expect(sarifLines(sarifPath)).not.toContain(`KF-IDX-01:${spinAccess}`);
    expect(sarifLines(sarifPath)).toContain(`KF-IDX-01:${lineOf(head, '\treturn gear_teeth[idx];', peekDecl)}`);

    // The job summary lists the same patches.
    expect([...summary.matchAll(/^#### (.*)$/gm)].map((m) => m[1])).toEqual(heads);

    // Run again on the same head: nothing new.
    expect(await runActionCli([], env, { log: quietLog })).toBe(1);
    expect(gh.commentsOf(KEY)).toHaveLength(2);
    expect(gh.reviewsOf(KEY)).toHaveLength(1);
  });

  it('reviews a one-commit pull request as one diff, as before, with whole files and no "does not apply"', async () => {
    const repo = makeGearRepo(join(dir, 'ws'));
    const [c1] = repo.commits;
    // The PR is the first commit alone.
    repo.git('checkout', '-q', c1!.sha);
    addPull({ ...repo, head: c1!.sha } as GearRepo, {
      headSha: c1!.sha,
      files: [{ filename: GEAR_FILE, status: 'modified', patch: c1!.diff.split('\n').slice(4).join('\n') }],
      series: [{ sha: c1!.sha, parent: c1!.parent, message: c1!.message, diff: c1!.diff }],
    });
    const env = runnerEnv({ ...repo, head: c1!.sha } as GearRepo, { 'INPUT_FAIL-LEVEL': 'none' });
    expect(await runActionCli([], env, { log: quietLog })).toBe(0);
    const body = gh.reviewsOf(KEY)[0]!.body;
    expect(body).not.toContain('####');
    expect(body).not.toMatch(/does not apply|hunks only/);
    const spin = lineOf(c1!.text, '\treturn gear_teeth[idx];', lineOf(c1!.text, '__bpf_kfunc unsigned long bpf_gear_spin(int idx)'));
    const comment = gh.commentsOf(KEY).find((c) => c.line === spin)!;
    expect(comment.body).toContain('KF-IDX-01');
    // The bounded sibling lies outside the commit's hunk: seen because the whole file was read.
    expect(comment.body).toContain(`(kernel/bpf/gear.c:${lineOf(c1!.text, '\tif (idx < 0 || idx >= 16)')})`);
  });
});
