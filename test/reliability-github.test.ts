// Issue 13 on GitHub: the review bypass (a file without a trailing newline made the whole PR an
// input error and the check passed), the check failing closed, the App staying up under
// malformed payloads, CPU-heavy reviews and a thousand idle connections, a review that keeps
// failing shown on the PR, and the Action's edges (event file, RUNNER_TEMP).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitHubStandin, type StandinFile } from './support/github-standin.js';
import { fakeEngine, finding, pull, quietLog, HEAD, BASE, KFUNC_PATCH } from './support/github-fixtures.js';
import { startAppServer, WEBHOOK_PATH, MAX_OPEN_CONNECTIONS, type AppConfig, type RunningServer } from '../src/github/app.js';
import { signPayload } from '../src/github/webhook-signature.js';
import { loadEngine, type Engine } from '../src/github/engine.js';
import { reviewWorkerScript, workerEngine, type WorkerEngine } from '../src/github/worker-engine.js';
import { runActionCli } from '../src/github/action.js';

const SECRET = 'webhook-secret-for-tests';
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const KEY = 'torvalds/linux#7';

/** The kfunc file of the fixtures, ending without a newline (git's marker after its last line). */
const NO_NEWLINE: StandinFile = {
  filename: 'kernel/bpf/demo.c',
  status: 'modified',
  patch: `${KFUNC_PATCH}\n\\ No newline at end of file`,
};

let gh: GitHubStandin;
let app: RunningServer | null;
let work: string;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
  gh.enableApp('4242', publicKey, 99);
  app = null;
  work = mkdtempSync(join(tmpdir(), 'kfr-gh-'));
});
afterEach(async () => {
  await app?.close();
  await gh.stop();
  rmSync(work, { recursive: true, force: true });
});

async function startApp(engine: Engine, extra: Partial<AppConfig> = {}) {
  app = await startAppServer(
    { appId: '4242', privateKey, webhookSecret: SECRET, baseUrl: gh.url, debounceMs: 10, retryBaseMs: 1, throttle: false, ...extra },
    { port: 0, host: '127.0.0.1' },
    { engine, log: quietLog },
  );
  return app;
}

function event(headSha = HEAD) {
  return {
    action: 'opened',
    installation: { id: 99 },
    repository: { name: 'linux', owner: { login: 'torvalds' } },
    pull_request: { number: 7, head: { sha: headSha }, base: { sha: BASE } },
  };
}

async function send(body: string, eventName = 'pull_request') {
  return fetch(`${app!.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': eventName,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signPayload(SECRET, body),
    },
    body,
  });
}

describe('1. no review bypass, and the check fails closed', () => {
  it('reviews a pull request whose file ends without a newline (the check used to pass unreviewed)', async () => {
    gh.addPull(pull({ files: [NO_NEWLINE] }));
    await startApp(await loadEngine());
    expect((await send(JSON.stringify(event()))).status).toBe(202);
    await app!.app.idle();
    // Reviewed: its finding is on the line, and nothing is listed as not reviewed.
    expect(gh.checkRuns.at(-1)!.conclusion).not.toBe('success');
    expect(gh.checkRuns.at(-1)!.output.summary).not.toContain('Not reviewed in full');
    expect(gh.commentsOf(KEY).some((c) => c.line === 12 && /KF-IDX-01/.test(c.body))).toBe(true);
  });

  it('a pull request that cannot be reviewed in full never gets a successful check; the summary says why', async () => {
    const lying = { ...NO_NEWLINE, patch: KFUNC_PATCH.replace('@@ -1,6 +1,18 @@', '@@ -1,6 +100000000,18 @@') };
    gh.addPull(pull({ files: [lying] }));
    await startApp(await loadEngine());
    await send(JSON.stringify(event()));
    await app!.app.idle();
    const check = gh.checkRuns.at(-1)!;
    expect(check.conclusion).toBe('failure');
    expect(check.output.title).toBe('0 error(s), 0 warning(s), 0 note(s); not reviewed in full');
    expect(check.output.summary).toContain('**Not reviewed in full:**');
    expect(check.output.summary).toContain('line numbers over the limit of 1,000,000');
  });
});

describe('4. the App stays up and loses nothing', () => {
  it('answers payloads of an unexpected shape with 400 and keeps serving', async () => {
    gh.addPull(pull());
    const engine = fakeEngine(() => [finding()]);
    await startApp(engine);
    const shapes = [
      'null',
      '[]',
      '"text"',
      JSON.stringify({ ...event(), pull_request: { number: 7, base: { sha: BASE } } }),
      JSON.stringify({ ...event(), pull_request: { number: 7, head: { sha: 42 }, base: { sha: BASE } } }),
      JSON.stringify({ ...event(), pull_request: { number: 'seven', head: { sha: HEAD }, base: { sha: BASE } } }),
      JSON.stringify({ ...event(), installation: null }),
      JSON.stringify({ ...event(), repository: { name: '../x', owner: { login: 'torvalds' } } }),
    ];
    for (const body of shapes) expect([200, 400]).toContain((await send(body)).status);
    expect((await send(JSON.stringify({ ...event(), pull_request: null }))).status).toBe(400);
    expect((await send('{"zen":"hi"}', 'ping')).status).toBe(200);
    expect((await send(JSON.stringify(event()))).status).toBe(202);
    await app!.app.idle();
    expect(engine.calls).toHaveLength(1);
  });

  it.skipIf(!reviewWorkerScript())('reviews in a worker with the same result as in this thread', async () => {
    const inThread = await loadEngine();
    const worker = await workerEngine();
    try {
      const text = gh.diffText(pull());
      const a = await inThread.review(text, 'x', {});
      const b = await worker.review(text, 'x', {});
      expect(b.findings).toEqual(a.findings);
      expect(b.errors).toEqual(a.errors);
      expect(worker.rules).toEqual(inThread.rules);
    } finally {
      await worker.close();
    }
  });

  it('answers a ping in under a second while a CPU-heavy review runs', async () => {
    gh.addPull(pull());
    const engine: WorkerEngine = await workerEngine({ script: join(import.meta.dirname, 'support', 'busy-review-worker.mjs') });
    await startApp(engine);
    try {
      expect((await send(JSON.stringify(event()))).status).toBe(202);
      // The review has started once the diff was fetched.
      for (let i = 0; i < 200 && !gh.requests.some((r) => r.accept.includes('diff')); i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      const ping = await send('{"zen":"hi"}', 'ping');
      const ms = performance.now() - t0;
      expect(ping.status).toBe(200);
      expect(ms).toBeLessThan(1000);
      await app!.app.idle();
    } finally {
      await engine.close();
    }
  });

  it('keeps accepting deliveries with a thousand idle connections open', async () => {
    gh.addPull(pull());
    await startApp(fakeEngine(() => []));
    const { port } = new URL(app!.url);
    const sockets: Socket[] = [];
    let closedByServer = 0;
    await Promise.all(
      Array.from(
        { length: 1000 },
        () =>
          new Promise<void>((resolve) => {
            const s = connect(Number(port), '127.0.0.1', () => resolve());
            s.on('error', () => resolve());
            s.on('close', () => closedByServer++);
            sockets.push(s);
          }),
      ),
    );
    try {
      const t0 = performance.now();
      const res = await send(JSON.stringify(event()));
      expect(res.status).toBe(202);
      expect(performance.now() - t0).toBeLessThan(5000);
      await app!.app.idle();
      // The oldest idle ones were closed to stay under the cap.
      expect(closedByServer).toBeGreaterThanOrEqual(1000 - MAX_OPEN_CONNECTIONS);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('retries a failing review later, then shows the failure on the pull request as a neutral check, logged with the PR', async () => {
    gh.addPull(pull());
    quietLog.lines.length = 0;
    // The diff cannot be fetched: every attempt fails after the client's own retries.
    gh.fail('GET', /\/pulls\/7$/, 500, { times: 1000 });
    const engine = fakeEngine(() => []);
    await startApp(engine, { retriesLater: 2, retryLaterMs: 20 });
    await send(JSON.stringify(event()));
    await app!.app.idle();
    const gets = gh.requests.filter((r) => r.method === 'GET' && /\/pulls\/7$/.test(r.path));
    expect(gets.length).toBeGreaterThanOrEqual(3 * 4); // three runs, each with the client's retries
    const check = gh.checkRuns.at(-1)!;
    expect(check).toMatchObject({ head_sha: HEAD, conclusion: 'neutral' });
    expect(check.output.title).toBe('kfunc-review could not review this pull request');
    expect(check.output.summary).toContain('HTTP 500');
    expect(check.output.summary).toContain('torvalds/linux#7');
    expect(quietLog.lines.some((l) => l.startsWith('warn: torvalds/linux#7: review failed:') && l.includes('500'))).toBe(true);
  });
});

describe('7. Action edges', () => {
  const env = (extra: Record<string, string>) => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'torvalds/linux',
    GITHUB_API_URL: gh.url,
    INPUT_TOKEN: 'test-token',
    KFUNC_REVIEW_RETRY_BASE_MS: '1',
    KFUNC_REVIEW_THROTTLE: 'off',
    ...extra,
  });
  const log = () => ({
    lines: [] as string[],
    info(m: string) {
      this.lines.push(m);
    },
    warn(m: string) {
      this.lines.push(m);
    },
  });

  it('a missing, unreadable or malformed event file is an error naming it, not "nothing to do"', async () => {
    const l = log();
    const missing = join(work, 'missing.json');
    expect(await runActionCli([], env({ GITHUB_EVENT_PATH: missing }), { log: l })).toBe(2);
    expect(l.lines.at(-1)).toBe(`kfunc-review action failed: GITHUB_EVENT_PATH ${missing}: cannot be read (ENOENT)`);
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{"pull_request": ');
    expect(await runActionCli([], env({ GITHUB_EVENT_PATH: bad }), { log: l })).toBe(2);
    expect(l.lines.at(-1)).toMatch(new RegExp(`^kfunc-review action failed: GITHUB_EVENT_PATH ${bad}: not valid JSON`));
    expect(await runActionCli([], env({}), { log: l })).toBe(2);
    expect(l.lines.at(-1)).toContain('GITHUB_EVENT_PATH is not set');
    expect(gh.requests).toHaveLength(0);
  });

  it('an unwritable RUNNER_TEMP does not stop the review from being posted', async () => {
    gh.addPull(pull());
    const eventFile = join(work, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ repository: { full_name: 'torvalds/linux' }, ...event() }));
    const notADir = join(work, 'temp-is-a-file');
    writeFileSync(notADir, '');
    mkdirSync(join(work, 'out'));
    const l = log();
    const code = await runActionCli(
      [],
      env({ GITHUB_EVENT_PATH: eventFile, RUNNER_TEMP: join(notADir, 'sub'), GITHUB_OUTPUT: join(work, 'out', 'output') }),
      { engine: fakeEngine(() => [finding()]), log: l },
    );
    expect(code).toBe(1);
    expect(gh.reviewsOf(KEY)).toHaveLength(1);
    expect(l.lines.join('\n')).toContain('Could not write the SARIF file');
    expect(readFileSync(join(work, 'out', 'output'), 'utf8')).toMatch(/sarif-path<<(\S+)\n\n\1/);
  });
});
