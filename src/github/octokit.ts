// One place that builds the REST client, so the Action and the App get the same retry and
// rate-limit behaviour. Delays are parameters because tests run them against a local
// stand-in and must not sleep for real seconds.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { createAppAuth } from '@octokit/auth-app';

export const GitHubClient = Octokit.plugin(throttling, retry);
export type GitHubClient = InstanceType<typeof GitHubClient>;

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
};

export interface ClientOptions {
  /** API root; GHES uses https://HOST/api/v3. */
  baseUrl?: string;
  /** Installation or Actions token. Never logged. */
  token?: string;
  /** GitHub App credentials: the client exchanges the app JWT for an installation token. */
  app?: { appId: string | number; privateKey: string; installationId: number };
  /** Milliseconds per "retry-after second" and per backoff step (GitHub: 1000). */
  retryBaseMs?: number;
  /** How many times a rate-limited or 5xx request is retried. */
  retries?: number;
  /** Turns off the rate-limit queue (its 1 s spacing of writes is wrong for a local stand-in). */
  throttle?: boolean;
  log?: Logger;
  userAgent?: string;
}

export function createClient(o: ClientOptions): GitHubClient {
  const log = o.log ?? consoleLogger;
  const base = o.retryBaseMs ?? 1000;
  const retries = o.retries ?? 3;
  // Rate limits: retry a bounded number of times, honouring retry-after (scaled by `base`).
  const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
    log.warn(`GitHub ${kind} on ${options.method ?? ''} ${options.url ?? ''}; retry ${retryCount + 1} after ${retryAfter}s`);
    return retryCount < retries;
  };
  const auth = o.app
    ? { authStrategy: createAppAuth, auth: { appId: o.app.appId, privateKey: o.app.privateKey, installationId: o.app.installationId } }
    : { auth: o.token };
  return new GitHubClient({
    ...auth,
    baseUrl: o.baseUrl ?? 'https://api.github.com',
    userAgent: o.userAgent ?? 'kfunc-review',
    // Octokit's default logger prints request details at debug level only; route warnings to ours.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.warn(m), error: (m: string) => log.warn(m) },
    retry: { retryAfterBaseValue: base, retries },
    throttle:
      o.throttle === false
        ? { enabled: false }
        : {
            // One queue per installation: the write spacing is per token, not per process.
            id: o.app ? `installation-${o.app.installationId}` : 'token',
            retryAfterBaseValue: base,
            fallbackSecondaryRateRetryAfter: 60,
            onRateLimit: onLimit('rate limit'),
            onSecondaryRateLimit: onLimit('secondary rate limit'),
          },
  });
}

/** HTTP status of an Octokit error, or undefined for non-HTTP failures. */
export function httpStatus(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'status' in err && typeof (err as { status: unknown }).status === 'number') {
    return (err as { status: number }).status;
  }
  return undefined;
}

/** Error text safe to log: Octokit errors can carry request headers (the token) in `request`. */
export function errorText(err: unknown): string {
  const status = httpStatus(err);
  const msg = err instanceof Error ? err.message : String(err);
  return status ? `HTTP ${status}: ${msg}` : msg;
}
