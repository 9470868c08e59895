// What the engine says about a pull request, before anything is published: one review of the
// whole PR diff, or, when the PR's commits form a series, one review per commit (its subject,
// its diff against its parent) with each finding placed on the PR's diff (see line-map.ts).
// Whole-file images come from the checkout's git objects, never from applying the diff.
// The filter mode then decides which findings are reported at all.
import type { Finding } from '../core/types.js';
import type { ReviewOptions } from '../pipeline/review.js';
import { emptyResult, mergeResults, type ReviewResult } from '../pipeline/review-result.js';
import { readDiff } from '../intake/diff.js';
import type { Engine } from './engine.js';
import type { DiffLines } from './diff-lines.js';
import { checkoutImages, hasCommit, readBlob } from './checkout-images.js';
import { anchorOf, commitHunks, placeOnPr, type CommitHunks, type Place } from './line-map.js';
import { commitDiff, patchMail, subjectOf, type PrCommit } from './pr-commits.js';
import type { PrDiff, PullRef } from './pr-diff.js';
import type { GitHubClient } from './octokit.js';

export const FILTER_MODES = ['added', 'diff_context', 'file', 'nofilter'] as const;
export type FilterMode = (typeof FILTER_MODES)[number];

/** One commit of a series and what its review found (lines of that commit). */
export interface PatchSection {
  index: number;
  total: number;
  sha: string;
  subject: string;
  findings: Finding[];
}

export interface PrReview {
  /** Engine results merged, config applied, filtered by the filter mode. */
  result: ReviewResult;
  /** Per commit, in order; null when the PR was reviewed as one patch. */
  patches: PatchSection[] | null;
  /** Copies of the findings at their place on the PR's diff (head lines; base lines for side 'old'). */
  placed: Finding[];
  /** Findings without a place on the PR head: a later commit changes their line. */
  unplaced: Finding[];
}

export interface PrReviewInput {
  engine: Engine;
  review: ReviewOptions;
  name: string;
  diff: PrDiff;
  diffLines: DiffLines;
  /** The PR's commits when they form a series of two or more; else null. */
  series: PrCommit[] | null;
  filterMode: FilterMode;
}

/** A PR with no textual change has nothing for the engine to read. */
function hasHunks(text: string): boolean {
  return /^@@ /m.test(text);
}

async function runEngine(engine: Engine, text: string, name: string, opts: ReviewOptions): Promise<ReviewResult> {
  if (!hasHunks(text)) {
    const r = emptyResult();
    r.warnings.push(`${name}: no textual change to review`);
    return r;
  }
  return engine.review(text, name, opts);
}

export async function reviewPr(gh: GitHubClient, pr: PullRef, o: PrReviewInput): Promise<PrReview> {
  const run = o.series ? await reviewSeries(gh, pr, o, o.series) : await reviewWhole(o);
  return applyFilter(run, o.diffLines, o.filterMode);
}

async function reviewWhole(o: PrReviewInput): Promise<PrReview> {
  const { diff } = o;
  const opts: ReviewOptions = {
    ...o.review,
    ...(diff.tree ? { tree: diff.tree } : {}),
    ...(diff.tree && diff.from ? { images: checkoutImages(diff.tree, diff.from, 'HEAD') } : {}),
  };
  const result = await runEngine(o.engine, diff.text, o.name, opts);
  return { result, patches: null, placed: [...result.findings], unplaced: [] };
}

async function reviewSeries(gh: GitHubClient, pr: PullRef, o: PrReviewInput, commits: PrCommit[]): Promise<PrReview> {
  const ws = o.diff.tree;
  // The checkout serves every commit only when it holds all of them (fetch-depth deep enough).
  const local = ws && commits.every((c) => hasCommit(ws, c.sha) && hasCommit(ws, c.parents[0]!)) ? ws : undefined;
  const results: ReviewResult[] = [];
  const patches: PatchSection[] = [];
  const hunks: CommitHunks[] = [];
  const notes: string[] = [];
  if (ws && !local)
    notes.push(`${o.name}: the checkout lacks some of the pull request's commits; they were read from the API (hunks only)`);
  for (const [i, c] of commits.entries()) {
    const text = await commitDiff(gh, pr, c, local);
    let files: ReturnType<typeof readDiff> = [];
    try {
      files = readDiff(text);
    } catch {
      // The engine reports what it cannot read; without hunks the findings stay in the summary.
    }
    hunks.push(commitHunks(files));
    const name = `${o.name} ${c.sha.slice(0, 12)}`;
    const opts: ReviewOptions = {
      ...o.review,
      ...(local ? { tree: local, images: checkoutImages(local, c.parents[0]!, c.sha) } : {}),
    };
    const r = await runEngine(o.engine, hasHunks(text) ? patchMail(c, i + 1, commits.length, text) : text, name, opts);
    results.push(r);
    patches.push({ index: i + 1, total: commits.length, sha: c.sha, subject: subjectOf(c.message), findings: r.findings });
  }
  const result = mergeResults(results);
  result.warnings.unshift(...notes);
  const placed: Finding[] = [];
  const unplaced: Finding[] = [];
  // Where git's diff aligns rewritten code with a copy of it elsewhere (a fixed body whose old
  // lines now read as another function's), the line maps but its function is not the same: with
  // the files of both commits at hand (the checkout, else the contents API), a finding is placed
  // only when its line still sits in the same top-level construct (function header, declaration)
  // at the PR head (or base) as in its commit.
  const texts = new Map<string, Promise<string>>();
  const textAt = (sha: string, path: string) => {
    const key = `${sha}:${path}`;
    if (!texts.has(key)) texts.set(key, local ? Promise.resolve(readBlob(local, sha, path) ?? '') : fileAt(gh, pr, sha, path));
    return texts.get(key)!;
  };
  const head = commits[commits.length - 1]!.sha;
  const from = commits[0]!.parents[0]!;
  const same = async (k: number, f: Finding, at: Place) => {
    const c = commits[k]!;
    const [was, is] = at.side === 'new' ? [c.sha, head] : [c.parents[0]!, from];
    const [a, b] = [await textAt(was, f.file), await textAt(is, at.file)];
    // A file that cannot be read (API error) cannot contradict the place.
    return !a || !b || anchorOf(a, f.line) === anchorOf(b, at.line);
  };
  // Latest patch first: when two patches report the same finding, the inline comment is the later one's.
  for (let k = patches.length - 1; k >= 0; k--) {
    for (const f of patches[k]!.findings) {
      const at = placeOnPr(hunks, k, { file: f.file, line: f.line, side: f.side });
      if (at && (await same(k, f, at))) placed.push(moved(f, at, o.diffLines));
      else unplaced.push(f);
    }
  }
  return { result, patches, placed, unplaced };
}

/** A file at a commit through the contents API; empty when it cannot be read. */
async function fileAt(gh: GitHubClient, pr: PullRef, ref: string, path: string): Promise<string> {
  try {
    const res = await gh.rest.repos.getContent({ owner: pr.owner, repo: pr.repo, path, ref });
    const data = res.data as { type?: string; content?: string; encoding?: string };
    if (data.type !== 'file' || data.encoding !== 'base64' || typeof data.content !== 'string') return '';
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch {
    return '';
  }
}

/** A copy of the finding at its place on the PR diff. */
function moved(f: Finding, at: Place, lines: DiffLines): Finding {
  const file = lines.get(at.file);
  const inDiff = !!file && (at.side === 'new' ? file.right : file.left).has(at.line);
  const onAddedLine = at.side === 'new' && !!file?.added.has(at.line);
  return { ...f, file: at.file, line: at.line, inDiff, onAddedLine };
}

/** Whether filter mode `mode` reports a finding at place `at` (null: no place on the PR's diff). */
export function inFilter(mode: FilterMode, lines: DiffLines, f: Finding, at: Place | null): boolean {
  if (mode === 'nofilter') return true;
  if (mode === 'file') return lines.has(at?.file ?? f.file);
  if (!at) return false;
  const file = lines.get(at.file);
  if (!file) return false;
  if (mode === 'added') return at.side === 'new' && file.added.has(at.line);
  return (at.side === 'new' ? file.right : file.left).has(at.line);
}

/** Drops what the filter mode leaves out, from every output, and says how many. */
function applyFilter(run: PrReview, lines: DiffLines, mode: FilterMode): PrReview {
  if (mode === 'nofilter') return run;
  const placeOf = new Map<Finding, Place | null>();
  // A finding reported by two patches is kept or dropped by its place on the PR, once.
  for (const p of run.placed) placeOf.set(p, { file: p.file, line: p.line, side: p.side });
  const keepPlaced = run.placed.filter((p) => inFilter(mode, lines, p, placeOf.get(p)!));
  const keepUnplaced = run.unplaced.filter((f) => inFilter(mode, lines, f, null));
  const keptFps = new Set([...keepPlaced, ...keepUnplaced].map((f) => `${f.patchIndex}|${f.fingerprint}`));
  const keep = (f: Finding) => keptFps.has(`${f.patchIndex}|${f.fingerprint}`);
  const result: ReviewResult = {
    ...run.result,
    findings: run.result.findings.filter(keep),
    report: { ...run.result.report, findings: run.result.report.findings.filter((x) => keep(x.finding)) },
    warnings: [...run.result.warnings],
  };
  const dropped = run.result.findings.length - result.findings.length;
  if (dropped > 0) result.warnings.push(`${dropped} finding(s) outside filter-mode "${mode}" are not reported`);
  return {
    result,
    patches: run.patches?.map((p) => ({ ...p, findings: p.findings.filter(keep) })) ?? null,
    placed: keepPlaced,
    unplaced: keepUnplaced,
  };
}
