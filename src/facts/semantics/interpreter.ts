// The interpreter's state and entry: one run of a kfunc for one probe and one fork-choice prefix,
// with the frames, effects and forks it records.
// It runs the kfunc body (./statements.ts, ./expressions.ts), follows calls into visible
// definitions or model summaries (./calls.ts), and records effects. Forks (unknown bytes,
// unknown conditions) are resolved by the `prefix` handed in; explore.ts re-runs with every
// prefix to enumerate paths.
import type { FunctionDef } from '../../model/model.js';
import { BUILTIN_CONSTANTS, type BuiltinHost } from './builtins.js';
import { type CType, TY, wrap } from './ctype.js';
import type { Effect, ReturnValue } from './effects.js';
import type { Budget } from './budget.js';
import type { World } from './model-types.js';
import { tableByAccess } from './registry.js';
import { type Value, describe, int, opaque } from './values.js';
import { type CmpOp, type PatchEnums, compareValues, typeFromText } from './conversions.js';
import { callByName, callDefinition } from './calls.js';

const MAX_FORKS = 16;
const MAX_STEPS = 20000;

/** Thrown to stop a path: unsupported construct, budget, BUG_ON. */
export class Abort extends Error {}

export interface Frame {
  fn: string;
  text: string;
  locals: Map<string, { t: CType; v: Value }>;
}

export interface RunInput {
  kfunc: FunctionDef;
  functions: Map<string, FunctionDef>;
  world: World;
  param: string;
  /** The 64-bit register value BPF passes. */
  register: bigint;
  prefix: number[];
  /** Shared work budget of the evaluation (every step of every path is charged). */
  budget?: Budget;
  /** Enums the patch defines (name -> has a negative enumerator); they win over the models. */
  enums?: PatchEnums;
  /** Memo of classified type spellings, shared by the runs of one evaluation. */
  types?: Map<string, CType>;
}

export interface RunOutput {
  effects: Effect[];
  forks: string[];
  assumed: boolean;
  result: ReturnValue;
  aborted?: string;
  /** Arity and pick at each fork point, for the explorer. */
  choices: { pick: number; n: number }[];
  /** Constants the tainted value was compared against (probe discovery). */
  thresholds: bigint[];
  argValue: bigint;
}

export class Interpreter implements BuiltinHost {
  readonly effects: Effect[] = [];
  readonly forks: string[] = [];
  readonly choices: { pick: number; n: number }[] = [];
  readonly thresholds: bigint[] = [];
  assumed = false;
  /** The call stack; the statement, expression and call modules push, pop and read it. */
  readonly frames: Frame[] = [];
  private steps = 0;

  constructor(readonly input: RunInput) {}

  /** Classify a C type spelling (memoised per evaluation; patch enums taken into account). */
  type(text: string): CType {
    const memo = this.input.types;
    let t = memo?.get(text);
    if (!t) {
      t = typeFromText(text, this.input.enums);
      memo?.set(text, t);
    }
    return t;
  }

  get world(): World {
    return this.input.world;
  }

  get depth(): number {
    return Math.max(0, this.frames.length - 1);
  }

  chain(): string[] {
    return this.frames.map((f) => f.text);
  }

  frame(): Frame {
    const f = this.frames.at(-1);
    if (!f) throw new Abort('no frame');
    return f;
  }

  /** Charge one step to this run and to the evaluation's shared budget. */
  tick(): void {
    if (++this.steps > MAX_STEPS) this.abort('step budget');
    const b = this.input.budget;
    if (b && ++b.used > b.limit) b.exhaust(`step budget of ${b.limit} exhausted`);
  }

  // ---- entry ----------------------------------------------------------------------

  run(): RunOutput {
    const k = this.input.kfunc;
    const args: Value[] = [];
    let argValue = 0n;
    for (const p of k.params) {
      const t = this.type(p.type);
      if (p.pointer || t.kind === 'ptr') {
        // KF_TRUSTED_ARGS (or the v7.0 default) makes pointer arguments non-NULL and valid.
        args.push({ ...opaque('pointer', p.name, false, TY.ptr), nonNull: true });
      } else if (p.name === this.input.param) {
        const v = int(this.input.register, t, true);
        argValue = v.v;
        args.push(v);
      } else args.push(int(0, t));
    }
    let result: ReturnValue = { kind: 'unknown', text: '?' };
    let aborted: string | undefined;
    try {
      const v = callDefinition(this, k, args, `${k.name}(${this.input.param})`);
      result = this.classifyReturn(v, k.returnType);
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      aborted = e.message;
      this.effects.push({ kind: 'unknown', depth: this.depth, what: `stopped: ${e.message}`, tainted: true, chain: this.chain() });
    }
    return {
      effects: this.effects,
      forks: this.forks,
      assumed: this.assumed,
      result,
      ...(aborted !== undefined ? { aborted } : {}),
      choices: this.choices,
      thresholds: this.thresholds,
      argValue,
    };
  }

  classifyReturn(v: Value, returnType: string): ReturnValue {
    const t = this.type(returnType);
    if (t.kind === 'void' && returnType.trim() === 'void') return { kind: 'void', text: 'void' };
    if (v.k === 'int') {
      const x = wrap(v.v, t.kind === 'ptr' || t.kind === 'void' ? v.t : t);
      const all = wrap(-1n, t.kind === 'ptr' || t.kind === 'void' ? v.t : t);
      if (x === 0n) return { kind: 'zero', text: '0' };
      // Only word-sized all-ones is the kernel's `-1` error convention (not a u8 0xFF).
      if (x === all && (t.bits >= 32 || v.t.bits >= 32) && t.kind !== 'bool')
        return { kind: 'sentinel', text: t.signed ? '-1' : `(${t.name})-1` };
      return { kind: 'value', text: String(x) };
    }
    if (v.k === 'opaque') {
      const kind = v.origin === 'counter' ? 'counter' : v.origin === 'garbage' ? 'garbage' : v.origin === 'pointer' ? 'value' : 'unknown';
      return { kind, text: describe(v) };
    }
    return { kind: 'void', text: 'void' };
  }

  callByName(name: string, args: Value[], text: string, argTexts: string[]): Value {
    return callByName(this, name, args, text, argTexts);
  }

  // ---- forks and effects ------------------------------------------------------------

  choose(labels: string[], reason: 'byte' | 'assume'): number {
    const d = this.choices.length;
    if (d >= MAX_FORKS) throw new Abort('fork budget exhausted');
    const pick = d < this.input.prefix.length ? this.input.prefix[d]! : 0;
    this.choices.push({ pick, n: labels.length });
    const label = labels[pick] ?? '?';
    this.forks.push(label);
    if (reason === 'assume') this.assumed = true;
    this.effects.push({ kind: 'fork', depth: this.depth, reason, label });
    return pick;
  }

  decide(v: Value, text: string): boolean {
    const t = this.truthy(v);
    if (t !== null) return t;
    if (v.taint)
      this.effects.push({
        kind: 'unknown',
        depth: this.depth,
        what: `condition \`${text}\` depends on an unknown value`,
        tainted: true,
        chain: this.chain(),
      });
    return this.choose([`assume \`${text}\` is true`, `assume \`${text}\` is false`], 'assume') === 0;
  }

  /** Decide a branch condition and record it as a guard. */
  branch(v: Value, text: string): boolean {
    const holds = this.decide(v, text);
    this.guard(text, holds, v.taint);
    return holds;
  }

  warn(msg: string, once: boolean): void {
    this.effects.push({ kind: 'warn', depth: this.depth, once, msg, chain: this.chain() });
  }

  maySleep(via: string): void {
    this.effects.push({ kind: 'may-sleep', depth: this.depth, via, chain: this.chain() });
  }

  guard(text: string, holds: boolean, tainted: boolean): void {
    this.effects.push({ kind: 'guard', depth: this.depth, fn: this.frames.at(-1)?.fn ?? '?', text, holds, tainted });
  }

  unknown(what: string, tainted: boolean): void {
    this.effects.push({ kind: 'unknown', depth: this.depth, what, tainted, chain: this.chain() });
  }

  abort(why: string): never {
    throw new Abort(why);
  }

  has(flag: string): boolean {
    return this.world.has(flag);
  }

  tableLen(text: string): bigint | undefined {
    const t = tableByAccess(text);
    return t ? this.world.constant(t.len) : undefined;
  }

  truthy(v: Value): boolean | null {
    if (v.k === 'int') return v.v !== 0n;
    if (v.k === 'str') return true;
    if (v.k === 'opaque' && v.nonNull) return true;
    return null;
  }

  compare(op: CmpOp, a: Value, b: Value): boolean | null {
    // Record what a tainted value is compared against: those constants become probes.
    if (a.taint && !b.taint && b.k === 'int') this.thresholds.push(b.v);
    if (b.taint && !a.taint && a.k === 'int') this.thresholds.push(a.v);
    return compareValues(op, a, b);
  }

  lookupConstant(name: string): Value | undefined {
    const c = this.world.constant(name);
    if (c !== undefined) return int(c, c > 0x7fffffffn || c < -0x80000000n ? TY.long : TY.int);
    return BUILTIN_CONSTANTS[name];
  }
}
