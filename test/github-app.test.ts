// The GitHub App against the stand-in: signature checks before any work, 202 and background
// review as the installation (real JWT → installation token exchange), redelivery and burst
// coalescing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { GitHubStandin } from './support/github-standin.js';
import { fakeEngine, finding, pull, quietLog, HEAD, BASE, KFUNC_FILE } from './support/github-fixtures.js';
import { serveCli, startAppServer, WEBHOOK_PATH, type RunningServer } from '../src/github/app.js';
import { signPayload } from '../src/github/webhook-signature.js';

const SECRET = 'webhook-secret-for-tests';
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  // GitHub issues PKCS#1 keys; the App must accept them as downloaded.
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

let gh: GitHubStandin;
let app: RunningServer;
let engine: ReturnType<typeof fakeEngine>;

beforeEach(async () => {
  gh = await new GitHubStandin().start();
  gh.enableApp('4242', publicKey, 99);
  engine = fakeEngine(() => [finding()]);
  app = await startAppServer(
    { appId: '4242', privateKey, webhookSecret: SECRET, baseUrl: gh.url, debounceMs: 30, retryBaseMs: 1, throttle: false, mode: 'both' },
    { port: 0, host: '127.0.0.1' },
    { engine, log: quietLog },
  );
});
afterEach(async () => {
  await app.close();
  await gh.stop();
});

function event(headSha = HEAD, action = 'opened') {
  return {
    action,
    number: 7,
    installation: { id: 99 },
    repository: { name: 'linux', owner: { login: 'torvalds' }, full_name: 'torvalds/linux' },
    pull_request: { number: 7, head: { sha: headSha }, base: { sha: BASE } },
  };
}

async function send(payload: unknown, opts: { signature?: string | null; delivery?: string; event?: string } = {}) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': opts.event ?? 'pull_request',
    'x-github-delivery': opts.delivery ?? randomUUID(),
  };
  const sig = opts.signature === undefined ? signPayload(SECRET, body) : opts.signature;
  if (sig !== null) headers['x-hub-signature-256'] = sig;
  return fetch(`${app.url}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
}

describe('GitHub App webhooks', () => {
  it('rejects a missing or wrong signature before doing any work', async () => {
    gh.addPull(pull());
    expect((await send(event(), { signature: null })).status).toBe(400);
    expect((await send(event(), { signature: signPayload('not-the-secret', JSON.stringify(event())) })).status).toBe(401);
    expect((await send(event(), { signature: 'sha256=zz' })).status).toBe(401);
    await app.app.idle();
    expect(gh.requests).toHaveLength(0);
    expect(engine.calls).toHaveLength(0);
  });

  it('answers 202 at once and reviews as the installation', async () => {
    gh.addPull(pull());
    const res = await send(event());
    expect(res.status).toBe(202);
    await app.app.idle();
    expect(gh.issuedTokens).toHaveLength(1);
    const exchange = gh.requests.find((r) => r.path === '/app/installations/99/access_tokens')!;
    expect(exchange).toMatchObject({ method: 'POST', authScheme: 'bearer', status: 201 });
    const review = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/reviews'))!;
    expect(review.authScheme).toBe('token');
    const comments = gh.commentsOf('torvalds/linux#7');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user.login).toBe('kfunc-review[bot]');
    expect(gh.checkRuns).toHaveLength(1);
    // Neither the key nor the installation token may reach the log.
    const logged = quietLog.lines.join('\n');
    expect(logged).not.toContain('ghs_standin');
    expect(logged).not.toContain('PRIVATE KEY');
  });

  it('does no work twice for a redelivered event', async () => {
    gh.addPull(pull());
    const delivery = randomUUID();
    expect((await send(event(), { delivery })).status).toBe(202);
    await app.app.idle();
    const again = await send(event(), { delivery });
    expect(again.status).toBe(200);
    await app.app.idle();
    expect(engine.calls).toHaveLength(1);
    expect(gh.reviewsOf('torvalds/linux#7')).toHaveLength(1);
  });

  it('reviews only the newest head of a push burst', async () => {
    const heads = ['1', '2', '3'].map((c) => c.repeat(40));
    gh.addPull(pull({ headSha: heads[2]!, commits: heads.slice(0, 2), files: [KFUNC_FILE] }));
    for (const h of heads) expect((await send(event(h, 'synchronize'))).status).toBe(202);
    await app.app.idle();
    expect(engine.calls).toHaveLength(1);
    const reviews = gh.reviewsOf('torvalds/linux#7');
    expect(reviews.map((r) => r.commit_id)).toEqual([heads[2]]);
  });

  it('skips a head that is no longer the PR head', async () => {
    gh.addPull(pull({ headSha: 'c'.repeat(40) }));
    expect((await send(event(HEAD, 'synchronize'))).status).toBe(202);
    await app.app.idle();
    expect(engine.calls).toHaveLength(0);
    expect(gh.reviewsOf('torvalds/linux#7')).toHaveLength(0);
  });

  it('ignores other events and actions', async () => {
    expect((await send({ zen: 'hi' }, { event: 'ping' })).status).toBe(200);
    expect((await send(event(HEAD, 'closed'))).status).toBe(200);
    expect((await send({}, { event: 'issues' })).status).toBe(200);
    await app.app.idle();
    expect(gh.requests).toHaveLength(0);
  });
});

describe('serveCli', () => {
  it('refuses to start without configuration or with an unreadable key, naming only what is missing', async () => {
    const log = {
      lines: [] as string[],
      info(m: string) {
        this.lines.push(m);
      },
      warn(m: string) {
        this.lines.push(m);
      },
    };
    expect(await serveCli([], {}, { log })).toBe(2);
    expect(log.lines.join('\n')).toContain('APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET');
    expect(await serveCli([], { APP_ID: '1', WEBHOOK_SECRET: 's', PRIVATE_KEY: 'not a key' }, { log })).toBe(2);
    expect(log.lines.join('\n')).not.toContain('not a key');
  });
});
