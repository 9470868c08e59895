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
import { listPrCommits, notASeries } from './pr-commits.js';
import { reviewPr, type FilterMode, type PrReview } from './pr-review.js';
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
  /** Which findings are reported at all (reviewdog's names); default nofilter. */
  filterMode?: FilterMode;
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

  const commits = await listPrCommits(gh, pr);
  const broken = notASeries(commits);
  // The PR's commits are the head's: a list that ends elsewhere (a push since) is not used.
  const current = commits.length > 0 && commits[commits.length - 1]!.sha === pr.headSha;
  const series = current && !broken && commits.length > 1 ? commits : null;
  const diff = await getPrDiff(gh, pr, o.workspace, current && !broken ? commits[0]!.parents[0] : undefined);
  o.log.info(
    `Reviewing ${pr.owner}/${pr.repo}#${pr.number} at ${pr.headSha.slice(0, 12)} (diff from ${diff.source}` +
      `${series ? `, ${series.length} commits as a series` : ''})`,
  );
  const diffLines = parseDiffLines(diff.text);
  const name = `${pr.owner}/${pr.repo}#${pr.number}`;
  const run: PrReview = o.configError
    ? { result: emptyResult(), patches: null, placed: [], unplaced: [] }
    : await reviewPr(gh, pr, { engine: o.engine, review: o.review, name, diff, diffLines, series, filterMode: o.filterMode ?? 'nofilter' });
  const result = run.result;
  if (o.configError) result.errors.push(o.configError);
  if (o.workspace && diff.source !== 'git')
    result.warnings.push(
      `${name}: the workspace holds no checkout of the pull request head with its commits (see fetch-depth in docs/github.md); reviewed from the API diff, hunks only`,
    );
  if (commits.length > 1 && !series)
    result.warnings.push(`${name}: reviewed as one patch, not commit by commit: ${broken ?? "the commit list is not the head's"}`);
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
      writeFileSync(o.sarifPath, formatSarif(reviewReport(atHeadLines(run, o.log)), o.engine.rules));
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
      { findings, errors: result.errors, notes, diffLines, maxInline: o.maxInline, candidates: run.placed, patches: run.patches },
      o.log,
    );
    if (out.review.forbidden) wantCheck = true;
  }
  let checkForbidden = false;
  if (wantCheck) {
    const summary = jobSummaryMarkdown('kfunc-review', findings, result.errors, notes, [], run.patches);
    out.check = await publishCheckRun(gh, pr, {
      name: o.checkName ?? 'kfunc-review',
      findings,
      annotate: run.placed,
      failed,
      title,
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
    appendFileSync(
      o.stepSummaryPath,
      jobSummaryMarkdown(`kfunc-review: ${pr.owner}/${pr.repo}#${pr.number}`, findings, result.errors, notes, extra, run.patches),
    );
    out.wroteJobSummary = true;
  }
  return out;
}

/**
 * The result with each finding at its line on the PR head, for SARIF (which GitHub reads against
 * the head commit). In a series, a finding whose line a later commit changes has no such line:
 * it is left out of SARIF and stays in the review summary under its patch.
 */
function atHeadLines(run: PrReview, log: Logger): ReviewResult {
  if (!run.patches) return run.result;
  const placed = new Map<string, Finding>();
  for (const f of run.placed) placed.set(`${f.patchIndex}|${f.fingerprint}`, f);
  const findings = run.result.report.findings.flatMap((x) => {
    const at = placed.get(`${x.finding.patchIndex}|${x.finding.fingerprint}`);
    return at ? [{ ...x, finding: at }] : [];
  });
  const left = run.result.report.findings.length - findings.length;
  if (left > 0) log.info(`SARIF: ${left} finding(s) on lines a later commit changes are listed in the review summary only.`);
  return { ...run.result, report: { ...run.result.report, findings } };
}

async function headIsCurrent(gh: GitHubClient, pr: PullRef): Promise<boolean> {
  const res = await gh.rest.pulls.get({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
  return res.data.head.sha === pr.headSha && res.data.state === 'open';
}
