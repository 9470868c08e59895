// Review publishing against the stand-in: first review, idempotent re-runs, stale comment
// cleanup, pagination, retries and the 422/403 fallbacks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubStandin } from './support/github-standin.js';
import { client, fakeEngine, finding, pull, prRef, quietLog, HEAD } from './support/github-fixtures.js';
import { reviewPullRequest, type PipelineOptions } from '../src/github/pipeline.js';
import type { Finding } from '../src/core/types.js';
import { readFingerprint } from '../src/github/markdown.js';

let gh: GitHubStandin;
beforeEach(async () => {
  gh = await new GitHubStandin().start();
});
afterEach(async () => {
  await gh.stop();
});

const KEY = 'torvalds/linux#7';

function opts(findings: () => Finding[], over: Partial<PipelineOptions> = {}): PipelineOptions {
  return { engine: fakeEngine(findings), review: {}, mode: 'review', maxInline: 30, failLevel: 'error', log: quietLog, ...over };
}

describe('pull request review', () => {
  it('posts one review with an inline comment on the finding line', async () => {
    const p = gh.addPull(pull());
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    expect(out.review?.created).toBe(1);
    const reviews = gh.reviewsOf(KEY);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.state).toBe('COMMENTED');
    expect(reviews[0]!.commit_id).toBe(HEAD);
    const [c] = gh.commentsOf(KEY);
    expect(c).toMatchObject({ path: 'kernel/bpf/demo.c', line: 12, side: 'RIGHT' });
    expect(readFingerprint(c!.body)).toBe('KF-IDX-01:bpf_demo_counter:idx');
    const post = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/reviews'))!;
    expect(JSON.stringify(post.body)).not.toContain('"position"');
  });

  it('re-runs without duplicates and without a second review', async () => {
    const p = gh.addPull(pull());
    await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    const second = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    expect(second.review).toMatchObject({ created: 0, updated: 0, removed: 0, unchanged: true });
    expect(gh.commentsOf(KEY)).toHaveLength(1);
    expect(gh.reviewsOf(KEY)).toHaveLength(1);
  });

  it('edits a comment whose finding changed', async () => {
    const p = gh.addPull(pull());
    await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding({ message: 'reworded: `idx` is unbounded' })]),
    );
    expect(out.review).toMatchObject({ created: 0, updated: 1 });
    expect(gh.commentsOf(KEY)[0]!.body).toContain('reworded');
  });

  it('deletes its stale comment when the finding is gone', async () => {
    const p = gh.addPull(pull());
    await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => []),
    );
    expect(out.review?.removed).toBe(1);
    expect(gh.commentsOf(KEY)).toHaveLength(0);
    // The state changed (a finding went away), so one summary review says so.
    expect(gh.reviewsOf(KEY).at(-1)!.body).toContain('No findings');
  });

  it('keeps a stale comment a human replied to, marks it, and never touches the reply', async () => {
    const p = gh.addPull(pull());
    await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    const mine = gh.commentsOf(KEY)[0]!;
    gh.reply(mine.id, 'This is a false positive <!-- kfunc-review:fp=KF-IDX-01:bpf_demo_counter:idx -->');
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => []),
    );
    expect(out.review?.removed).toBe(0);
    const left = gh.commentsOf(KEY);
    expect(left).toHaveLength(2);
    expect(left.find((c) => c.id === mine.id)!.body).toContain('No longer reported');
    expect(left.find((c) => c.id !== mine.id)!.body).toBe(
      'This is a false positive <!-- kfunc-review:fp=KF-IDX-01:bpf_demo_counter:idx -->',
    );
    // A third run changes nothing more.
    const third = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => []),
    );
    expect(third.review).toMatchObject({ updated: 0, removed: 0 });
  });

  it('puts findings outside the diff and over the cap into the summary', async () => {
    const p = gh.addPull(pull());
    const fs = [
      finding(),
      finding({ fingerprint: 'fp-out', line: 400, inDiff: false, onAddedLine: false, message: 'outside the diff' }),
      finding({ fingerprint: 'fp-cap', line: 10, severity: 'warning', message: 'over the cap' }),
    ];
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => fs, { maxInline: 1 }),
    );
    expect(out.review?.created).toBe(1);
    const body = gh.reviewsOf(KEY)[0]!.body;
    expect(body).toContain('outside the diff');
    expect(body).toContain('over the cap');
    expect(gh.commentsOf(KEY)).toHaveLength(1);
  });

  it('pages through more than 100 existing comments and 100 files', async () => {
    const files = Array.from({ length: 150 }, (_, i) => ({
      filename: `kernel/bpf/f${i}.c`,
      status: 'modified' as const,
      patch: '@@ -1,2 +1,3 @@\n a\n+b\n c',
    }));
    const p = gh.addPull(pull({ files }));
    gh.diffTooLarge = true; // forces the per-file listing
    const many = files.map((f, i) => finding({ file: f.filename, line: 2, fingerprint: `fp-${i}` }));
    const first = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => many, { maxInline: 200 }),
    );
    expect(first.diffSource).toBe('api-files');
    expect(first.review?.created).toBe(150);
    const filePages = gh.requests.filter((r) => r.path.endsWith('/files'));
    expect(filePages.map((r) => r.query.get('page') ?? '1')).toEqual(['1', '2']);
    const second = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => many, { maxInline: 200 }),
    );
    expect(second.review).toMatchObject({ created: 0, removed: 0, updated: 0 });
    const commentPages = gh.requests.filter((r) => r.path.endsWith('/comments') && r.method === 'GET');
    expect(commentPages.length).toBeGreaterThanOrEqual(3); // 1 page on run 1, 2 pages on run 2
    expect(gh.commentsOf(KEY)).toHaveLength(150);
  });

  it('retries a 502 and then succeeds', async () => {
    const p = gh.addPull(pull());
    gh.fail('POST', /\/reviews$/, 502, { times: 1 });
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    expect(out.review?.created).toBe(1);
    const posts = gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/reviews'));
    expect(posts.map((r) => r.status)).toEqual([502, 200]);
  });

  it('waits out a 429 secondary rate limit (retry-after) and then succeeds', async () => {
    const p = gh.addPull(pull());
    gh.fail('POST', /\/reviews$/, 429, { times: 1, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit' });
    const out = await reviewPullRequest(
      client(gh, { throttle: true }),
      prRef(p),
      opts(() => [finding()]),
    );
    expect(out.review?.created).toBe(1);
    const posts = gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/reviews'));
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(gh.commentsOf(KEY)).toHaveLength(1);
  });

  it('treats a 403 secondary rate limit as a wait, not as a missing permission', async () => {
    const p = gh.addPull(pull());
    gh.fail('POST', /\/reviews$/, 403, { times: 1, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit' });
    const out = await reviewPullRequest(
      client(gh, { throttle: true }),
      prRef(p),
      opts(() => [finding()]),
    );
    expect(out.review).toMatchObject({ forbidden: false, created: 1 });
    expect(gh.checkRuns).toHaveLength(0);
  });

  it('moves a comment GitHub rejects (422) to the summary and posts the rest', async () => {
    const p = gh.addPull(pull());
    // The engine claims line 3 is in the diff (it is, as context) but the review is told it is not:
    // simulate GitHub refusing a comment the planner thought valid.
    gh.fail('POST', /\/reviews$/, 422, { times: 1, message: 'Unprocessable Entity' });
    gh.fail('POST', /\/reviews$/, 422, { times: 1, message: 'Line could not be resolved' }); // first probe
    const fs = [finding(), finding({ fingerprint: 'fp-2', line: 14, severity: 'warning', message: 'second finding' })];
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => fs),
    );
    expect(out.review?.created).toBe(1);
    expect(out.review?.summaryOnly.map((f) => f.fingerprint)).toEqual(['KF-IDX-01:bpf_demo_counter:idx']);
    const final = gh.reviewsOf(KEY).filter((r) => r.state === 'COMMENTED');
    expect(final).toHaveLength(1);
    expect(final[0]!.body).toContain('without a bounds check');
    expect(gh.reviewsOf(KEY).some((r) => r.state === 'PENDING')).toBe(false);
    expect(gh.commentsOf(KEY).map((c) => c.line)).toEqual([14]);
  });

  it('falls back to a check run with annotations when reviews are forbidden', async () => {
    const p = gh.addPull(pull());
    gh.forbid.add('comments');
    gh.forbid.add('reviews'); // a fork PR's read-only token: reads work, writes get 403
    const out = await reviewPullRequest(
      client(gh),
      prRef(p),
      opts(() => [finding()]),
    );
    expect(out.review?.forbidden).toBe(true);
    expect(gh.checkRuns).toHaveLength(1);
    expect(gh.checkRuns[0]).toMatchObject({ head_sha: HEAD, conclusion: 'failure' });
    expect(gh.checkRuns[0]!.annotations[0]).toMatchObject({ path: 'kernel/bpf/demo.c', start_line: 12, annotation_level: 'failure' });
  });
});
