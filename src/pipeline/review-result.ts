// What a review returns, and the two ways to make one without reviewing: empty (a front door
// reporting an input error) and merged (a batch of inputs). Kept apart from review.ts so the
// GitHub layer can build results without loading the engine (tree-sitter) at start-up.
import type { SeriesRecord } from '../intake/patch-mail.js';
import type { PatchModel } from '../model/model.js';
import type { PatchSummary } from '../core/summary.js';
import type { Finding } from '../core/types.js';
import type { InputError, ReportFinding, ReportPatch } from '../core/report-input.js';

export interface ReviewResult {
  patches: PatchSummary[];
  /** Config applied (rule levels, dispositions). */
  findings: Finding[];
  errors: InputError[];
  /** Warnings for stderr (recovered input, partial visibility). */
  warnings: string[];
  /** Models and series, for the model command (not serialised). */
  models: PatchModel[];
  series: SeriesRecord[];
  /**
   * The report's view of the same patches and findings (src/pipeline/report-input.ts): each
   * patch under its stable key with what an email reply needs, each finding tied to its patch
   * by that key and with its quoted lines. Built with the rest, so formatters only print.
   */
  report: { patches: ReportPatch[]; findings: ReportFinding[] };
}

/** A result with nothing in it (a front door that reports an input error instead of a review). */
export function emptyResult(): ReviewResult {
  return { patches: [], findings: [], errors: [], warnings: [], models: [], series: [], report: { patches: [], findings: [] } };
}

/** Merges the results of several inputs (a batch) into one. */
export function mergeResults(results: ReviewResult[]): ReviewResult {
  const out = emptyResult();
  // Loops, not push(...list): a spread of 100k+ arguments overflows the stack.
  const append = <T>(to: T[], from: T[]) => {
    for (const x of from) to.push(x);
  };
  const keys = new Set<string>();
  results.forEach((r, i) => {
    // The same input named twice in a batch reviews twice: its patches get their own keys, so
    // neither copy collects the other's findings.
    const clash = r.report.patches.some((p) => keys.has(p.key));
    const rekey = (k: string) => (clash ? `${k}@${i}` : k);
    for (const p of r.report.patches) keys.add(rekey(p.key));
    append(out.patches, r.patches);
    append(out.findings, r.findings);
    append(out.errors, r.errors);
    append(out.warnings, r.warnings);
    append(out.models, r.models);
    append(out.series, r.series);
    append(out.report.patches, clash ? r.report.patches.map((p) => ({ ...p, key: rekey(p.key) })) : r.report.patches);
    append(
      out.report.findings,
      clash ? r.report.findings.map((f) => ({ ...f, patch: f.patch === null ? null : rekey(f.patch) })) : r.report.findings,
    );
  });
  return out;
}
