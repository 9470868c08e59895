// Where the PR's diff comes from. A checkout at the PR head is preferred: the engine can then
// read whole files (--tree) instead of hunks. Otherwise the API serves it, as one .diff, or,
// when GitHub refuses a large diff, rebuilt from the paginated file list.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubClient } from './octokit.js';
import { httpStatus } from './octokit.js';

const run = promisify(execFile);

export interface PrDiff {
  text: string;
  /** Files of the PR the diff leaves out (GitHub sends no patch for binary or very large files). */
  omitted?: string[];
  /** A checkout at the head commit, usable as the engine's --tree. */
  tree?: string;
  /** With `tree`: the commit the diff starts from (the pre-image of every file). */
  from?: string;
  source: 'git' | 'api-diff' | 'api-files';
}

export interface PullRef {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
}

/** git with external diff drivers and textconv off: PR content must never choose a program to run. */
async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.fsmonitor=false', ...args], { cwd, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/**
 * The PR diff from a checkout at its head. `from` is the parent of the PR's first commit when the
 * commits form a series: then only the PR's commits and that parent need to be fetched, not the
 * history back to where the base branch forked.
 */
export async function diffFromCheckout(workspace: string, pr: PullRef, from?: string): Promise<PrDiff | null> {
  if (!existsSync(join(workspace, '.git'))) return null;
  try {
    const head = (await git(workspace, ['rev-parse', 'HEAD'])).trim();
    if (head !== pr.headSha) return null;
    const start = from ?? (await git(workspace, ['merge-base', pr.baseSha, pr.headSha])).trim();
    const text = await git(workspace, ['diff', '--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', start, pr.headSha]);
    return { text, tree: workspace, from: start, source: 'git' };
  } catch {
    // Typically a shallow clone without the base commit; the API path still works.
    return null;
  }
}

interface PrFile {
  filename: string;
  previous_filename?: string;
  status: string;
  patch?: string;
}

/**
 * Rebuilds a unified diff from pulls.listFiles. Binary or huge files come without a patch: they
 * are left out of the text and listed in `omitted`, so the review can say they were not seen.
 */
export function diffFromFiles(files: PrFile[], omitted: string[] = []): string {
  const out: string[] = [];
  for (const f of files) {
    if (f.patch === undefined) {
      if (f.status !== 'removed') omitted.push(f.filename);
      continue;
    }
    const oldName = f.previous_filename ?? f.filename;
    out.push(`diff --git a/${oldName} b/${f.filename}`);
    out.push(f.status === 'added' ? '--- /dev/null' : `--- a/${oldName}`);
    out.push(f.status === 'removed' ? '+++ /dev/null' : `+++ b/${f.filename}`);
    out.push(f.patch.endsWith('\n') ? f.patch.slice(0, -1) : f.patch);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

export async function diffFromApi(gh: GitHubClient, pr: PullRef): Promise<PrDiff> {
  try {
    const res = await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number, mediaType: { format: 'diff' } });
    return { text: res.data as unknown as string, source: 'api-diff' };
  } catch (err) {
    // 406 = "diff too large to render"; the per-file list still has each patch.
    if (httpStatus(err) !== 406) throw err;
  }
  const files = await gh.paginate(gh.rest.pulls.listFiles, { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 });
  const omitted: string[] = [];
  return { text: diffFromFiles(files, omitted), source: 'api-files', omitted };
}

export async function getPrDiff(gh: GitHubClient, pr: PullRef, workspace?: string, from?: string): Promise<PrDiff> {
  if (workspace) {
    const local = await diffFromCheckout(workspace, pr, from);
    if (local) return local;
  }
  return diffFromApi(gh, pr);
}
