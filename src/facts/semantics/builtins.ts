// Kernel-wide macros and helpers every subsystem uses (branch hints, WARN*, READ_ONCE, ...).
// They are part of the language the engine speaks, not of any subsystem model.
import { TY } from './ctype.js';
import { type Value, int, opaque } from './values.js';

export interface BuiltinHost {
  /** Decide a condition; forks (as an assumption) when the value is opaque. */
  decide(v: Value, text: string): boolean;
  warn(msg: string, once: boolean): void;
  maySleep(via: string): void;
  abort(why: string): never;
  has(flag: string): boolean;
  /** Length of a table known to a model, by its source spelling. */
  tableLen(text: string): bigint | undefined;
}

export type Builtin = (h: BuiltinHost, args: Value[], texts: string[]) => Value;

const identity: Builtin = (_h, args) => args[0] ?? opaque('unknown', 'missing argument');

const truth = (v: boolean, taint: boolean): Value => int(v ? 1 : 0, TY.int, taint);

function warnBuiltin(once: boolean, withMsg: boolean): Builtin {
  return (h, args, texts) => {
    const cond = args[0] ?? opaque('unknown', 'missing condition');
    const fired = h.decide(cond, texts[0] ?? '?');
    if (fired) {
      const fmt = withMsg && args[1]?.k === 'str' ? args[1].s : `WARN: ${texts[0] ?? ''}`;
      h.warn(fmt.replace(/\\n$/, '').replace(/\n$/, ''), once);
    }
    return truth(fired, cond.taint);
  };
}

export const BUILTIN_FUNCS: Record<string, Builtin> = {
  likely: identity,
  unlikely: identity,
  READ_ONCE: identity,
  // The engine returns the element value for `&table[i]`, so an atomic read of it is the value.
  atomic_read: identity,
  atomic_long_read: identity,
  atomic64_read: identity,
  WARN_ONCE: warnBuiltin(true, true),
  WARN: warnBuiltin(false, true),
  WARN_ON_ONCE: warnBuiltin(true, false),
  WARN_ON: warnBuiltin(false, false),
  BUG_ON: (h, args, texts) => {
    const cond = args[0] ?? opaque('unknown', 'missing condition');
    if (h.decide(cond, texts[0] ?? '?')) h.abort(`BUG_ON(${texts[0] ?? ''}) fires`);
    return int(0);
  },
  might_sleep: (h) => {
    h.maySleep('might_sleep()');
    return int(0);
  },
  cond_resched: (h) => {
    h.maySleep('cond_resched()');
    return int(0);
  },
  IS_ENABLED: (h, _args, texts) => truth(h.has(texts[0] ?? ''), false),
  ARRAY_SIZE: (h, _args, texts) => {
    const n = h.tableLen(texts[0] ?? '');
    return n === undefined ? opaque('unknown', `ARRAY_SIZE(${texts[0] ?? ''})`, false, TY.ulong) : int(n, TY.ulong);
  },
  // array_index_nospec(i, n) yields i when i < n and 0 otherwise (unsigned compare).
  array_index_nospec: (_h, args) => {
    const [i, n] = args;
    if (i?.k === 'int' && n?.k === 'int') {
      const u = BigInt.asUintN(64, i.v);
      return u < BigInt.asUintN(64, n.v) ? i : int(0, i.t, i.taint);
    }
    return opaque('unknown', 'array_index_nospec()', i?.taint ?? false);
  },
};

/** Kernel constants independent of any subsystem (x86_64 values where arch-specific). */
export const BUILTIN_CONSTANTS: Record<string, Value> = {
  NULL: int(0, TY.ptr),
  true: int(1, TY.bool),
  false: int(0, TY.bool),
  PAGE_SIZE: int(4096, TY.ulong),
  PAGE_SHIFT: int(12),
  SZ_1K: int(1024),
  U8_MAX: int(255),
  U16_MAX: int(65535),
  U32_MAX: int(0xffffffff, TY.u32),
  S32_MAX: int(0x7fffffff),
  S32_MIN: int(-0x80000000),
  INT_MAX: int(0x7fffffff),
  INT_MIN: int(-0x80000000),
  UINT_MAX: int(0xffffffff, TY.u32),
  LONG_MAX: int(0x7fffffffffffffffn, TY.long),
  ULONG_MAX: int(-1, TY.ulong),
};
