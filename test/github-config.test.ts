// The config file through the GitHub front doors, end to end: real fixture patches from
// fixtures/ as pull requests on the stand-in, the real engine, and `.kfunc-review.json` read
// the way each front door reads it (the Action from the checkout, the App from the base commit
// through the contents API, or the App's own --config). A finding disposed as not-a-bug gets no
// inline comment and does not fail the check; a rule turned off is not posted; a rule set to
// info is posted as info.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandin, type StandinPull } from './support/github-standin.js';
import { filesOfPatch, pull, quietLog, HEAD, BASE } from './support/github-fixtures.js';
import { FIXTURES } from './support/fixtures.js';
import { runActionCli } from '../src/github/action.js';
import { appConfigFromEnv, serveCli, startAppServer, WEBHOOK_PATH, type AppConfig, type RunningServer } from '../src/github/app.js';
import { loadEngine } from '../src/github/engine.js';
import { readFingerprint } from '../src/github/markdown.js';
import { signPayload } from '../src/github/webhook-signature.js';
import type { Finding } from '../src/core/types.js';

const KEY = 'torvalds/linux#7';
const REPO = 'torvalds/linux';
/** One error: a kfunc that takes a mutex through a helper, registered without KF_SLEEPABLE. */
const SLEEP = readFileSync(join(FIXTURES, 'KF-SLEEP-01', 'bad-mutex-through-helper.patch'), 'utf8');
/** An unchecked index (error) and a registration note (info). */
const IDX = readFileSync(join(FIXTURES, 'KF-IDX-01', 'bad-memcg-memory-events-direct.patch'), 'utf8');

let gh: GitHubStandin;
let dir: string;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
  dir = mkdtempSync(join(tmpdir(), 'kfr-config-'));
  quietLog.lines.length = 0;
});
afterEach(async () => {
  await gh.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What the real engine finds in the pull request's diff, with no config. */
async function rawFindings(p: StandinPull): Promise<Finding[]> {
  const engine = await loadEngine();
  return (await engine.review(gh.diffText(p), KEY, {})).findings;
}

function one(findings: Finding[], rule: string): Finding {
  const f = findings.filter((x) => x.rule === rule);
  expect(f, `exactly one ${rule} finding in ${findings.map((x) => x.rule).join(', ')}`).toHaveLength(1);
  return f[0]!;
}

const commentRules = () => gh.commentsOf(KEY).map((c) => /`(KF-[A-Z]+-\d+)`/.exec(c.body)?.[1]);
const lastCheck = () => gh.checkRuns.at(-1)!;

function disposing(f: Finding, reason = 'the helper only runs in process context'): string {
  return JSON.stringify({ dispositions: [{ fingerprint: f.fingerprint, status: 'not-a-bug', reason }] });
}

describe('the Action reads .kfunc-review.json from the checkout', () => {
  function runnerEnv(extra: Record<string, string> = {}): Record<string, string> {
    const event = join(dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        action: 'synchronize',
        repository: { full_name: REPO },
        pull_request: { number: 7, head: { sha: HEAD, repo: { full_name: REPO } }, base: { sha: BASE, repo: { full_name: REPO } } },
      }),
    );
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    mkdirSync(join(dir, 'ws'), { recursive: true });
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: REPO,
      GITHUB_API_URL: gh.url,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      RUNNER_TEMP: join(dir, 'tmp'),
      INPUT_TOKEN: 'test-token',
      KFUNC_REVIEW_RETRY_BASE_MS: '1',
      KFUNC_REVIEW_THROTTLE: 'off',
      // A workspace that is not a git checkout: the diff comes from the API, the config from here.
      GITHUB_WORKSPACE: join(dir, 'ws'),
      ...extra,
    };
  }
  const writeConfig = (text: string, name = '.kfunc-review.json') => {
    mkdirSync(join(dir, 'ws'), { recursive: true });
    writeFileSync(join(dir, 'ws', name), text);
  };
  const sarifResults = () => {
    const out = readFileSync(join(dir, 'output'), 'utf8');
    const path = /^sarif-path<<(\S+)\n(.*)\n\1$/m.exec(out)![2]!;
    return (JSON.parse(readFileSync(path, 'utf8')) as { runs: { results: { ruleId: string; level: string }[] }[] }).runs[0]!.results;
  };

  it('a finding disposed as not-a-bug loses its inline comment and no longer fails the check', async () => {
    const p = gh.addPull(pull({ files: filesOfPatch(SLEEP) }));
    const sleep = one(await rawFindings(p), 'KF-SLEEP-01');
    expect(sleep.severity).toBe('error');
    const env = runnerEnv();

    // Without a config the finding is an inline comment and fails the step and the check.
    expect(await runActionCli([], env, { log: quietLog })).toBe(1);
    expect(gh.commentsOf(KEY).map((c) => readFingerprint(c.body))).toContain(sleep.fingerprint);
    expect(lastCheck().conclusion).toBe('failure');

    writeConfig(disposing(sleep));
    expect(await runActionCli([], env, { log: quietLog })).toBe(0);
    expect(gh.commentsOf(KEY).map((c) => readFingerprint(c.body))).not.toContain(sleep.fingerprint);
    expect(lastCheck().conclusion).not.toBe('failure');
    expect(lastCheck().annotations.map((a) => a.title)).not.toContain(`KF-SLEEP-01 (${sleep.kfunc})`);
    // It is still listed, marked, in the review summary.
    const summary = gh.reviewsOf(KEY).at(-1)!.body;
    expect(summary).toContain('marked not-a-bug');
    expect(summary).toContain('process context');
    expect(readFileSync(join(dir, 'output'), 'utf8')).toMatch(/^errors<<(\S+)\n0\n\1$/m);
  });

  it('a rule turned off is not posted; a rule set to info is posted as info', async () => {
    const p = gh.addPull(pull({ files: filesOfPatch(IDX) }));
    const raw = await rawFindings(p);
    expect(one(raw, 'KF-IDX-01').severity).toBe('error');
    expect(one(raw, 'KF-REG-13').severity).toBe('info');
    writeConfig(JSON.stringify({ rules: { 'KF-REG-13': 'off', 'KF-IDX-01': 'info' } }));

    // Nothing at error remains, so the default fail-level passes.
    expect(await runActionCli([], runnerEnv(), { log: quietLog })).toBe(0);
    expect(commentRules()).toEqual(['KF-IDX-01']);
    const idx = gh.commentsOf(KEY)[0]!;
    expect(idx.body).toContain('**info**');
    expect(idx.body).not.toContain('**error**');
    const annotations = lastCheck().annotations;
    expect(annotations.map((a) => [String(a.title).split(' ')[0], a.annotation_level])).toEqual([['KF-IDX-01', 'notice']]);
    expect(lastCheck().conclusion).toBe('neutral');
    expect(sarifResults().map((r) => [r.ruleId, r.level])).toEqual([['KF-IDX-01', 'note']]);
  });

  it('the `config` input names another file; a missing or invalid one stops the run, naming it', async () => {
    const p = gh.addPull(pull({ files: filesOfPatch(IDX) }));
    expect(one(await rawFindings(p), 'KF-REG-13')).toBeTruthy();
    writeConfig(JSON.stringify({ rules: { 'KF-REG-13': 'off' } }), 'review.json');
    expect(await runActionCli([], runnerEnv({ INPUT_CONFIG: 'review.json' }), { log: quietLog })).toBe(1);
    expect(commentRules()).toEqual(['KF-IDX-01']);

    const before = gh.requests.length;
    expect(await runActionCli([], runnerEnv({ INPUT_CONFIG: 'nope/missing.json' }), { log: quietLog })).toBe(2);
    expect(quietLog.lines.join('\n')).toMatch(/nope\/missing\.json: no such file/);
    writeConfig('{ "rules": { "KF-IDX-01": "loud" } }');
    expect(await runActionCli([], runnerEnv(), { log: quietLog })).toBe(2);
    expect(quietLog.lines.join('\n')).toMatch(
      /\.kfunc-review\.json: rules\.KF-IDX-01: unknown level "loud" \(off, info, warning or error\)/,
    );
    // Both stop before any API call: nothing is posted as if the config did not exist.
    expect(gh.requests.length).toBe(before);
  });
});

describe('the App reads the server config, else the repository config at the base commit', () => {
  const SECRET = 'webhook-secret-for-tests';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  let app: RunningServer | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(over: Partial<AppConfig> = {}): Promise<RunningServer> {
    gh.enableApp('4242', publicKey, 99);
    app = await startAppServer(
      {
        appId: '4242',
        privateKey,
        webhookSecret: SECRET,
        baseUrl: gh.url,
        debounceMs: 10,
        retryBaseMs: 1,
        throttle: false,
        mode: 'both',
        ...over,
      },
      { port: 0, host: '127.0.0.1' },
      { log: quietLog },
    );
    return app;
  }

  async function opened(server: RunningServer): Promise<void> {
    const body = JSON.stringify({
      action: 'opened',
      number: 7,
      installation: { id: 99 },
      repository: { name: 'linux', owner: { login: 'torvalds' }, full_name: REPO },
      pull_request: { number: 7, head: { sha: HEAD }, base: { sha: BASE } },
    });
    const res = await fetch(`${server.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signPayload(SECRET, body),
      },
      body,
    });
    expect(res.status).toBe(202);
    await server.app.idle();
  }

  const contentRequests = () => gh.requests.filter((r) => r.path === `/repos/${REPO}/contents/.kfunc-review.json`);

  it("takes the base commit's config, not the one the pull request brings", async () => {
    const p = gh.addPull(pull({ files: filesOfPatch(IDX) }));
    const raw = await rawFindings(p);
    expect(one(raw, 'KF-IDX-01').severity).toBe('error');
    expect(one(raw, 'KF-REG-13').severity).toBe('info');
    gh.putFile(REPO, BASE, '.kfunc-review.json', JSON.stringify({ rules: { 'KF-REG-13': 'off', 'KF-IDX-01': 'info' } }));
    // The PR tries to silence the index finding for itself; the App never reads the head.
    gh.putFile(REPO, HEAD, '.kfunc-review.json', JSON.stringify({ rules: { 'KF-IDX-01': 'off' } }));
    await opened(await start());

    expect(contentRequests().map((r) => r.query.get('ref'))).toEqual([BASE]);
    expect(commentRules()).toEqual(['KF-IDX-01']);
    expect(gh.commentsOf(KEY)[0]!.body).toContain('**info**');
    expect(lastCheck().conclusion).toBe('neutral');
  });

  it('a server-wide config disposes a finding: no inline comment, no failing check, no contents request', async () => {
    const p = gh.addPull(pull({ files: filesOfPatch(SLEEP) }));
    const sleep = one(await rawFindings(p), 'KF-SLEEP-01');
    const path = join(dir, 'server.json');
    writeFileSync(path, disposing(sleep));
    await opened(await start({ config: appConfigFromEnv({ APP_ID: '1', PRIVATE_KEY: 'k', WEBHOOK_SECRET: 's' }, path).config! }));

    expect(contentRequests()).toHaveLength(0);
    expect(gh.commentsOf(KEY)).toHaveLength(0);
    expect(gh.reviewsOf(KEY).at(-1)!.body).toContain('marked not-a-bug');
    expect(lastCheck().conclusion).toBe('neutral');
    expect(lastCheck().annotations).toHaveLength(0);
  });

  it('without a config file (404) reviews with every rule at its own level', async () => {
    const p = gh.addPull(pull({ files: filesOfPatch(SLEEP) }));
    const sleep = one(await rawFindings(p), 'KF-SLEEP-01');
    await opened(await start());
    expect(contentRequests().map((r) => r.status)).toEqual([404]);
    expect(gh.commentsOf(KEY).map((c) => readFingerprint(c.body))).toEqual([sleep.fingerprint]);
    expect(lastCheck().conclusion).toBe('failure');
  });

  it('an invalid config file is reported with its error, not ignored', async () => {
    gh.addPull(pull({ files: filesOfPatch(SLEEP) }));
    gh.putFile(REPO, BASE, '.kfunc-review.json', '{ "rules": { "KF-SLEEP-01": "off" }, "dispositons": [] }');
    await opened(await start());
    expect(gh.commentsOf(KEY)).toHaveLength(0);
    const summary = gh.reviewsOf(KEY).at(-1)!.body;
    expect(summary).toContain('.kfunc-review.json (base bbbbbbbbbbbb)');
    expect(summary).toContain('unknown key "dispositons"');
    expect(lastCheck().conclusion).toBe('failure');
    expect(quietLog.lines.join('\n')).toContain('unknown key "dispositons"');
  });

  it('serve refuses a --config or KFUNC_REVIEW_CONFIG file that is missing or invalid, naming it', async () => {
    const env = { APP_ID: '1', WEBHOOK_SECRET: 's', PRIVATE_KEY: privateKey };
    const log = {
      lines: [] as string[],
      info(m: string) {
        this.lines.push(m);
      },
      warn(m: string) {
        this.lines.push(m);
      },
    };
    expect(await serveCli(['--config', join(dir, 'missing.json')], env, { log })).toBe(2);
    expect(log.lines.join('\n')).toContain(`${join(dir, 'missing.json')}: no such file`);
    writeFileSync(join(dir, 'bad.json'), '[]');
    expect(await serveCli([], { ...env, KFUNC_REVIEW_CONFIG: join(dir, 'bad.json') }, { log })).toBe(2);
    expect(log.lines.join('\n')).toContain(`${join(dir, 'bad.json')}: must be a JSON object`);
  });
});
