// What the reliability tests ask of a review: refused with a one-line reason, reviewed with an
// error line naming what was not reviewed ('partial'), or reviewed; and how long it took.
import { reviewText, decodeInput, InputRejected } from '../../src/pipeline/review.js';
import { hostileInputs, type HostileInput } from '../../scripts/hostile-inputs.mjs';

const HOSTILE = new Map(hostileInputs().map((h) => [h.name, h]));
export const hostile = (name: string): HostileInput => HOSTILE.get(name)!;

/** Reviews in-process: 'rejected' with the one-line reason, or the result. */
export async function outcome(text: string, name = 'input.patch') {
  const t0 = performance.now();
  try {
    const r = await reviewText(decodeInput(Buffer.from(text), name), name);
    return { kind: r.errors.length ? ('partial' as const) : ('review' as const), r, ms: performance.now() - t0 };
  } catch (err) {
    if (err instanceof InputRejected) return { kind: 'rejected' as const, message: err.message, ms: performance.now() - t0 };
    throw err;
  }
}
