// What the index analysis records about a scalar kfunc parameter: its sinks, the guard facts in
// front of each, and the frames it walks; plus the small rules for combining and reading those
// facts (which sink kinds index, which callees a chain passes through).
import type { FunctionDef, PatchModel } from '../../model/model.js';
import type { CType } from '../semantics/index.js';

export type SinkKind = 'subscript' | 'offset' | 'bit' | 'callee' | 'length' | 'alloc' | 'loop' | 'call';

/** The sink kinds that index memory with the value (the others size, count or merely pass it). */
export const INDEX_KINDS: ReadonlySet<SinkKind> = new Set<SinkKind>(['subscript', 'offset', 'bit', 'callee']);

/** What the guards on the way to a sink establish about the value. */
export interface GuardFacts {
  upper: boolean;
  lower: boolean;
  /** Validated by a helper, a whitelist (`==`/switch) or a sanitiser: both bounds. */
  complete: boolean;
  /** Guard texts with their place, e.g. `idx >= N` (bpf_foo:12). */
  texts: string[];
  /** A validator whose body is not visible was trusted by name. */
  assumed: string[];
}

export type GuardStatus = 'complete' | 'upper-only' | 'lower-only' | 'none';

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
}

/** What the guard, sink and chain modules need from the analyzer: the model and its C types. */
export interface FlowContext {
  readonly model: PatchModel;
  ctype(type: string): CType;
}

export function emptyFacts(): GuardFacts {
  return { upper: false, lower: false, complete: false, texts: [], assumed: [] };
}

export function merge(into: GuardFacts, f: GuardFacts): void {
  into.upper ||= f.upper;
  into.lower ||= f.lower;
  into.complete ||= f.complete;
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
