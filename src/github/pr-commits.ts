// The commits of a pull request as a patch series, the way the kernel reads a PR that mirrors
// a mailed series (one commit per patch): each commit's subject and message, and its diff
// against its parent, from the checkout when it holds both commits, else from the API.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { diffFromFiles, type PullRef } from './pr-diff.js';
import { httpStatus, type GitHubClient } from './octokit.js';

const run = promisify(execFile);

/** GitHub lists at most this many commits of a pull request. */
export const MAX_PR_COMMITS = 250;

export interface PrCommit {
  sha: string;
  parents: string[];
  message: string;
  author: string;
  /** ISO date of authorship, when GitHub gives one. */
  date?: string;
}

export async function listPrCommits(gh: GitHubClient, pr: PullRef): Promise<PrCommit[]> {
  const list = await gh.paginate(gh.rest.pulls.listCommits, { owner: pr.owner, repo: pr.repo, pull_number: pr.number, per_page: 100 });
  return list.map((c) => {
    const who = c.commit.author;
    return {
      sha: c.sha,
      parents: c.parents.map((p) => p.sha),
      message: c.commit.message,
      author: who?.name ? `${who.name} <${who.email ?? 'unknown'}>` : 'unknown <unknown>',
      ...(who?.date ? { date: who.date } : {}),
    };
  });
}

/** git's subject: the first paragraph of the message on one line. */
export function subjectOf(message: string): string {
  const para =
    message
      .replace(/\r\n?/g, '\n')
      .trim()
      .split(/\n\s*\n/)[0] ?? '';
  return para.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Why the commits cannot be reviewed one by one (a merge, a list GitHub cut short, commits that
 * do not follow one another), or null when they form a series.
 */
export function notASeries(commits: PrCommit[]): string | null {
  if (commits.length >= MAX_PR_COMMITS) return `it has ${MAX_PR_COMMITS} or more commits (GitHub lists no more)`;
  if (commits.some((c) => c.parents.length !== 1)) return 'it has merge commits';
  for (let i = 1; i < commits.length; i++)
    if (commits[i]!.parents[0] !== commits[i - 1]!.sha) return 'its commits do not follow one another';
  return null;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.fsmonitor=false', ...args], { cwd, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** The diff of one commit against its parent: from the checkout when given, else from the API. */
export async function commitDiff(gh: GitHubClient, pr: PullRef, c: PrCommit, workspace?: string): Promise<string> {
  if (workspace) return git(workspace, ['diff', '--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', c.parents[0]!, c.sha]);
  try {
    const res = await gh.rest.repos.getCommit({ owner: pr.owner, repo: pr.repo, ref: c.sha, mediaType: { format: 'diff' } });
    return res.data as unknown as string;
  } catch (err) {
    // Too large to render as one diff: the commit's file list still carries each patch.
    if (httpStatus(err) !== 406) throw err;
  }
  const res = await gh.rest.repos.getCommit({ owner: pr.owner, repo: pr.repo, ref: c.sha });
  return diffFromFiles((res.data.files ?? []) as Parameters<typeof diffFromFiles>[0]);
}

/** RFC 2822 date of an ISO date, as a patch mail carries it (the target tree reads it). */
function mailDate(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d.toUTCString().replace('GMT', '+0000');
}

/** One commit as `git format-patch` would mail it: [PATCH k/n] subject, message, diff. */
export function patchMail(c: PrCommit, index: number, total: number, diff: string): string {
  const subject = subjectOf(c.message);
  const body = c.message
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n\s*\n/)
    .slice(1)
    .join('\n\n');
  const date = mailDate(c.date);
  return [
    `From ${c.sha} Mon Sep 17 00:00:00 2001`,
    `From: ${c.author.replace(/[\r\n]/g, ' ')}`,
    ...(date ? [`Date: ${date}`] : []),
    `Subject: [PATCH ${index}/${total}] ${subject}`,
    '',
    ...(body ? [body, ''] : []),
    '---',
    diff,
  ].join('\n');
}
