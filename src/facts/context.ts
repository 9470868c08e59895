// The facts context: the computed analyses several rules share, offered to every rule as
// ctx.facts (the way ESLint offers scope and code-path analysis). One context per model
// (factsFor), one memoised getter per fact, nothing computed until a rule asks, so rules that
// never ask pay nothing. Facts answer questions about the code; they name no rule and carry no
// message: the rules decide what a fact means for them.
//
// To add a fact: declare its getter in `Facts` and implement it in `ModelFacts` with `memoised`.
import type { FunctionDef, KfuncDef, PatchModel } from '../model/model.js';
import { IndexFlowAnalyzer, type SizedArg } from './index/args.js';
import { type GuardStatus, type ParamFlow, type Sink, chainCallees } from './index/flow-types.js';
import { type ArgVerdict, evaluateKfunc, summary, tableByAccess } from './semantics/index.js';
import type { Verdict } from './semantics/verdict-type.js';
import { type ClaimAssessment, claimsFor } from './disputes.js';
import { neverZero } from './return-sign.js';
import { argUse, type ArgUse } from './pointer-args.js';
import { atomicSections, scanSleeps, type HeldSection, type SleepScan } from './sleep-scan.js';
import { EffectAnalysis, type ObjectEffect } from './references/object-effects.js';
import { type ReturnedReference, ReturnAnalysis } from './references/returned-reference.js';
import { type ReleasedArgument, releasedArgument } from './references/released-argument.js';
import { type NullReturn, NullAnalysis } from './references/null-return.js';
import { type BufferAccess, bufferAccesses } from './memory/buffers.js';
import { type OverRead, unsizedOverReads } from './memory/unsized-pointers.js';
import { type FixedCopy, fixedCopies } from './memory/fixed-copies.js';
import { withWork, WORK_LIMITS, type WorkStop } from '../model/work.js';

/** A fact that stopped before it was done: the function and the reason (core words it). */
export interface FactStop {
  fn: string;
  fact: 'flows' | 'return sign';
  why: WorkStop;
}

export interface Facts {
  /** The scalar parameters of `fn` that BPF controls, with every sink each reaches (./index). */
  flows(fn: FunctionDef): ParamFlow[];
  /**
   * The semantics engine's verdict per parameter of `k` (by parameter name). Empty when no value
   * reaches a modelled table or summarised callee (nothing could be decided there), or when the
   * engine gave up on the body: then the syntax in `flows` is all there is.
   */
  verdicts(k: KfuncDef): ReadonlyMap<string, ArgVerdict>;
  /**
   * The struct pointers of `fn` followed by their `__sz` size, with every field access and the
   * size checks that dominate it (./index/sized-args.ts).
   */
  sizedArgs(fn: FunctionDef): SizedArg[];
  /** The disputed claims (./disputes.ts) that touch a finding on parameter `f`, assessed for it. */
  claims(f: ParamFlow, guard: string | null, verdict: Verdict | undefined, status: GuardStatus | null): ClaimAssessment[];
  /**
   * Can a success path of `fn` return 0? A success path is a `return` of a non-constant; it
   * cannot return 0 when the guards dominating it fix the sign (./return-sign.ts).
   */
  successMayReturnZero(fn: FunctionDef): boolean;
  /**
   * What `fn` and the visible helpers it hands the pointer to do with pointer parameter
   * `param`: dereference, hand-off, NULL test, RCU-safe reference (./pointer-args.ts).
   */
  argUse(fn: FunctionDef, param: string): ArgUse;
  /** The calls of `fn` that may sleep, through visible helpers and callee regions (./sleep-scan.ts). */
  sleeps(fn: FunctionDef): SleepScan;
  /** The atomic sections (spinlock, RCU, preempt, irq) the body of `fn` opens itself. */
  atomicSections(fn: FunctionDef): HeldSection[];
  /**
   * The reference the pointer `fn` returns carries (a grab on the returned object, a referenced
   * getter, an allocation, an unlink, an acquire kfunc), followed through locals and visible
   * callees, and the parameters it returns as they came (./references).
   */
  returnedReference(fn: FunctionDef): ReturnedReference;
  /** The pointer parameter `fn` drops or frees without grabbing it first, or null (./references). */
  releasedArgument(fn: FunctionDef): ReleasedArgument | null;
  /** What `fn` does to the reference of its parameter `param`: grabs, puts, frees, unlinks. */
  paramEffects(fn: FunctionDef, param: string): ObjectEffect[];
  /** The first way `fn` can return NULL, or null when no path visibly does (./references). */
  nullReturn(fn: FunctionDef): NullReturn | null;
  /**
   * What `fn` and the visible helpers it hands them to read or write through its `__sz`/`__szk`
   * sized buffers, with each access's extent and the size checks covering it (./memory/buffers.ts).
   */
  bufferAccesses(fn: FunctionDef): BufferAccess[];
  /**
   * The uses of `fn`'s unsized scalar-pointer parameters (`char *s` without `__str` or a size)
   * that reach past the one element the verifier checks (./memory/unsized-pointers.ts).
   */
  unsizedOverReads(fn: FunctionDef): OverRead[];
  /**
   * The copies from BPF memory into fixed-size kernel arrays in `fn` and its visible helpers,
   * with the bounds on their lengths (./memory/fixed-copies.ts).
   */
  fixedCopies(fn: FunctionDef): FixedCopy[];
}

/** A getter computed once per key (the first argument, or what `keyOf` makes of it). */
function memoised<A, V>(compute: (a: A) => V, keyOf: (a: A) => unknown = (a) => a): (a: A) => V {
  const memo = new Map<unknown, V>();
  return (a) => {
    const key = keyOf(a);
    if (memo.has(key)) return memo.get(key)!;
    const v = compute(a);
    memo.set(key, v);
    return v;
  };
}

/** Does the semantics engine model anything this sink reaches (a table or a summarised callee)? */
function modelled(s: Sink): boolean {
  return (s.kind === 'subscript' && !!tableByAccess(s.target)) || chainCallees(s).some((c) => !!summary(c));
}

/** A return of a constant (`0`, `-1`, `-EINVAL`, `true`): a failure or fixed value, not a success path. */
const CONSTANT_RETURN = /^\(?\s*-?\s*(\d+|[A-Z_][A-Z0-9_]*|true|false)\s*\)?$/;

class ModelFacts implements Facts {
  private analyzer: IndexFlowAnalyzer | undefined;
  private effectAnalysis: EffectAnalysis | undefined;
  private returnAnalysis: ReturnAnalysis | undefined;
  private nullAnalysis: NullAnalysis | undefined;

  private get effects(): EffectAnalysis {
    return (this.effectAnalysis ??= new EffectAnalysis(this.model));
  }
  /** Facts that ran out of budget or stack (nothing is dropped in silence: core reports these). */
  readonly stops: FactStop[] = [];

  constructor(private readonly model: PatchModel) {}

  // Keyed by name: the kfuncs and siblings asked about are the new side, where a name is one
  // function (a second #ifdef variant of it shares the first one's flows).
  readonly flows = memoised(
    (fn: FunctionDef): ParamFlow[] => {
      this.analyzer ??= new IndexFlowAnalyzer(this.model);
      const analyzer = this.analyzer;
      const run = withWork(WORK_LIMITS.factSteps, () => analyzer.flows(fn));
      if ('value' in run) return run.value;
      this.stops.push({ fn: fn.name, fact: 'flows', why: run.stopped });
      return [];
    },
    (fn) => fn.name,
  );

  readonly sizedArgs = memoised(
    (fn: FunctionDef) => {
      this.analyzer ??= new IndexFlowAnalyzer(this.model);
      return this.analyzer.sizedArgs(fn);
    },
    (fn) => fn.name,
  );

  readonly verdicts = memoised((k: KfuncDef): ReadonlyMap<string, ArgVerdict> => {
    const m = new Map<string, ArgVerdict>();
    // Only a value that reaches a modelled table or summarised callee can get a verdict other
    // than `unconfirmed`, so the (costly) probing runs only for those.
    if (!this.flows(k).some((f) => f.sinks.some(modelled))) return m;
    try {
      for (const v of evaluateKfunc(k, { functions: this.model.functions, enums: this.model.enums })) m.set(v.param, v);
    } catch {
      // The engine gave up on this body (syntax it does not model): the syntax layer decides.
    }
    return m;
  });

  claims(f: ParamFlow, guard: string | null, verdict: Verdict | undefined, status: GuardStatus | null): ClaimAssessment[] {
    return claimsFor({
      paramType: f.type,
      suffix: f.suffix,
      guard,
      verdict,
      enums: this.model.enums,
      guardComplete: status === 'complete',
    });
  }

  readonly successMayReturnZero = memoised((fn: FunctionDef) => {
    const successes = fn.body.descendantsOfType('return_statement').filter((r) => {
      const e = r.namedChildren[0];
      return e && !CONSTANT_RETURN.test(e.text);
    });
    const run = withWork(WORK_LIMITS.factSteps, () => successes.length > 0 && !successes.every((r) => neverZero(r)));
    if ('value' in run) return run.value;
    // Not shown never to return 0: answered as "may", and the stop is reported.
    this.stops.push({ fn: fn.name, fact: 'return sign', why: run.stopped });
    return true;
  });

  // Keyed by file, name and line: each definition (an #ifdef variant too) gets its own answer.
  private readonly argUseMemo = new Map<string, ArgUse>();
  argUse(fn: FunctionDef, param: string): ArgUse {
    const key = `${fn.file}:${fn.name}:${fn.line}:${param}`;
    let u = this.argUseMemo.get(key);
    if (!u) {
      u = argUse(this.model, fn, param);
      this.argUseMemo.set(key, u);
    }
    return u;
  }

  readonly sleeps = memoised(
    (fn: FunctionDef) => scanSleeps(this.model, fn),
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  readonly atomicSections = memoised(
    (fn: FunctionDef) => atomicSections(fn),
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  readonly returnedReference = memoised(
    (fn: FunctionDef) => {
      this.returnAnalysis ??= new ReturnAnalysis(this.model, this.effects);
      return this.returnAnalysis.returned(fn);
    },
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  readonly releasedArgument = memoised(
    (fn: FunctionDef) => releasedArgument(this.effects, fn),
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  paramEffects(fn: FunctionDef, param: string): ObjectEffect[] {
    return this.effects.paramEffects(fn, param);
  }

  readonly nullReturn = memoised(
    (fn: FunctionDef) => {
      this.nullAnalysis ??= new NullAnalysis(this.model);
      return this.nullAnalysis.nullReturn(fn);
    },
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  readonly bufferAccesses = memoised(
    (fn: FunctionDef) => bufferAccesses(this.model, fn),
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  readonly unsizedOverReads = memoised(
    (fn: FunctionDef) => unsizedOverReads(this.model, fn),
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );

  readonly fixedCopies = memoised(
    (fn: FunctionDef) => fixedCopies(this.model, fn),
    (fn) => `${fn.file}:${fn.name}:${fn.line}`,
  );
}

const contexts = new WeakMap<PatchModel, Facts>();

/** The facts of `model` that stopped before they were done (empty when none did). */
export function factStops(model: PatchModel): readonly FactStop[] {
  return (contexts.get(model) as ModelFacts | undefined)?.stops ?? [];
}

/** The facts context of `model`: one per model, its facts computed on first use. */
export function factsFor(model: PatchModel): Facts {
  let f = contexts.get(model);
  if (!f) {
    f = new ModelFacts(model);
    contexts.set(model, f);
  }
  return f;
}
