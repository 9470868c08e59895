// Work budget of one evaluateKfunc call. The engine re-runs the interpreter once per fork
// path, per probe, per profile; a body with many opaque branches (unknown callees) or loops
// compared against the parameter multiplies all three. The budget counts interpreter steps
// (plus a fixed charge per path) so the cost is bounded and deterministic: the same input
// stops at the same point on any machine. Hitting it makes the verdict 'unconfirmed' (never
// 'refuted'): what was not explored was not shown safe.

/** Interpreter steps for one kfunc, all parameters and profiles together (~100 ms warm on a 2-core EPYC; the seed kfuncs need under 60k). */
export const DEFAULT_STEPS = 250_000;
/** Steps charged for each path run, on top of its statements (setup, trace, classification). */
export const PATH_COST = 40;
/** Distinct probes per parameter and profile (the in-range sweep stops at 512). */
export const DEFAULT_PROBES = 1_000;

export interface BudgetLimits {
  /** Interpreter steps for the whole evaluateKfunc call. */
  steps?: number;
  /** Distinct probes per parameter and profile. */
  probes?: number;
}

export class BudgetExhausted extends Error {}

/**
 * A step counter with a limit. `share()` hands part of what is left to a sub-task; the
 * sub-task's use is added back with `absorb()` once it is done (so the hot path is one add).
 */
export class Budget {
  used = 0;
  /** Why the budget ran out, once it has. */
  exhausted: string | null = null;
  constructor(readonly limit: number) {}

  get left(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Charge `n` steps; throws BudgetExhausted past the limit. */
  spend(n: number): void {
    this.used += n;
    if (this.used > this.limit) this.exhaust(`step budget of ${this.limit} exhausted`);
  }

  exhaust(why: string): never {
    this.exhausted ??= why;
    throw new BudgetExhausted(why);
  }

  /** A sub-budget of an equal share of what is left among `ways` remaining sub-tasks. */
  share(ways: number): Budget {
    return new Budget(Math.floor(this.left / Math.max(1, ways)));
  }

  absorb(child: Budget): void {
    this.used += Math.min(child.used, child.limit);
  }
}
