// Pure parts of the GitHub layer: diff line map, comment planning, markdown, SARIF,
// signatures, and check run batching against the stand-in.
import { describe, expect, it } from 'vitest';
import { parseDiffLines, isCommentable } from '../src/github/diff-lines.js';
import { planComments, type ExistingComment } from '../src/github/plan.js';
import { inlineBody, mdText, readFingerprint } from '../src/github/markdown.js';
import { formatSarif } from '../src/report/sarif.js';
import { fails } from '../src/core/policy.js';
import { signPayload, verifySignature } from '../src/github/webhook-signature.js';
import { publishCheckRun } from '../src/github/check-run.js';
import { diffFromFiles } from '../src/github/pr-diff.js';
import { GitHubStandin } from './support/github-standin.js';
import { client, finding, pull, prRef, KFUNC_PATCH, HEAD } from './support/github-fixtures.js';

const DIFF = `diff --git a/kernel/bpf/demo.c b/kernel/bpf/demo.c\n--- a/kernel/bpf/demo.c\n+++ b/kernel/bpf/demo.c\n${KFUNC_PATCH}\n`;

describe('diff line map', () => {
  it('knows the right and left lines of each hunk', () => {
    const lines = parseDiffLines(DIFF);
    expect(isCommentable(lines, 'kernel/bpf/demo.c', 12, 'RIGHT')).toBe(true);
    expect(isCommentable(lines, 'kernel/bpf/demo.c', 18, 'RIGHT')).toBe(true);
    expect(isCommentable(lines, 'kernel/bpf/demo.c', 19, 'RIGHT')).toBe(false);
    expect(isCommentable(lines, 'kernel/bpf/demo.c', 5, 'LEFT')).toBe(true);
    expect(isCommentable(lines, 'kernel/bpf/demo.c', 10, 'RIGHT', 7)).toBe(true);
    expect(isCommentable(lines, 'other.c', 1, 'RIGHT')).toBe(false);
  });

  it('counts hunk lines, so a removed "--- x" line is not a file header', () => {
    const d = 'diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,2 @@\n--- old\n+++ new\n ctx\n';
    const lines = parseDiffLines(d);
    expect([...lines.keys()]).toEqual(['a.c']);
    expect(isCommentable(lines, 'a.c', 1, 'RIGHT')).toBe(true);
    expect(isCommentable(lines, 'a.c', 2, 'RIGHT')).toBe(true);
    expect(isCommentable(lines, 'a.c', 1, 'LEFT')).toBe(true);
  });

  it('rebuilds a diff from the file list, new and deleted files included', () => {
    const text = diffFromFiles([
      { filename: 'n.c', status: 'added', patch: '@@ -0,0 +1 @@\n+x' },
      { filename: 'd.c', status: 'removed', patch: '@@ -1 +0,0 @@\n-x' },
      { filename: 'bin.o', status: 'modified' },
    ]);
    expect(text).toContain('--- /dev/null\n+++ b/n.c');
    expect(text).toContain('--- a/d.c\n+++ /dev/null');
    expect(text).not.toContain('bin.o');
    expect(isCommentable(parseDiffLines(text), 'n.c', 1, 'RIGHT')).toBe(true);
  });
});

describe('comment plan', () => {
  const lines = parseDiffLines(DIFF);
  const own = (over: Partial<ExistingComment> = {}): ExistingComment => ({
    id: 1,
    body: inlineBody(finding()),
    path: 'kernel/bpf/demo.c',
    line: 12,
    side: 'RIGHT',
    user: { login: 'bot[bot]', type: 'Bot' },
    ...over,
  });

  it('re-posts a moved finding when nobody replied', () => {
    const plan = planComments({ findings: [finding({ line: 11 })], diffLines: lines, existing: [own()], maxInline: 30, headSha: HEAD });
    expect(plan.remove.map((r) => r.id)).toEqual([1]);
    expect(plan.create.map((c) => c.comment.line)).toEqual([11]);
  });

  it('never treats a human comment carrying our marker as its own', () => {
    const plan = planComments({
      findings: [],
      diffLines: lines,
      existing: [own({ user: { login: 'alice', type: 'User' } })],
      maxInline: 30,
      headSha: HEAD,
    });
    expect(plan.remove).toEqual([]);
    expect(plan.update).toEqual([]);
  });

  it('sends a range with start_line/start_side when the finding has one', () => {
    const f = Object.assign(finding(), { startLine: 10 });
    const plan = planComments({ findings: [f], diffLines: lines, existing: [], maxInline: 30, headSha: HEAD });
    expect(plan.create[0]!.comment).toMatchObject({ line: 12, start_line: 10, start_side: 'RIGHT', side: 'RIGHT' });
  });

  it('lists a dispositioned finding in the summary and drops its old comment', () => {
    const f = finding({ disposition: { reason: 'bounded by caller', contradicted: false } });
    const plan = planComments({ findings: [f], diffLines: lines, existing: [own()], maxInline: 30, headSha: HEAD });
    expect(plan.summaryOnly).toHaveLength(1);
    expect(plan.remove.map((r) => r.id)).toEqual([1]);
  });
});

describe('markdown', () => {
  it('escapes C prose outside code spans and keeps the marker readable', () => {
    expect(mdText('__bpf_kfunc *p <x> `a_b*c`')).toBe('\\_\\_bpf\\_kfunc \\*p &lt;x&gt; `a_b*c`');
    const body = inlineBody(finding({ fingerprint: 'a--> b' }));
    expect(readFingerprint(body)).toBe('a-b');
    expect(body).not.toContain('a-->');
  });
});

describe('SARIF', () => {
  it('maps rules, levels, locations, fingerprints and input errors', () => {
    const meta = {
      id: 'KF-IDX-01',
      severity: 'error' as const,
      description: 'Bound indexes',
      rationale: 'The verifier cannot see it.',
      kernels: 'all',
      messages: {},
    };
    const findings = [finding(), finding({ rule: 'KF-X', severity: 'info', fingerprint: 'fp2' })].map((f) => ({
      finding: f,
      patch: null,
      quote: [],
    }));
    const input = {
      tool: { name: 'kfunc-review', version: '1.2.3' },
      patches: [],
      findings,
      errors: [{ input: 'a.patch', message: 'no hunks' }],
      notes: [],
    };
    const sarif = JSON.parse(formatSarif(input, [meta])) as {
      version: string;
      runs: {
        tool: { driver: { rules: Record<string, unknown>[]; version: string } };
        results: Record<string, unknown>[];
        invocations: Record<string, unknown>[];
      }[];
    };
    const run = sarif.runs[0]!;
    expect(sarif.version).toBe('2.1.0');
    expect(run.tool.driver.version).toBe('1.2.3');
    expect(run.tool.driver.rules[0]).toMatchObject({
      id: 'KF-IDX-01',
      shortDescription: { text: 'Bound indexes' },
      fullDescription: { text: 'The verifier cannot see it.' },
      helpUri: expect.stringMatching(/^https:\/\/.+\/docs\/rules\/KF-IDX-01\.md$/),
      defaultConfiguration: { level: 'error' },
    });
    expect(run.results[0]).toMatchObject({
      ruleId: 'KF-IDX-01',
      ruleIndex: 0,
      level: 'error',
      partialFingerprints: { 'kfuncReview/v1': 'KF-IDX-01:bpf_demo_counter:idx' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'kernel/bpf/demo.c' }, region: { startLine: 12 } } }],
    });
    expect((run.results[0]!.message as { markdown: string }).markdown).toContain('- demo_counters has 8 entries');
    expect(run.results[1]).toMatchObject({ ruleId: 'KF-X', ruleIndex: 1, level: 'note' });
    expect(run.invocations[0]).toMatchObject({
      executionSuccessful: false,
      toolExecutionNotifications: [{ level: 'error', message: { text: 'a.patch: no hunks' } }],
    });
  });
});

describe('webhook signature', () => {
  it('accepts only the exact HMAC', () => {
    const body = Buffer.from('{"a":1}');
    expect(verifySignature('s', body, signPayload('s', body))).toBe(true);
    expect(verifySignature('s', body, signPayload('t', body))).toBe(false);
    expect(verifySignature('s', body, undefined)).toBe(false);
    expect(verifySignature('s', body, 'sha1=abc')).toBe(false);
  });
});

describe('check run', () => {
  it('sends 50 annotations per request and appends the rest with updates', async () => {
    const gh = await new GitHubStandin().start();
    try {
      const p = gh.addPull(pull());
      const many = Array.from({ length: 120 }, (_, i) => finding({ fingerprint: `fp${i}`, line: i + 1, severity: 'warning' }));
      const out = await publishCheckRun(client(gh), prRef(p), {
        name: 'kfunc-review',
        findings: many,
        failed: fails(many, 'error'),
        title: 't',
        summary: 's',
      });
      expect(out).toMatchObject({ annotations: 120, requests: 3, forbidden: false });
      expect(gh.checkRuns[0]!.annotations).toHaveLength(120);
      expect(gh.checkRuns[0]!.conclusion).toBe('neutral');
    } finally {
      await gh.stop();
    }
  });
});
