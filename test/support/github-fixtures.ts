// Shared test material for the GitHub layer: a kfunc patch as GitHub would show it, findings
// shaped like the engine's, and a client wired to the stand-in with fast retries.
import type { Finding } from '../../src/core/types.js';
import type { Engine } from '../../src/github/engine.js';
import type { ReviewOptions } from '../../src/pipeline/review.js';
import { emptyResult, type ReviewResult } from '../../src/pipeline/review-result.js';
import { createClient, type GitHubClient, type Logger } from '../../src/github/octokit.js';
import type { GitHubStandin, StandinFile, StandinPull } from './github-standin.js';

export const HEAD = 'a'.repeat(40);
export const BASE = 'b'.repeat(40);

/** A kfunc that indexes an array with an unchecked caller-supplied value (line 12 of the new file). */
export const KFUNC_PATCH = [
  '@@ -1,6 +1,18 @@',
  ' // SPDX-License-Identifier: GPL-2.0',
  ' #include <linux/bpf.h>',
  ' #include <linux/btf_ids.h>',
  '+',
  '+static unsigned long demo_counters[8];',
  '+',
  '+__bpf_kfunc_start_defs();',
  '+',
  '+/* Return one counter; idx comes from the BPF program. */',
  '+__bpf_kfunc unsigned long bpf_demo_counter(int idx)',
  '+{',
  '+	return demo_counters[idx];',
  '+}',
  '+',
  '+__bpf_kfunc_end_defs();',
  ' ',
  ' static int __init demo_init(void)',
  ' {',
].join('\n');

export const KFUNC_FILE: StandinFile = { filename: 'kernel/bpf/demo.c', status: 'modified', patch: KFUNC_PATCH };

export function pull(overrides: Partial<StandinPull> = {}): StandinPull {
  return { owner: 'torvalds', repo: 'linux', number: 7, headSha: HEAD, baseSha: BASE, files: [KFUNC_FILE], ...overrides };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'KF-IDX-01',
    severity: 'error',
    kfunc: 'bpf_demo_counter',
    file: 'kernel/bpf/demo.c',
    line: 12,
    side: 'new',
    patch: '',
    patchIndex: 0,
    message: '`idx` indexes `demo_counters` without a bounds check',
    evidence: ['demo_counters has 8 entries', 'idx is a caller-controlled int'],
    fingerprint: 'KF-IDX-01:bpf_demo_counter:idx',
    onAddedLine: true,
    inDiff: true,
    messageId: 'unchecked',
    ...overrides,
  };
}

/** A review result holding these findings (tied to no patch), as the engine would return it. */
export function resultOf(findings: Finding[], extra: Partial<Pick<ReviewResult, 'errors' | 'warnings'>> = {}): ReviewResult {
  const r = emptyResult();
  r.findings.push(...findings);
  r.report.findings.push(...findings.map((finding) => ({ finding, patch: null, quote: [] })));
  r.errors.push(...(extra.errors ?? []));
  r.warnings.push(...(extra.warnings ?? []));
  return r;
}

export function fakeEngine(
  findings: () => Finding[],
  extra: Partial<Pick<ReviewResult, 'errors' | 'warnings'>> = {},
): Engine & { calls: { text: string; name: string; tree?: string; opts: ReviewOptions }[] } {
  const calls: { text: string; name: string; tree?: string; opts: ReviewOptions }[] = [];
  return {
    calls,
    rules: [
      {
        id: 'KF-IDX-01',
        severity: 'error',
        description: 'Bound every index a BPF program controls',
        rationale: 'The verifier does not see inside kfuncs.',
        kernels: 'all',
        messages: {},
      },
    ],
    review: (text, name, opts) => {
      calls.push({ text, name, ...(opts.tree ? { tree: opts.tree } : {}), opts });
      return resultOf(findings(), extra);
    },
  };
}

export const quietLog: Logger & { lines: string[] } = {
  lines: [],
  info(m) {
    this.lines.push(m);
  },
  warn(m) {
    this.lines.push(`warn: ${m}`);
  },
};

export function client(standin: GitHubStandin, opts: { throttle?: boolean; token?: string } = {}): GitHubClient {
  return createClient({
    baseUrl: standin.url,
    token: opts.token ?? 'test-token',
    retryBaseMs: 1,
    throttle: opts.throttle ?? false,
    log: quietLog,
  });
}

export function prRef(p: StandinPull) {
  return { owner: p.owner, repo: p.repo, number: p.number, headSha: p.headSha, baseSha: p.baseSha };
}

/**
 * The files of a patch (a fixture from fixtures/) as GitHub lists them for a pull request: one
 * `patch` of hunks per file. Hunks are cut by their line counts, so a format-patch signature
 * ("-- ") after the last hunk is not taken for a removed line.
 */
export function filesOfPatch(text: string): StandinFile[] {
  const lines = text.split('\n');
  const files: StandinFile[] = [];
  let cur: StandinFile | null = null;
  let hunk: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const d = /^diff --git a\/(\S+) b\/(\S+)$/.exec(l);
    if (d) {
      if (cur) cur.patch = hunk.join('\n');
      hunk = [];
      cur = {
        filename: d[2]!,
        status: 'modified',
        patch: '',
        ...(d[1] !== d[2] ? { previous_filename: d[1]!, status: 'renamed' as const } : {}),
      };
      files.push(cur);
      continue;
    }
    if (!cur) continue;
    if (l.startsWith('new file mode')) cur.status = 'added';
    if (l.startsWith('deleted file mode')) cur.status = 'removed';
    const h = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(l);
    if (!h) continue;
    hunk.push(l);
    let old = Number(h[1] ?? 1);
    let neu = Number(h[2] ?? 1);
    while ((old > 0 || neu > 0) && i + 1 < lines.length) {
      const x = lines[++i]!;
      hunk.push(x);
      if (x.startsWith('-')) old--;
      else if (x.startsWith('+')) neu--;
      else if (!x.startsWith('\\')) {
        old--;
        neu--;
      }
    }
  }
  if (cur) cur.patch = hunk.join('\n');
  return files;
}
