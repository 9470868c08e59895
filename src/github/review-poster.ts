// Applies a comment plan to a pull request: at most one review per run (summary + new inline
// comments), edits and deletions of our earlier comments, and the fallbacks GitHub forces on
// us — a 422 for a comment GitHub will not anchor, a 403 for a token that may not review.
import type { Finding } from '../core/types.js';
import type { PatchSection } from './pr-review.js';
import type { DiffLines } from './diff-lines.js';
import { planComments, type CommentPlan, type ExistingComment, type NewComment } from './plan.js';
import { readSummaryState, reviewSummaryBody, summaryState } from './markdown.js';
import { httpStatus, type GitHubClient, type Logger } from './octokit.js';
import type { PullRef } from './pr-diff.js';

export interface ReviewInput {
  findings: Finding[];
  errors: { input: string; message: string }[];
  notes: string[];
  diffLines: DiffLines;
  maxInline: number;
  /**
   * The findings that may become inline comments, at their lines on the PR's diff (default:
   * `findings`). A series review passes the placed copies; `findings` stays what is counted.
   */
  candidates?: Finding[];
  /** A series reviewed commit by commit: the summary lists findings per patch. */
  patches?: PatchSection[] | null;
}

export interface ReviewOutcome {
  /** The token may not write reviews/comments (fork PR, missing pull-requests: write). */
  forbidden: boolean;
  reviewId?: number;
  created: number;
  updated: number;
  removed: number;
  /** Findings that ended up in the summary, including 422 casualties. */
  summaryOnly: Finding[];
  /** No review was posted because nothing changed since the last one. */
  unchanged: boolean;
}

class Forbidden extends Error {}

/** Runs a write; turns a 403 into Forbidden so the caller switches to its fallback. */
async function write<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (httpStatus(err) === 403) throw new Forbidden('forbidden');
    throw err;
  }
}

export async function postReview(gh: GitHubClient, pr: PullRef, input: ReviewInput, log: Logger): Promise<ReviewOutcome> {
  const outcome: ReviewOutcome = { forbidden: false, created: 0, updated: 0, removed: 0, summaryOnly: [], unchanged: false };
  const repo = { owner: pr.owner, repo: pr.repo, pull_number: pr.number };
  try {
    const existing = (await write(() => gh.paginate(gh.rest.pulls.listReviewComments, { ...repo, per_page: 100 }))) as ExistingComment[];
    const plan = planComments({
      findings: input.candidates ?? input.findings,
      diffLines: input.diffLines,
      existing,
      maxInline: input.maxInline,
      headSha: pr.headSha,
    });
    outcome.summaryOnly = [...plan.summaryOnly];

    for (const r of plan.remove) {
      try {
        await write(() => gh.rest.pulls.deleteReviewComment({ owner: pr.owner, repo: pr.repo, comment_id: r.id }));
        outcome.removed++;
      } catch (err) {
        if (httpStatus(err) !== 404) throw err; // already gone: someone else cleaned up
      }
    }
    for (const u of plan.update) {
      await write(() => gh.rest.pulls.updateReviewComment({ owner: pr.owner, repo: pr.repo, comment_id: u.id, body: u.body }));
      outcome.updated++;
    }

    const state = summaryState(input.findings, input.errors);
    const reviews = await write(() => gh.paginate(gh.rest.pulls.listReviews, { ...repo, per_page: 100 }));
    const previous = reviews.map((r) => readSummaryState(r.body)).filter((s): s is string => s !== null);
    const lastState = previous.length ? previous[previous.length - 1] : null;
    const nothingToSay = input.findings.length === 0 && input.errors.length === 0 && lastState === null;
    if (plan.create.length === 0 && (lastState === state || nothingToSay)) {
      outcome.unchanged = true;
      return outcome;
    }
    await createReviewWithFallback(gh, pr, plan, input, state, outcome, log);
  } catch (err) {
    if (err instanceof Forbidden) {
      log.warn('The token may not write pull request reviews (403); falling back to check run annotations.');
      outcome.forbidden = true;
      return outcome;
    }
    throw err;
  }
  return outcome;
}

async function createReviewWithFallback(
  gh: GitHubClient,
  pr: PullRef,
  plan: CommentPlan,
  input: ReviewInput,
  state: string,
  outcome: ReviewOutcome,
  log: Logger,
): Promise<void> {
  let create = plan.create;
  const body = () =>
    reviewSummaryBody({
      all: input.findings,
      summaryOnly: outcome.summaryOnly,
      inlineCount: plan.inline.length - (plan.create.length - create.length),
      errors: input.errors,
      notes: input.notes,
      headSha: pr.headSha,
      state,
      patches: input.patches ?? null,
      inlineFps: new Set(plan.inline.filter((f) => !outcome.summaryOnly.includes(f)).map((f) => f.fingerprint)),
    });
  const post = (comments: NewComment[]) =>
    write(() =>
      gh.rest.pulls.createReview({
        owner: pr.owner,
        repo: pr.repo,
        pull_number: pr.number,
        commit_id: pr.headSha,
        event: 'COMMENT',
        body: body(),
        comments,
      }),
    );

  for (let attempt = 0; ; attempt++) {
    try {
      const res = await post(create.map((c) => c.comment));
      outcome.reviewId = res.data.id;
      outcome.created = create.length;
      return;
    } catch (err) {
      if (httpStatus(err) !== 422 || create.length === 0) throw err;
      // GitHub names no culprit in a 422, so find the comments it will not anchor, one by one.
      const bad =
        attempt === 0
          ? await findUnanchorable(
              gh,
              pr,
              create.map((c) => c.comment),
            )
          : new Set(create.map((_, i) => i));
      if (bad.size === 0) {
        // Every comment anchors alone, so the review itself is the problem: keep the findings, drop inline.
        for (let i = 0; i < create.length; i++) bad.add(i);
      }
      for (const i of bad) {
        const c = create[i];
        if (!c) continue;
        log.warn(`GitHub rejected an inline comment on ${c.comment.path}:${c.comment.line}; it goes into the summary.`);
        outcome.summaryOnly.push(c.finding);
      }
      create = create.filter((_, i) => !bad.has(i));
    }
  }
}

/** Probes each comment in a private PENDING review (deleted at once); returns the rejected indexes. */
async function findUnanchorable(gh: GitHubClient, pr: PullRef, comments: NewComment[]): Promise<Set<number>> {
  const bad = new Set<number>();
  for (const [i, comment] of comments.entries()) {
    try {
      const res = await write(() =>
        gh.rest.pulls.createReview({ owner: pr.owner, repo: pr.repo, pull_number: pr.number, commit_id: pr.headSha, comments: [comment] }),
      );
      await write(() =>
        gh.rest.pulls.deletePendingReview({ owner: pr.owner, repo: pr.repo, pull_number: pr.number, review_id: res.data.id }),
      );
    } catch (err) {
      if (httpStatus(err) === 422) bad.add(i);
      else throw err;
    }
  }
  return bad;
}
