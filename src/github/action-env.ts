// Reading the GitHub Actions runtime: inputs (INPUT_*), the event payload and the files the
// runner collects outputs and the job summary from. Done by hand rather than with
// @actions/core because runActionCli takes `env` as a parameter (testable, no process globals).
import { appendFileSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export type Env = Record<string, string | undefined>;

/** An action input: the runner sets INPUT_<NAME uppercased>, keeping hyphens. */
export function input(env: Env, name: string): string | undefined {
  const upper = name.toUpperCase();
  const v = env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Appends outputs in the runner's heredoc format (a random delimiter cannot collide with a value). */
export function setOutputs(env: Env, outputs: Record<string, string | number>): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  let text = '';
  for (const [k, v] of Object.entries(outputs)) {
    const delim = `ghadelimiter_${randomUUID()}`;
    text += `${k}<<${delim}\n${String(v)}\n${delim}\n`;
  }
  appendFileSync(file, text);
}

export interface PrEvent {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  /** The head lives in another repository: the token is read-only unless pull_request_target. */
  fromFork: boolean;
}

interface PayloadPr {
  number: number;
  head: { sha: string; repo?: { full_name?: string } | null };
  base: { sha: string; repo?: { full_name?: string } | null };
}

/**
 * The pull request of a pull_request(_target) event, or null for any other event. The runner
 * always writes the event file: a missing, unreadable or malformed one is an error that names
 * it (never a quiet "nothing to do"), and so is a pull request without the fields we read.
 */
export function readPrEvent(env: Env): PrEvent | null {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) throw new Error('GITHUB_EVENT_PATH is not set: not running in a GitHub Actions job?');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`GITHUB_EVENT_PATH ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  let payload: { pull_request?: unknown; repository?: { full_name?: unknown } };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch (err) {
    throw new Error(`GITHUB_EVENT_PATH ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (!payload || typeof payload !== 'object') throw new Error(`GITHUB_EVENT_PATH ${path}: not an event object`);
  if (payload.pull_request === undefined || payload.pull_request === null) return null;
  const pr = payload.pull_request as PayloadPr;
  const sha = (x: unknown) => typeof x === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(x);
  if (typeof pr !== 'object' || !Number.isInteger(pr.number) || !sha(pr.head?.sha) || !sha(pr.base?.sha))
    throw new Error(`GITHUB_EVENT_PATH ${path}: pull_request lacks number, head.sha or base.sha`);
  const named = payload.repository?.full_name;
  const full = env.GITHUB_REPOSITORY ?? (typeof named === 'string' ? named : undefined) ?? pr.base.repo?.full_name;
  if (typeof full !== 'string' || !full.includes('/')) throw new Error('GITHUB_REPOSITORY is not set');
  const [owner, repo] = full.split('/') as [string, string];
  return {
    owner,
    repo,
    number: pr.number,
    // Never GITHUB_SHA: for pull_request events it is a merge commit GitHub made, not the PR head.
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    fromFork: !!pr.head.repo?.full_name && pr.head.repo.full_name !== pr.base.repo?.full_name,
  };
}

/** Workflow commands: annotations in the run log even when no API write is allowed. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
