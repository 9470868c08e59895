// Work accounting for the analyses over a model: a step budget, like the semantics engine's
// (src/facts/semantics/budget.ts), for the syntax walks that can grow faster than the code
// (climbing 10k nested `else if`s from every use, following a helper from each of 10k calls).
// A step is one unit of such work (a parent step, an identifier visited); the count is
// deterministic, so the same input stops at the same point on any machine. The analyses charge
// the budget that is running (withWork); outside one, charging costs nothing.

/**
 * Steps per budget: one function's syntax analysis (a fact such as flows or return signs; the
 * 6.12 audit's largest kfunc needs a few thousand, 10k nested `else if`s stay under it) and one
 * rule outside the facts. Tests lower them to reach the limit quickly.
 */
export const WORK_LIMITS = { factSteps: 500_000, ruleSteps: 5_000_000 };

export class WorkExhausted extends Error {
  override name = 'WorkExhausted';
  constructor(readonly limit: number) {
    super(`work budget of ${limit.toLocaleString('en-US')} steps used up`);
  }
}

interface Meter {
  used: number;
  limit: number;
}

const running: Meter[] = [];

/** Charges `n` steps to the innermost running budget; throws WorkExhausted past its limit. */
export function chargeWork(n = 1): void {
  const m = running[running.length - 1];
  if (!m) return;
  m.used += n;
  if (m.used > m.limit) throw new WorkExhausted(m.limit);
}

/** Why a piece of work was cut short: its budget ran out, or the syntax nests deeper than a walk can follow. */
export type WorkStop = { kind: 'budget'; limit: number } | { kind: 'depth' };

/**
 * Runs `fn` with a budget of `limit` steps. Returns its value, or the reason it stopped: the
 * budget ran out, or the stack did (syntax nested deeper than the walk can follow).
 */
export function withWork<T>(limit: number, fn: () => T): { value: T } | { stopped: WorkStop } {
  running.push({ used: 0, limit });
  try {
    return { value: fn() };
  } catch (err) {
    if (err instanceof WorkExhausted) return { stopped: { kind: 'budget', limit: err.limit } };
    if (err instanceof RangeError && /call stack/i.test(err.message)) return { stopped: { kind: 'depth' } };
    throw err;
  } finally {
    running.pop();
  }
}
