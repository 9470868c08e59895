// What the index analysis records about a scalar kfunc parameter: its sinks, the guard facts in
// front of each, and the frames it walks; plus the small rules for combining and reading those
// facts (which sink kinds index, which callees a chain passes through).
import type { FunctionDef, PatchModel } from '../../model/model.js';
import type { CType } from '../semantics/index.js';

export type SinkKind =
  | 'subscript'
  | 'offset'
  | 'bit'
  | 'callee'
  | 'length'
  | 'alloc'
  | 'loop'
  | 'call'
  /** Stored into a field or through a pointer (`obj->off += v`, `*p = v`): target = the lvalue. */
  | 'store'
  /** Converted into a pointer (`(struct key *)(unsigned long)v`): target = the pointer type. */
  | 'pointer'
  /** Subtracted in unsigned arithmetic (`end - v`): target = the minuend, status = ordered or not. */
  | 'underflow';

/** The sink kinds that index memory with the value (the others size, count or merely pass it). */
export const INDEX_KINDS: ReadonlySet<SinkKind> = new Set<SinkKind>(['subscript', 'offset', 'bit', 'callee']);

/** One upper bound a guard puts on the value: execution continues only when `v < rhs` (or `<=`). */
export interface Bound {
  /** The bound as written, white space folded, parentheses and casts kept (`MEMCG_NR_STAT`, `end`). */
  rhs: string;
  /** `v <= rhs` (the value may equal the bound) rather than `v < rhs`. */
  inclusive: boolean;
  /**
   * The bound is made of other BPF-controlled values only (`start > end`): a relation between
   * arguments, not a cap. It orders them (see 'underflow' sinks) but bounds nothing.
   */
  relative: boolean;
  /** The guard text with its place. */
  text: string;
  /** The bounded variable held the parameter's value itself (no arithmetic on the way). */
  exact: boolean;
}

/** What the guards on the way to a sink establish about the value. */
export interface GuardFacts {
  upper: boolean;
  lower: boolean;
  /** Validated by a helper, a whitelist (`==`/switch) or a sanitiser: both bounds. */
  complete: boolean;
  /** The difference of the value and another argument is capped (`end - start > MAX` rejected). */
  span: boolean;
  /** Upper bounds with their right-hand sides (for off-by-one and ordering questions). */
  bounds: Bound[];
  /**
   * Nonzero lower bounds (`v >= X`, `v == X`, X not another argument): a size is at least X. A
   * `__sz` argument needs one before its struct's fields are touched.
   */
  minimum: { rhs: string; text: string }[];
  /**
   * Set on an 'off-by-one' sink: the inclusive bound, the declared size it equals (null when the
   * bound is only count-like, e.g. `nr_cpu_ids`), and the guard text.
   */
  offByOne?: { bound: string; size: string | null; text: string };
  /** Guard texts with their place, e.g. `idx >= N` (bpf_foo:12). */
  texts: string[];
  /** A validator whose body is not visible was trusted by name. */
  assumed: string[];
}

/** `off-by-one`: the only upper bound lets the value equal the size it must stay below. */
export type GuardStatus = 'complete' | 'off-by-one' | 'upper-only' | 'lower-only' | 'none';

export interface Sink {
  kind: SinkKind;
  /** The kfunc parameter the value comes from. */
  param: string;
  /** Function holding the sink (the kfunc itself or a helper). */
  fn: string;
  file: string;
  line: number;
  /** Source text of the sink, folded. */
  text: string;
  /** For subscripts: the array expression; for callee sinks: the callee. */
  target: string;
  /** Call chain from the kfunc to the sink: `bpf_x(idx) -> helper(w, idx) -> tbl[i]`. */
  chain: string;
  /** Depth 0: in the kfunc body. */
  depth: number;
  /** Line in the kfunc body where the value goes toward this sink (the sink itself at depth 0). */
  entryLine: number;
  facts: GuardFacts;
  status: GuardStatus;
  /** Was the compared value signed at the sink's guards (after casts)? */
  signed: boolean;
  /** For a call sink: the argument texts, folded. */
  args?: string[];
  /**
   * For a 'length' sink: the call that produced the destination with this very length
   * (`p = kmalloc(len, ...); memcpy(p, src, len)`), so the destination is that long.
   */
  sizedBy?: string;
  /** For a 'loop' sink that is an open-coded iterator's bound: the _next kfunc that compares it. */
  iterNext?: string;
}

export interface ParamFlow {
  name: string;
  type: string;
  suffix: string;
  ctype: CType;
  /** e.g. `u32 (enum widget_kind has no negative enumerators)` */
  domain: string;
  sinks: Sink[];
}

/** A local carrying the parameter's value. */
export interface Var {
  root: string;
  ctype: CType;
  /** Cannot be negative: an unsigned origin, widened or kept unsigned by every conversion. */
  nonneg: boolean;
  /** The parameter's value itself (renamed or cast, no arithmetic on the way). */
  exact?: boolean;
}

/** One function the value is followed through. */
export interface Frame {
  fn: FunctionDef;
  vars: Map<string, Var>;
  chain: string;
  depth: number;
  inherited: GuardFacts;
  /** Signedness of the kfunc parameter. */
  signed: boolean;
  /** Line of the call in the kfunc that led here (depth > 0). */
  entryLine?: number;
  /** Other BPF-controlled scalars in scope (the kfunc's other scalar parameters, at depth 0). */
  others?: Set<string>;
}

/** What the guard, sink and chain modules need from the analyzer: the model and its C types. */
export interface FlowContext {
  readonly model: PatchModel;
  ctype(type: string): CType;
}

export function emptyFacts(): GuardFacts {
  return { upper: false, lower: false, complete: false, span: false, bounds: [], minimum: [], texts: [], assumed: [] };
}

export function merge(into: GuardFacts, f: GuardFacts): void {
  into.upper ||= f.upper;
  into.lower ||= f.lower;
  into.complete ||= f.complete;
  into.span ||= f.span;
  for (const b of f.bounds) if (!into.bounds.some((x) => x.text === b.text)) into.bounds.push(b);
  for (const m of f.minimum) if (!into.minimum.some((x) => x.text === m.text)) into.minimum.push(m);
  for (const t of f.texts) if (!into.texts.includes(t)) into.texts.push(t);
  for (const t of f.assumed) if (!into.assumed.includes(t)) into.assumed.push(t);
}

/** An unsigned comparison sets both bounds, so `upper` alone means a signed `>= N` only. */
export function statusOf(f: GuardFacts, nonneg = false): GuardStatus {
  if (f.complete || (f.upper && (f.lower || nonneg))) return 'complete';
  if (f.upper) return 'upper-only';
  if (f.lower) return 'lower-only';
  return 'none';
}

/** Does converting a value of type `from` (non-negative or not) to `to` keep it non-negative? */
export function keepsNonneg(nonneg: boolean, from: CType, to: CType): boolean {
  if (!nonneg) return false;
  if (to.kind !== 'int' && to.kind !== 'enum') return false;
  return !to.signed || to.bits > from.bits;
}

/** Callee names along a sink's chain (`helper(w, idx)` -> helper, `tbl[i]` -> tbl). */
export function chainCallees(s: Sink): string[] {
  return s.chain
    .split(' -> ')
    .slice(1)
    .map((c) => c.replace(/\(.*$/, '').replace(/\[.*$/, ''));
}
