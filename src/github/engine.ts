// The seam between the GitHub layer and the review engine: the real ReviewOptions in, the real
// ReviewResult out (src/pipeline/review.ts), so an option the GitHub code sets reaches the engine
// unchanged and a new one cannot be dropped on the way. The engine is injectable so tests can
// feed fixed findings; the real one is the default.
import type { RuleMeta } from '../core/types.js';
import type { ReviewOptions, ReviewResult } from '../pipeline/review.js';

export type ReviewFn = (text: string, inputName: string, opts: ReviewOptions) => ReviewResult | Promise<ReviewResult>;

export interface Engine {
  review: ReviewFn;
  rules: RuleMeta[];
}

/** The real engine: reviewText, with an input it cannot read reported as an input error. */
export async function loadEngine(): Promise<Engine> {
  // Imported lazily so `kfunc-review serve` starts (and fails on bad config) before tree-sitter loads.
  const { reviewText, emptyResult, InputRejected } = await import('../pipeline/review.js');
  const { registry } = await import('../rules/index.js');
  const review: ReviewFn = async (text, name, opts) => {
    try {
      return await reviewText(text, name, opts);
    } catch (err) {
      // A PR whose diff is not a reviewable patch (binary only, damaged) is a report, not a crash.
      if (!(err instanceof InputRejected)) throw err;
      const r = emptyResult();
      r.errors.push({ input: name, message: err.message });
      return r;
    }
  };
  return { review, rules: registry.map((r) => r.meta) };
}
