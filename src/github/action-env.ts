// Reading the GitHub Actions runtime: inputs (INPUT_*), the event payload and the files the
// runner collects outputs and the job summary from. Done by hand rather than with
// @actions/core because runActionCli takes `env` as a parameter (testable, no process globals).
import { appendFileSync, readFileSync, existsSync } from 'node:fs';
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

/** The pull request of a pull_request(_target) event, or null for any other event. */
export function readPrEvent(env: Env): PrEvent | null {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return null;
  const payload = JSON.parse(readFileSync(path, 'utf8')) as { pull_request?: PayloadPr; repository?: { full_name?: string } };
  const pr = payload.pull_request;
  if (!pr) return null;
  const full = env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? pr.base.repo?.full_name;
  if (!full || !full.includes('/')) throw new Error('GITHUB_REPOSITORY is not set');
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
