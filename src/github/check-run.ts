// The check run: a pass/fail signal on the head commit plus one annotation per finding.
// GitHub takes at most 50 annotations per request, so the first 50 ride on the create call
// and the rest are appended with updates. Whether the run failed is decided by the caller
// with core policy (src/core/policy.ts), the rule every front door applies.
import type { Finding, Severity } from '../core/types.js';
import { httpStatus, type GitHubClient } from './octokit.js';
import type { PullRef } from './pr-diff.js';
import { BODY_LIMIT } from './markdown.js';

export const ANNOTATIONS_PER_REQUEST = 50;

const LEVEL: Record<Severity, 'failure' | 'warning' | 'notice'> = { error: 'failure', warning: 'warning', info: 'notice' };

/** failure when the run failed; otherwise neutral with findings to look at, success without. */
export function conclusionFor(findings: Finding[], failed: boolean): 'success' | 'neutral' | 'failure' {
  if (failed) return 'failure';
  return findings.length === 0 ? 'success' : 'neutral';
}

export function toAnnotation(f: Finding) {
  const details = f.evidence.join('\n');
  return {
    path: f.file,
    start_line: Math.max(1, f.line),
    end_line: Math.max(1, f.line),
    annotation_level: LEVEL[f.severity],
    title: `${f.rule}${f.kfunc ? ` (${f.kfunc})` : ''}`,
    message: f.message.slice(0, 64000),
    ...(details ? { raw_details: details.slice(0, 64000) } : {}),
  };
}

export interface CheckInput {
  name: string;
  findings: Finding[];
  /** core/policy fails() at the fail level (or the review could not be configured). */
  failed: boolean;
  title: string;
  summary: string;
  text?: string;
  /** The findings to annotate, at head lines (default: `findings`); a series passes the placed copies. */
  annotate?: Finding[];
  /** Overrides the conclusion (a review that could not run is neutral: nothing was judged). */
  conclusion?: 'success' | 'neutral' | 'failure';
}

export interface CheckOutcome {
  forbidden: boolean;
  checkRunId?: number;
  annotations: number;
  requests: number;
}

export async function publishCheckRun(gh: GitHubClient, pr: PullRef, input: CheckInput): Promise<CheckOutcome> {
  // Findings on the pre-image ('old' side) have no place on the head commit's files, and one
  // disposed as not-a-bug is listed in the summary, not pinned on the code.
  const annotations = (input.annotate ?? input.findings).filter((f) => f.side === 'new' && !f.disposition).map(toAnnotation);
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const output = (batch: typeof annotations) => ({
    title: input.title,
    summary: input.summary.slice(0, BODY_LIMIT),
    ...(input.text ? { text: input.text.slice(0, BODY_LIMIT) } : {}),
    annotations: batch,
  });
  const out: CheckOutcome = { forbidden: false, annotations: 0, requests: 0 };
  try {
    const created = await gh.rest.checks.create({
      owner: pr.owner,
      repo: pr.repo,
      name: input.name,
      head_sha: pr.headSha,
      status: 'completed',
      conclusion: input.conclusion ?? conclusionFor(input.findings, input.failed),
      completed_at: new Date().toISOString(),
      output: output(batches[0] ?? []),
    });
    out.checkRunId = created.data.id;
    out.requests++;
    out.annotations += batches[0]?.length ?? 0;
    for (const batch of batches.slice(1)) {
      await gh.rest.checks.update({ owner: pr.owner, repo: pr.repo, check_run_id: created.data.id, output: output(batch) });
      out.requests++;
      out.annotations += batch.length;
    }
  } catch (err) {
    // 403: no checks: write (fork PR token, or a PAT — only Apps may write checks).
    if (httpStatus(err) === 403) return { ...out, forbidden: true };
    throw err;
  }
  return out;
}
