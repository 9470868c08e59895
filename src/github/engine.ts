// The seam between the GitHub layer and the review engine. The GitHub code only needs
// "text in, findings out"; keeping that as an injectable function lets tests feed fixed
// findings and keeps this layer independent of how the engine is built.
import type { Finding, RuleMeta, Severity } from '../types.js';

export interface EngineOptions {
  /** Root of a checkout at the PR head, so the engine can read whole files. */
  tree?: string;
  kernel?: string;
  failLevel?: Severity;
  configPath?: string;
}

/** Structural copy of src/review.ts's ReviewResult; only the fields this layer reads. */
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

/** What src/review.ts returns: `warnings` there are this layer's `notes`. */
interface RawResult {
  patches?: unknown[];
  findings: Finding[];
  errors?: { input: string; message: string }[];
  notes?: string[];
  warnings?: string[];
}

interface ReviewModule {
  reviewText: (text: string, inputName: string, opts: EngineOptions) => RawResult | Promise<RawResult>;
  rules?: RuleMeta[];
  InputRejected?: new (...args: never[]) => Error;
}

interface RulesModule {
  registry?: { meta: RuleMeta }[];
}

/**
 * Loads the real engine lazily. The specifiers are built at run time so this file type-checks
 * whether or not the engine modules exist yet (they are written in parallel).
 */
export async function loadEngine(): Promise<Engine> {
  const reviewUrl = new URL('../review.js', import.meta.url).href;
  const mod = (await import(reviewUrl)) as ReviewModule;
  let rules = mod.rules;
  if (!rules) {
    try {
      const rulesMod = (await import(new URL('../rules/index.js', import.meta.url).href)) as RulesModule;
      rules = rulesMod.registry?.map((r) => r.meta);
    } catch {
      // Rule metadata only enriches SARIF; a review without it is still correct.
    }
  }
  const review: ReviewFn = async (text, name, opts) => {
    try {
      const r = await mod.reviewText(text, name, opts);
      return { patches: r.patches ?? [], findings: r.findings, errors: r.errors ?? [], notes: [...(r.notes ?? []), ...(r.warnings ?? [])] };
    } catch (err) {
      // A PR whose diff is not a reviewable patch (binary only, empty) is a report, not a crash.
      if (mod.InputRejected && err instanceof mod.InputRejected) return { patches: [], findings: [], errors: [{ input: name, message: err.message }], notes: [] };
      throw err;
    }
  };
  return { review, rules: rules ?? [] };
}
