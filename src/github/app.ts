// `kfunc-review serve`: the GitHub App. A plain node:http server receives webhooks at
// /api/github/webhooks, rejects anything not signed with the webhook secret before doing any
// work, answers pull_request events with 202 at once and reviews in the background as the
// installation (app JWT → installation token, via @octokit/auth-app). The review config is the
// server's (--config / KFUNC_REVIEW_CONFIG), else the repository's at the PR's base commit.
//
// It stays up and loses nothing: every field read from a payload is checked (a signed payload
// of an unexpected shape gets a 400, never a crash); reviews run in a worker thread
// (./worker-engine.ts), so the webhook thread always answers at once; idle and half-open
// connections are closed by timeouts, and past a cap the oldest idle ones are dropped, so
// silent sockets cannot use up descriptors; a review that keeps failing is retried later and
// then shown on the pull request as a failing check with the reason.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../core/config.js';
import { FAIL_LEVELS, type FailLevel } from '../core/policy.js';
import { TOOL } from '../core/version.js';
import type { ReviewOptions } from '../pipeline/review.js';
import type { Engine } from './engine.js';
import { workerEngine, type WorkerEngine } from './worker-engine.js';
import { publishCheckRun } from './check-run.js';
import type { Socket } from 'node:net';
import { createClient, consoleLogger, errorText, type GitHubClient, type Logger } from './octokit.js';
import { reviewPullRequest, type Mode } from './pipeline.js';
import { readRepoConfig } from './repo-config.js';
import { verifySignature } from './webhook-signature.js';
import { RecentIds, ReviewQueue } from './review-queue.js';
import type { Env } from './action-env.js';

export const WEBHOOK_PATH = '/api/github/webhooks';
/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY = 25 * 1024 * 1024;
const REVIEW_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

export interface AppConfig {
  appId: string;
  /** PEM; PKCS#1 (as GitHub issues it) or PKCS#8. */
  privateKey: string;
  webhookSecret: string;
  baseUrl?: string;
  mode?: Mode;
  maxInline?: number;
  failLevel?: FailLevel;
  kernel?: string;
  /**
   * One config for every repository (--config / KFUNC_REVIEW_CONFIG). Without it each review
   * reads the repository's .kfunc-review.json at the PR's base commit.
   */
  config?: Config;
  /** Quiet period per PR before a review starts, so a push burst is reviewed once. */
  debounceMs?: number;
  retryBaseMs?: number;
  throttle?: boolean;
  /** A failed review is tried again this many times, after retryLaterMs (doubling), before it is shown as failed. */
  retriesLater?: number;
  retryLaterMs?: number;
}

export interface AppDeps {
  /** Default: the worker-thread engine (./worker-engine.ts). */
  engine?: Engine;
  log?: Logger;
}

/** Connections kept open at most; past it the oldest idle ones are closed (a delivery always gets through). */
export const MAX_OPEN_CONNECTIONS = 256;
/** Time for a client to send its request headers, and its whole request. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** A connection with no request in flight is closed after this. */
export const IDLE_TIMEOUT_MS = 15_000;

interface Job {
  key: string;
  delivery: string;
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Reads a field path of an unknown value, or undefined (a payload is checked, never trusted). */
function at(v: unknown, ...path: string[]): unknown {
  let x = v;
  for (const k of path) {
    if (x === null || typeof x !== 'object') return undefined;
    x = (x as Record<string, unknown>)[k];
  }
  return x;
}

/** The review job of a pull_request payload, or why it cannot be one. */
export function jobOf(payload: unknown, delivery: string): Job | string {
  const number = at(payload, 'pull_request', 'number');
  const headSha = at(payload, 'pull_request', 'head', 'sha');
  const baseSha = at(payload, 'pull_request', 'base', 'sha');
  const owner = at(payload, 'repository', 'owner', 'login');
  const repo = at(payload, 'repository', 'name');
  const installationId = at(payload, 'installation', 'id');
  if (typeof owner !== 'string' || !NAME.test(owner) || typeof repo !== 'string' || !NAME.test(repo))
    return 'pull_request event without a valid repository';
  if (typeof installationId !== 'number' || !Number.isSafeInteger(installationId) || installationId <= 0)
    return 'pull_request event without an installation';
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) return 'pull_request event without a pull request number';
  if (typeof headSha !== 'string' || !SHA.test(headSha) || typeof baseSha !== 'string' || !SHA.test(baseSha))
    return 'pull_request event without head and base commits';
  return { key: `${owner}/${repo}#${number}`, delivery, installationId, owner, repo, number, headSha, baseSha };
}

/** auth-app signs with WebCrypto, which takes PKCS#8 only; GitHub hands out PKCS#1. */
export function normalizePrivateKey(pem: string): string {
  const text = pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem;
  return createPrivateKey(text).export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface WebhookApp {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves when all queued reviews are done. */
  idle: () => Promise<void>;
  /** Waits for the queued reviews, then stops the review worker. */
  close: () => Promise<void>;
}

export function createWebhookApp(config: AppConfig, deps: AppDeps = {}): WebhookApp {
  const log = deps.log ?? consoleLogger;
  const privateKey = normalizePrivateKey(config.privateKey);
  const deliveries = new RecentIds();
  let engine: Promise<Engine> | undefined = deps.engine ? Promise.resolve(deps.engine) : undefined;
  let owned: Promise<WorkerEngine> | undefined;
  // One client per installation: auth-app caches the installation token until it expires.
  const clients = new Map<number, GitHubClient>();
  const clientFor = (installationId: number): GitHubClient => {
    let gh = clients.get(installationId);
    if (!gh) {
      gh = createClient({
        app: { appId: config.appId, privateKey, installationId },
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.retryBaseMs !== undefined ? { retryBaseMs: config.retryBaseMs } : {}),
        ...(config.throttle !== undefined ? { throttle: config.throttle } : {}),
        log,
        userAgent: `kfunc-review/${TOOL.version} (app)`,
      });
      clients.set(installationId, gh);
    }
    return gh;
  };

  const queue = new ReviewQueue<Job>(
    async (job) => {
      if (!engine) {
        owned = workerEngine();
        engine = owned;
        // A worker that cannot start is retried with the next review.
        owned.catch(() => {
          engine = undefined;
          owned = undefined;
        });
      }
      const gh = clientFor(job.installationId);
      const repo = config.config ? { config: config.config } : await readRepoConfig(gh, job);
      if (repo.error) log.warn(`${job.key}: ${repo.error.message}`);
      const review: ReviewOptions = {
        ...(config.kernel ? { kernel: config.kernel } : {}),
        ...(repo.config ? { config: repo.config } : {}),
      };
      const out = await reviewPullRequest(gh, job, {
        engine: await engine,
        review,
        ...(repo.error ? { configError: repo.error } : {}),
        mode: config.mode ?? 'both',
        maxInline: config.maxInline ?? 30,
        failLevel: config.failLevel ?? 'error',
        verifyHead: true,
        log,
      });
      if (out.superseded) log.info(`${job.key}: head ${job.headSha.slice(0, 12)} is no longer current; skipped`);
      else log.info(`${job.key}: ${out.findings.length} finding(s) at ${job.headSha.slice(0, 12)}`);
    },
    config.debounceMs ?? 2000,
    async (job, err, superseded) => {
      log.warn(`${job.key}: review failed: ${errorText(err)}${superseded ? ' (a newer head is queued)' : ''}`);
      deliveries.forget(job.delivery); // a manual redelivery may try again
      if (superseded) return;
      // Not only logged: the pull request shows a check that says why. Neutral, not failure: the
      // tool failed, the patch was not judged (a push or a redelivery tries again).
      try {
        await publishCheckRun(clientFor(job.installationId), job, {
          name: 'kfunc-review',
          findings: [],
          failed: true,
          conclusion: 'neutral',
          title: 'kfunc-review could not review this pull request',
          summary: `The review of ${job.key} at ${job.headSha.slice(0, 12)} failed after retries: ${errorText(err)}\n\nPush again or redeliver the webhook to retry.`,
        });
      } catch (e) {
        log.warn(`${job.key}: could not publish the failure as a check run either: ${errorText(e)}`);
      }
    },
    { retries: config.retriesLater ?? 2, delayMs: config.retryLaterMs ?? 60_000 },
  );

  const reply = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message }));
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') return reply(res, 200, 'ok');
    if (url.pathname !== WEBHOOK_PATH) return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'POST only');
    const signature = req.headers['x-hub-signature-256'];
    if (typeof signature !== 'string') {
      // Drain nothing: refuse before reading a body the sender could not sign.
      res.setHeader('connection', 'close');
      return reply(res, 400, 'missing X-Hub-Signature-256');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY && !aborted) {
        aborted = true;
        res.setHeader('connection', 'close');
        reply(res, 413, 'payload too large');
        req.destroy();
      } else if (!aborted) chunks.push(c);
    });
    req.on('error', () => {
      aborted = true; // the client went away mid-body: nothing to answer
    });
    req.on('end', () => {
      if (aborted) return;
      try {
        onBody(req, res, Buffer.concat(chunks), signature);
      } catch (err) {
        // Never take the server down for one request.
        log.warn(`webhook handling failed: ${errorText(err)}`);
        if (!res.headersSent) reply(res, 500, 'internal error');
      }
    });
  };

  const onBody = (req: IncomingMessage, res: ServerResponse, body: Buffer, signature: string): void => {
    if (!verifySignature(config.webhookSecret, body, signature)) return reply(res, 401, 'signature does not match');
    const delivery = String(req.headers['x-github-delivery'] ?? '');
    const event = String(req.headers['x-github-event'] ?? '');
    if (delivery && deliveries.seen(delivery)) return reply(res, 200, 'duplicate delivery; already handled');
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(res, 400, 'body is not JSON');
    }
    if (event === 'ping') return reply(res, 200, 'pong');
    const action = at(payload, 'action');
    if (event !== 'pull_request' || typeof action !== 'string' || !REVIEW_ACTIONS.has(action)) return reply(res, 200, 'ignored');
    const job = jobOf(payload, delivery);
    if (typeof job === 'string') {
      deliveries.forget(delivery);
      return reply(res, 400, job);
    }
    queue.push(job);
    reply(res, 202, `queued review of ${job.key} at ${job.headSha.slice(0, 12)}`);
  };
  return {
    handler,
    idle: () => queue.idle(),
    close: async () => {
      await queue.idle();
      if (owned) await (await owned.catch(() => null))?.close();
    },
  };
}

export interface RunningServer {
  server: Server;
  url: string;
  app: WebhookApp;
  close: () => Promise<void>;
}

export async function startAppServer(
  config: AppConfig,
  listen: { port: number; host: string },
  deps: AppDeps = {},
): Promise<RunningServer> {
  const app = createWebhookApp(config, deps);
  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // How often the two limits above are checked (default 30 s).
      connectionsCheckingInterval: 1000,
    },
    app.handler,
  );
  server.keepAliveTimeout = 5_000;
  limitConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    app,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.close();
    },
  };
}

/**
 * Closes connections that sit idle (no request in flight) after IDLE_TIMEOUT_MS, and past
 * MAX_OPEN_CONNECTIONS the oldest idle one at once: a thousand silent sockets cannot keep a
 * delivery from being accepted.
 */
function limitConnections(server: Server): void {
  const open = new Map<Socket, { busy: number }>();
  server.on('connection', (socket: Socket) => {
    open.set(socket, { busy: 0 });
    socket.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (!open.get(socket)?.busy) socket.destroy();
    });
    socket.once('close', () => open.delete(socket));
    if (open.size > MAX_OPEN_CONNECTIONS) {
      // Map order is arrival order: the first idle entry is the oldest.
      for (const [s, st] of open) {
        if (open.size <= MAX_OPEN_CONNECTIONS) break;
        if (st.busy || s === socket) continue;
        s.destroy();
        open.delete(s);
      }
    }
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const st = open.get(req.socket);
    if (!st) return;
    st.busy++;
    res.once('close', () => st.busy--);
  });
}

/**
 * Reads the App configuration from the environment; throws with the missing names. `configPath`
 * (--config) wins over KFUNC_REVIEW_CONFIG; the file must exist and be valid.
 */
export function appConfigFromEnv(env: Env, configPath = env.KFUNC_REVIEW_CONFIG): AppConfig {
  const missing: string[] = [];
  const appId = env.APP_ID;
  const secret = env.WEBHOOK_SECRET;
  let key = env.PRIVATE_KEY;
  if (!key && env.PRIVATE_KEY_PATH) {
    try {
      key = readFileSync(env.PRIVATE_KEY_PATH, 'utf8');
    } catch (err) {
      throw new Error(`PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
        cause: err,
      });
    }
  }
  if (!appId) missing.push('APP_ID');
  if (!key) missing.push('PRIVATE_KEY or PRIVATE_KEY_PATH');
  if (!secret) missing.push('WEBHOOK_SECRET');
  if (missing.length) throw new Error(`missing configuration: ${missing.join(', ')}`);
  if (!/^(\d+|Iv[0-9A-Za-z.]+)$/.test((appId as string).trim())) throw new Error('APP_ID: not an App id (digits) or client id (Iv...)');
  // GitHub signs with the secret as typed; one read from a file often keeps a newline.
  if ((secret as string).trim() !== secret) throw new Error('WEBHOOK_SECRET: has white space (a newline?) at its start or end');
  const debounce = env.KFUNC_REVIEW_DEBOUNCE_MS;
  if (debounce !== undefined && !/^\d+$/.test(debounce))
    throw new Error(`KFUNC_REVIEW_DEBOUNCE_MS must be a whole number of milliseconds (got "${debounce}")`);
  const kernel = env.KFUNC_REVIEW_KERNEL;
  if (kernel && !/^\d+\.\d+$/.test(kernel)) throw new Error(`KFUNC_REVIEW_KERNEL must be a version X.Y, such as 6.12 (got "${kernel}")`);
  const reviewConfig = configPath ? loadConfig(configPath) : undefined;
  const mode = env.KFUNC_REVIEW_MODE as Mode | undefined;
  const failLevel = env.KFUNC_REVIEW_FAIL_LEVEL as FailLevel | undefined;
  if (mode && !['review', 'check', 'both'].includes(mode))
    throw new Error(`KFUNC_REVIEW_MODE must be review, check or both (got "${mode}")`);
  if (failLevel && !FAIL_LEVELS.includes(failLevel))
    throw new Error(`KFUNC_REVIEW_FAIL_LEVEL must be one of ${FAIL_LEVELS.join(', ')} (got "${failLevel}")`);
  return {
    appId: appId as string,
    privateKey: key as string,
    webhookSecret: secret as string,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
    ...(mode ? { mode } : {}),
    ...(failLevel ? { failLevel } : {}),
    ...(env.KFUNC_REVIEW_KERNEL ? { kernel: env.KFUNC_REVIEW_KERNEL } : {}),
    ...(reviewConfig ? { config: reviewConfig } : {}),
    ...(env.KFUNC_REVIEW_DEBOUNCE_MS ? { debounceMs: Number(env.KFUNC_REVIEW_DEBOUNCE_MS) } : {}),
  };
}

/** `kfunc-review serve [--port N] [--host H] [--config FILE]`; resolves with the exit code after SIGINT/SIGTERM. */
export async function serveCli(argv: string[], env: Env = process.env, deps: AppDeps = {}): Promise<number> {
  const log = deps.log ?? consoleLogger;
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  let config: AppConfig;
  try {
    config = appConfigFromEnv(env, arg('config') ?? env.KFUNC_REVIEW_CONFIG);
    // Fail at start, not on the first webhook; name the setting, never echo the key.
    try {
      normalizePrivateKey(config.privateKey);
    } catch {
      const from = env.PRIVATE_KEY ? 'PRIVATE_KEY' : `PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH}`;
      throw new Error(`${from}: not a PEM private key (the .pem file GitHub issues, PKCS#1, or PKCS#8)`);
    }
  } catch (err) {
    // Never echo the key: errorText only carries the message, and key parsing errors do not quote it.
    log.warn(`kfunc-review serve: ${err instanceof Error ? err.message : 'bad configuration'}`);
    return 2;
  }
  const port = Number(arg('port') ?? env.PORT ?? 3000);
  const host = arg('host') ?? env.HOST ?? '0.0.0.0';
  let running: RunningServer;
  try {
    running = await startAppServer(config, { port, host }, deps);
  } catch (err) {
    log.warn(`kfunc-review serve: cannot listen on ${host}:${port}: ${errorText(err)}`);
    return 2;
  }
  log.info(`kfunc-review App listening on ${running.url}${WEBHOOK_PATH}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('Shutting down: finishing queued reviews');
  await running.close();
  return 0;
}
