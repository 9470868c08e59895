// One review of one pull request head, shared by the Action and the App: fetch the diff,
// run the engine with the front door's ReviewOptions (config included), then publish through
// whichever channels the token allows (review → check run → job summary), each one the
// fallback of the one before. What fails the run and what is counted is core policy, the same
// rule the CLI applies. It fails closed: a pull request that could not be reviewed in full (an
// input error, a hunk that could not be read, a kfunc whose C did not parse, a rule that
// failed) never gets a successful check, and the summary says what was not reviewed and why.
import { writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Finding } from '../core/types.js';
import type { InputError } from '../core/report-input.js';
import { countBySeverity, fails, type Counts, type FailLevel } from '../core/policy.js';
import type { ReviewOptions } from '../pipeline/review.js';
import { emptyResult, type ReviewResult } from '../pipeline/review-result.js';
import { reviewReport } from '../pipeline/report-input.js';
import { formatSarif } from '../report/sarif.js';
import type { Engine } from './engine.js';
import { parseDiffLines } from './diff-lines.js';
import { getPrDiff, type PullRef } from './pr-diff.js';
import { postReview, type ReviewOutcome } from './review-poster.js';
import { publishCheckRun, type CheckOutcome } from './check-run.js';
import { countLine, jobSummaryMarkdown } from './markdown.js';
import type { GitHubClient, Logger } from './octokit.js';

export type Mode = 'review' | 'check' | 'both';

export interface PipelineOptions {
  engine: Engine;
  /**
   * What the engine is told (config, kernel, cache, ...), passed through unchanged. The tree is
   * added here when the diff comes from a checkout at the PR head.
   */
  review: ReviewOptions;
  /**
   * The review cannot honour the repository's config (an invalid or unreadable file): the
   * engine does not run, this error is published instead and the check fails.
   */
  configError?: InputError;
  mode: Mode;
  maxInline: number;
  failLevel: FailLevel;
  /** A checkout that may be at the PR head (Action); never executed, only read. */
  workspace?: string;
  /** GITHUB_STEP_SUMMARY (Action only). */
  stepSummaryPath?: string;
  sarifPath?: string;
  checkName?: string;
  /** App: skip the run if the PR head moved on since the event (a newer event will review it). */
  verifyHead?: boolean;
  log: Logger;
}

export interface PipelineOutcome {
  superseded: boolean;
  /** Config applied; findings disposed as not-a-bug are kept (marked), as in every output. */
  findings: Finding[];
  errors: InputError[];
  /** By severity, disposed findings left out. */
  counts: Counts;
  review?: ReviewOutcome;
  check?: CheckOutcome;
  diffSource?: string;
  wroteJobSummary: boolean;
  /** False when the SARIF file could not be written (the review was still posted). */
  sarifWritten?: boolean;
  /**
   * Some finding not disposed is at or above the fail level, the config could not be read, or
   * something was not reviewed (`errors`).
   */
  failed: boolean;
  /** The review was not complete: `errors` says what was not reviewed. */
  incomplete: boolean;
}

export async function reviewPullRequest(gh: GitHubClient, pr: PullRef, o: PipelineOptions): Promise<PipelineOutcome> {
  const none: PipelineOutcome = {
    superseded: true,
    findings: [],
    errors: [],
    counts: countBySeverity([]),
    wroteJobSummary: false,
    failed: false,
    incomplete: false,
  };
  if (o.verifyHead && !(await headIsCurrent(gh, pr))) return none;

  const diff = await getPrDiff(gh, pr, o.workspace);
  o.log.info(`Reviewing ${pr.owner}/${pr.repo}#${pr.number} at ${pr.headSha.slice(0, 12)} (diff from ${diff.source})`);
  const result = await runEngine(
    diff.text,
    `${pr.owner}/${pr.repo}#${pr.number}`,
    { ...o.review, ...(diff.tree ? { tree: diff.tree } : {}) },
    o,
  );
  const findings = result.findings;
  const notes = result.warnings;
  const counts = countBySeverity(findings);
  // Files GitHub sent no patch for: C among them was not reviewed; anything else is a note.
  for (const f of diff.omitted ?? []) {
    const message = `${f}: GitHub sent no patch for this file (binary or too large)`;
    if (/\.[ch]$/.test(f)) result.errors.push({ input: f, message: `${message}; not reviewed` });
    else notes.push(message);
  }
  const incomplete = result.errors.length > 0;
  const failed = fails(findings, o.failLevel) || o.configError !== undefined || incomplete;
  const out: PipelineOutcome = {
    superseded: false,
    findings,
    errors: result.errors,
    counts,
    diffSource: diff.source,
    wroteJobSummary: false,
    failed,
    incomplete,
  };

  if (o.sarifPath) {
    // The SARIF file is a by-product: an unwritable RUNNER_TEMP must not stop the review from being posted.
    try {
      mkdirSync(dirname(o.sarifPath), { recursive: true });
      writeFileSync(o.sarifPath, formatSarif(reviewReport(result), o.engine.rules));
    } catch (err) {
      o.log.warn(`Could not write the SARIF file ${o.sarifPath}: ${err instanceof Error ? err.message : String(err)}`);
      out.sarifWritten = false;
    }
  }

  // The head may have moved while the engine ran; posting on a stale commit would confuse reviewers.
  if (o.verifyHead && !(await headIsCurrent(gh, pr))) return { ...none, findings, counts };
  const title = `${countLine(counts)}${incomplete ? '; not reviewed in full' : ''}`;

  let wantCheck = o.mode !== 'review';
  if (o.mode !== 'check') {
    out.review = await postReview(
      gh,
      pr,
      { findings, errors: result.errors, notes, diffLines: parseDiffLines(diff.text), maxInline: o.maxInline },
      o.log,
    );
    if (out.review.forbidden) wantCheck = true;
  }
  let checkForbidden = false;
  if (wantCheck) {
    const summary = jobSummaryMarkdown('kfunc-review', findings, result.errors, notes);
    out.check = await publishCheckRun(gh, pr, { name: o.checkName ?? 'kfunc-review', findings, failed, title, summary });
    if (out.check.forbidden) {
      checkForbidden = true;
      o.log.warn('The token may not create check runs (403); findings go to the job summary and the log.');
    }
  }
  if (o.stepSummaryPath) {
    const extra: string[] = [];
    if (out.review?.forbidden) extra.push('> The token could not post a pull request review (fork PR or missing `pull-requests: write`).');
    if (checkForbidden) extra.push('> The token could not create a check run (missing `checks: write`).');
    appendFileSync(
      o.stepSummaryPath,
      jobSummaryMarkdown(`kfunc-review: ${pr.owner}/${pr.repo}#${pr.number}`, findings, result.errors, notes, extra),
    );
    out.wroteJobSummary = true;
  }
  return out;
}

/** The engine's result, or the error that stopped it from running, or a note that there was nothing to read. */
async function runEngine(text: string, name: string, opts: ReviewOptions, o: PipelineOptions): Promise<ReviewResult> {
  const r = emptyResult();
  if (o.configError) {
    r.errors.push(o.configError);
    return r;
  }
  // A PR with no textual changes (only binaries, or empty) has nothing for the engine to read.
  if (!text.trim()) {
    r.warnings.push('The pull request has no textual diff.');
    return r;
  }
  return o.engine.review(text, name, opts);
}

async function headIsCurrent(gh: GitHubClient, pr: PullRef): Promise<boolean> {
  const res = await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
  return res.data.head.sha === pr.headSha && res.data.state === 'open';
}
