// The seam between the GitHub layer and the review engine. The GitHub code only needs
// "text in, findings out"; keeping that as an injectable function lets tests feed fixed
// findings, and the real engine (src/pipeline/review.ts) is the default.
import type { Finding, RuleMeta, Severity } from '../core/types.js';

export interface EngineOptions {
  /** Root of a checkout at the PR head, so the engine can read whole files. */
  tree?: string;
  kernel?: string;
  failLevel?: Severity;
  configPath?: string;
}

/** Structural copy of src/pipeline/review.ts's ReviewResult; only the fields this layer reads. */
export interface EngineResult {
  patches: unknown[];
  findings: Finding[];
  errors: { input: string; message: string }[];
  notes: string[];
}

export type ReviewFn = (text: string, inputName: string, opts: EngineOptions) => EngineResult | Promise<EngineResult>;

export interface Engine {
  review: ReviewFn;
  rules: RuleMeta[];
}

/** The real engine (src/pipeline/review.ts): its `warnings` are this layer's `notes`. */
export async function loadEngine(): Promise<Engine> {
  // Imported lazily so `kfunc-review serve` starts (and fails on bad config) before tree-sitter loads.
  const { reviewText, InputRejected } = await import('../pipeline/review.js');
  const { registry } = await import('../rules/index.js');
  const review: ReviewFn = async (text, name, opts) => {
    try {
      const r = await reviewText(text, name, { ...(opts.tree ? { tree: opts.tree } : {}), ...(opts.kernel ? { kernel: opts.kernel } : {}) });
      return { patches: r.patches, findings: r.findings, errors: r.errors, notes: r.warnings };
    } catch (err) {
      // A PR whose diff is not a reviewable patch (binary only, damaged) is a report, not a crash.
      if (err instanceof InputRejected) return { patches: [], findings: [], errors: [{ input: name, message: err.message }], notes: [] };
      throw err;
    }
  };
  return { review, rules: registry.map((r) => r.meta) };
}
