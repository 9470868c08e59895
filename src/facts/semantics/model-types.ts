// The contract between the engine and a subsystem model. A model is pure data plus
// transfer functions; the engine never names a subsystem symbol, so adding a model is
// one registerModel() call and no engine change.
import type { CType } from './ctype.js';
import type { Value } from './values.js';

/** Presence condition on CONFIG_* symbols (the `CONFIG_` prefix is optional). */
export type Cond = string | { all: Cond[] } | { any: Cond[] } | { not: Cond };

export interface ConfigProfile {
  name: string;
  description: string;
  /** Enabled symbols; everything else is off. */
  flags: string[];
}

export interface EnumMember {
  name: string;
  when?: Cond;
  /** Other names with the same value (`NR_LRU_BASE` for `NR_INACTIVE_ANON`). */
  aliases?: string[];
  /** Name of an Expansion: the member becomes NAME_SUFFIX for each present part. */
  expand?: string;
}

export interface EnumSpec {
  name: string;
  members: EnumMember[];
  /** The first member takes this constant's value instead of 0. */
  startAt?: string;
  /** Final enumerator giving the count, e.g. `NR_VM_EVENT_ITEMS`. */
  terminator?: string;
  /** Members worth probing by name (stale values from another config, known tracked items). */
  probeHints?: string[];
}

/** An X-macro style expansion such as a per-zone list. */
export interface Expansion {
  name: string;
  parts: { suffix: string; when?: Cond }[];
}

export type ElemType = 'u8' | 'u32' | 'int' | 'long' | 'ulong' | 'atomic_long';

export interface World {
  config: string;
  has(flag: string): boolean;
  /** Value of a constant or enumerator in this config; undefined when absent. */
  constant(name: string): bigint | undefined;
  /** Enumerator name for a value of an enum (first match). */
  enumName(enumName: string, value: bigint): string | undefined;
  enumValues(enumName: string): Map<string, bigint> | undefined;
}

export interface TableSpec {
  /** Display name used in chains, e.g. `mem_cgroup_events_index`. */
  name: string;
  elem: ElemType;
  /** Constant that gives the length (display and bound). */
  len: string;
  /** Source spellings of the array expression, e.g. `memcg->memory_events`. */
  access: string[];
  /** Known contents in a config (index maps); absent = counters. */
  contents?: (w: World) => bigint[];
  /** Marker for "no slot", e.g. 0xFF. */
  sentinel?: bigint;
  /**
   * An out-of-bounds element is unknown memory; the model says which representative values
   * the engine should fork on (each path is explored separately).
   */
  oobFork?: (w: World) => { value: bigint; label: string }[];
  /** Enums whose constants index this table (probe hints for plain `int` parameters). */
  indexEnums?: string[];
  note?: string;
}

export interface ConstantSpec {
  name: string;
  value: (w: World) => bigint | undefined;
}

/** What a transfer function may do; every call is recorded as an effect. */
export interface SummaryCtx {
  world: World;
  /** Call another function by name (definition if visible, else summary). */
  call(name: string, args: Value[], argTexts: string[]): Value;
  /** Access `table[index]`; records a Read effect and forks on unknown bytes. */
  read(table: string, index: Value, indexText: string): Value;
  warn(msg: string): void;
  maySleep(via: string): void;
  guard(text: string, holds: boolean, tainted: boolean): void;
  /** Decide `cond` (forking as an assumption if it is opaque) and record it as a guard. */
  branch(text: string, cond: Value): boolean;
  /** C comparison with the usual arithmetic conversions: int 0/1 (tainted if a side is), or opaque. */
  cmp(op: '<' | '<=' | '>' | '>=' | '==' | '!=', a: Value, b: Value): Value;
  /** Source text of argument i at the call site (for chains written in the caller's names). */
  argText(i: number): string;
  convert(v: Value, type: string): Value;
  int(v: bigint | number, type?: string, taint?: boolean): Value;
  counter(desc: string, taint?: boolean): Value;
  constant(name: string): Value;
  type(text: string): CType;
}

export interface CalleeSummary {
  name: string;
  params: { name: string; type: string }[];
  returns: string;
  /** Macros take their arguments unconverted. */
  macro?: boolean;
  run(ctx: SummaryCtx, args: Value[]): Value;
}

export interface SemanticsModel {
  id: string;
  description: string;
  profiles?: ConfigProfile[];
  expansions?: Expansion[];
  enums?: EnumSpec[];
  constants?: ConstantSpec[];
  tables?: TableSpec[];
  summaries?: CalleeSummary[];
}
