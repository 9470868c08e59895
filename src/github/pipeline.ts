// One review of one pull request head, shared by the Action and the App: fetch the diff,
// run the engine, then publish through whichever channels the token allows
// (review → check run → job summary), each one the fallback of the one before.
import { writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Finding } from '../core/types.js';
import { formatSarif } from '../report/sarif.js';
import type { Engine, EngineResult } from './engine.js';
import { parseDiffLines } from './diff-lines.js';
import { getPrDiff, type PullRef } from './pr-diff.js';
import { postReview, type ReviewOutcome } from './review-poster.js';
import { publishCheckRun, type CheckOutcome, type FailLevel } from './check-run.js';
import { countBySeverity, jobSummaryMarkdown, type Counts } from './markdown.js';
import type { GitHubClient, Logger } from './octokit.js';
import { SEVERITY_RANK } from '../core/types.js';

export type Mode = 'review' | 'check' | 'both';

export interface PipelineOptions {
  engine: Engine;
  mode: Mode;
  maxInline: number;
  failLevel: FailLevel;
  kernel?: string;
  configPath?: string;
  /** A checkout that may be at the PR head (Action); never executed, only read. */
  workspace?: string;
  /** GITHUB_STEP_SUMMARY (Action only). */
  stepSummaryPath?: string;
  sarifPath?: string;
  checkName?: string;
  toolVersion: string;
  /** App: skip the run if the PR head moved on since the event (a newer event will review it). */
  verifyHead?: boolean;
  log: Logger;
}

export interface PipelineOutcome {
  superseded: boolean;
  findings: Finding[];
  errors: EngineResult['errors'];
  counts: Counts;
  review?: ReviewOutcome;
  check?: CheckOutcome;
  diffSource?: string;
  wroteJobSummary: boolean;
  /** True when some finding is at or above the fail level. */
  failed: boolean;
}

export async function reviewPullRequest(gh: GitHubClient, pr: PullRef, o: PipelineOptions): Promise<PipelineOutcome> {
  const none: PipelineOutcome = { superseded: true, findings: [], errors: [], counts: { error: 0, warning: 0, info: 0 }, wroteJobSummary: false, failed: false };
  if (o.verifyHead && !(await headIsCurrent(gh, pr))) return none;

  const diff = await getPrDiff(gh, pr, o.workspace);
  o.log.info(`Reviewing ${pr.owner}/${pr.repo}#${pr.number} at ${pr.headSha.slice(0, 12)} (diff from ${diff.source})`);
  // A PR with no textual changes (only binaries, or empty) has nothing for the engine to read.
  const result: EngineResult = diff.text.trim()
    ? await o.engine.review(diff.text, `${pr.owner}/${pr.repo}#${pr.number}`, {
        ...(diff.tree ? { tree: diff.tree } : {}),
        ...(o.kernel ? { kernel: o.kernel } : {}),
        ...(o.configPath ? { configPath: o.configPath } : {}),
        ...(o.failLevel !== 'none' ? { failLevel: o.failLevel } : {}),
      })
    : { patches: [], findings: [], errors: [], notes: ['The pull request has no textual diff.'] };
  const findings = result.findings;
  const counts = countBySeverity(findings);
  // Same rule as the CLI: a finding with a user disposition does not fail the run.
  const failed =
    o.failLevel !== 'none' && findings.some((f) => !f.disposition && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[o.failLevel as Finding['severity']]);
  const out: PipelineOutcome = { superseded: false, findings, errors: result.errors, counts, diffSource: diff.source, wroteJobSummary: false, failed };

  if (o.sarifPath) {
    mkdirSync(dirname(o.sarifPath), { recursive: true });
    writeFileSync(o.sarifPath, JSON.stringify(formatSarif(result, o.engine.rules, o.toolVersion), null, 2));
  }

  // The head may have moved while the engine ran; posting on a stale commit would confuse reviewers.
  if (o.verifyHead && !(await headIsCurrent(gh, pr))) return { ...none, findings, counts };

  let wantCheck = o.mode !== 'review';
  if (o.mode !== 'check') {
    out.review = await postReview(gh, pr, { findings, errors: result.errors, notes: result.notes, diffLines: parseDiffLines(diff.text), maxInline: o.maxInline }, o.log);
    if (out.review.forbidden) wantCheck = true;
  }
  let checkForbidden = false;
  if (wantCheck) {
    const summary = jobSummaryMarkdown('kfunc-review', findings, result.errors, result.notes);
    out.check = await publishCheckRun(gh, pr, {
      name: o.checkName ?? 'kfunc-review',
      findings,
      failLevel: o.failLevel,
      title: `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s)`,
      summary,
    });
    if (out.check.forbidden) {
      checkForbidden = true;
      o.log.warn('The token may not create check runs (403); findings go to the job summary and the log.');
    }
  }
  if (o.stepSummaryPath) {
    const extra: string[] = [];
    if (out.review?.forbidden) extra.push('> The token could not post a pull request review (fork PR or missing `pull-requests: write`).');
    if (checkForbidden) extra.push('> The token could not create a check run (missing `checks: write`).');
    appendFileSync(o.stepSummaryPath, jobSummaryMarkdown(`kfunc-review: ${pr.owner}/${pr.repo}#${pr.number}`, findings, result.errors, result.notes, extra));
    out.wroteJobSummary = true;
  }
  return out;
}

async function headIsCurrent(gh: GitHubClient, pr: PullRef): Promise<boolean> {
  const res = await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
  return res.data.head.sha === pr.headSha && res.data.state === 'open';
}
