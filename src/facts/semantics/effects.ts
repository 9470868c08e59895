// The observable outcome of running a kfunc on one probe: an ordered effect list per path.
// Verdicts are computed from these lists only, so everything a rule may say is traceable
// to a printed effect (see formatTrace).

export type ReturnKind = 'counter' | 'zero' | 'sentinel' | 'garbage' | 'value' | 'unknown' | 'void';

export interface ReturnValue {
  kind: ReturnKind;
  /** Printable value, e.g. `(unsigned long)-1`, `0`, `<counter: memcg_vmstats.events[12]>`. */
  text: string;
}

interface Base {
  /** Call depth: 0 is the kfunc body. */
  depth: number;
}

export interface CallEffect extends Base {
  kind: 'call';
  callee: string;
  text: string;
  via: 'definition' | 'summary';
}

export interface GuardEffect extends Base {
  kind: 'guard';
  fn: string;
  text: string;
  holds: boolean;
  /** The condition depends on the probed parameter. */
  tainted: boolean;
}

export interface ReadEffect extends Base {
  kind: 'read';
  access: 'read' | 'write' | 'address';
  array: string;
  elem: string;
  indexText: string;
  index: bigint;
  bound: bigint;
  boundName: string;
  status: 'in-bounds' | 'oob';
  /** For 'oob': how far outside the array the accessed element lies, in bytes. */
  oob?: { side: 'after' | 'before'; bytes: bigint };
  tainted: boolean;
  /** Call chain down to the access, last element is `array[index] (elem[len])`. */
  chain: string[];
  /** Printable element value (a known byte, or `<counter>`). */
  value: string;
}

export interface ForkEffect extends Base {
  kind: 'fork';
  /** 'byte': the model says the value is unknown memory; 'assume': the engine lacked facts. */
  reason: 'byte' | 'assume';
  label: string;
}

export interface WarnEffect extends Base {
  kind: 'warn';
  once: boolean;
  msg: string;
  chain: string[];
}

export interface MaySleepEffect extends Base {
  kind: 'may-sleep';
  via: string;
  chain: string[];
}

export interface ReturnEffect extends Base {
  kind: 'return';
  fn: string;
  value: ReturnValue;
}

export interface UnknownEffect extends Base {
  kind: 'unknown';
  what: string;
  tainted: boolean;
  chain: string[];
}

export type Effect = CallEffect | GuardEffect | ReadEffect | ForkEffect | WarnEffect | MaySleepEffect | ReturnEffect | UnknownEffect;

export interface TracePath {
  /** Labels of the forks taken, in order. */
  forks: string[];
  /** True when an 'assume' fork was taken: the path may not be feasible. */
  assumed: boolean;
  effects: Effect[];
  result: ReturnValue;
  /** Set when execution stopped early (unsupported construct, budget). */
  aborted?: string;
}

export interface Trace {
  kfunc: string;
  param: string;
  paramType: string;
  /** How the register is truncated, e.g. `u32 (enum vm_event_item has no negative enumerators)`. */
  domain: string;
  probe: bigint;
  probeLabel: string;
  config: string;
  /** The value the C parameter holds after truncation. */
  argValue: bigint;
  paths: TracePath[];
  /** More paths existed than the budget allowed. */
  truncated: boolean;
}
