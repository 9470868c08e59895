// Model registry: models register once; the engine asks for a World per config profile.
// Worlds are cached and dropped whenever a model is (re)registered.
import type { CalleeSummary, Cond, ConfigProfile, EnumSpec, Expansion, SemanticsModel, TableSpec, World } from './model-types.js';

const models = new Map<string, SemanticsModel>();
let worldCache = new Map<string, WorldImpl>();
// Name lookups the interpreter makes on every call and subscript; dropped with the worlds.
let summaryCache = new Map<string, CalleeSummary | undefined>();
let accessCache = new Map<string, TableSpec | undefined>();

/** Register (or replace, by id) a model. */
export function registerModel(m: SemanticsModel): void {
  models.set(m.id, m);
  worldCache = new Map();
  summaryCache = new Map();
  accessCache = new Map();
}

export function registeredModels(): SemanticsModel[] {
  return [...models.values()];
}

/** All profile names, in registration order. Profiles of the same name are merged. */
export function profileNames(): string[] {
  return [...profiles().keys()];
}

function profiles(): Map<string, ConfigProfile> {
  const out = new Map<string, ConfigProfile>();
  for (const m of models.values())
    for (const p of m.profiles ?? []) {
      const prev = out.get(p.name);
      out.set(p.name, prev ? { ...prev, flags: [...prev.flags, ...p.flags] } : p);
    }
  return out;
}

export function profile(name: string): ConfigProfile | undefined {
  return profiles().get(name);
}

/** The model summary of a callee (the last registered model wins). */
export function summary(name: string): CalleeSummary | undefined {
  if (summaryCache.has(name)) return summaryCache.get(name);
  let found: CalleeSummary | undefined;
  for (const m of models.values()) for (const s of m.summaries ?? []) if (s.name === name) found = s;
  summaryCache.set(name, found);
  return found;
}

/** The modelled table an array expression (`memcg->memory_events`) denotes, if any. */
export function tableByAccess(text: string): TableSpec | undefined {
  if (accessCache.has(text)) return accessCache.get(text);
  const norm = text.replace(/\s+/g, '');
  let found: TableSpec | undefined;
  for (const m of models.values())
    for (const t of m.tables ?? []) if (!found && (t.name === norm || t.access.some((a) => a.replace(/\s+/g, '') === norm))) found = t;
  accessCache.set(text, found);
  return found;
}

export function table(name: string): TableSpec | undefined {
  for (const m of models.values()) for (const t of m.tables ?? []) if (t.name === name) return t;
  return undefined;
}

export function enumSpec(name: string): EnumSpec | undefined {
  for (const m of models.values()) for (const e of m.enums ?? []) if (e.name === name) return e;
  return undefined;
}

const bare = (flag: string): string => flag.replace(/^CONFIG_/, '');

export function evalCond(c: Cond | undefined, has: (flag: string) => boolean): boolean {
  if (c === undefined) return true;
  if (typeof c === 'string') return has(c);
  if ('all' in c) return c.all.every((x) => evalCond(x, has));
  if ('any' in c) return c.any.some((x) => evalCond(x, has));
  return !evalCond(c.not, has);
}

class WorldImpl implements World {
  readonly config: string;
  private readonly flags: Set<string>;
  private readonly consts = new Map<string, bigint | undefined>();
  private readonly enums = new Map<string, Map<string, bigint>>();
  private readonly enumNames = new Map<string, Map<bigint, string>>();
  private readonly contentsMemo = new Map<TableSpec, bigint[]>();
  private computing = new Set<string>();
  private computingEnums = new Set<string>();

  constructor(p: ConfigProfile) {
    this.config = p.name;
    this.flags = new Set(p.flags.map(bare));
  }

  has(flag: string): boolean {
    return this.flags.has(bare(flag));
  }

  constant(name: string): bigint | undefined {
    if (this.consts.has(name)) return this.consts.get(name);
    if (this.computing.has(name)) throw new Error(`semantics: constant ${name} depends on itself`);
    // While an enum is being numbered its members are not visible yet: do not cache misses then.
    const settled = this.computing.size === 0 && this.computingEnums.size === 0;
    this.computing.add(name);
    try {
      const v = this.lookup(name);
      if (settled) this.consts.set(name, v);
      return v;
    } finally {
      this.computing.delete(name);
    }
  }

  private lookup(name: string): bigint | undefined {
    for (const m of models.values()) {
      for (const e of m.enums ?? []) {
        const vals = this.enumValues(e.name);
        const v = vals?.get(name);
        if (v !== undefined) return v;
      }
      for (const c of m.constants ?? []) if (c.name === name) return c.value(this);
      for (const t of m.tables ?? []) if (t.len === name && t.contents) return BigInt(this.contents(t)!.length);
    }
    return undefined;
  }

  /** A table's known contents in this config (computed once). */
  contents(t: TableSpec): bigint[] | undefined {
    if (!t.contents) return undefined;
    let c = this.contentsMemo.get(t);
    if (!c) {
      c = t.contents(this);
      if (this.computing.size === 0 && this.computingEnums.size === 0) this.contentsMemo.set(t, c);
    }
    return c;
  }

  enumValues(enumName: string): Map<string, bigint> | undefined {
    const hit = this.enums.get(enumName);
    if (hit) return hit;
    const spec = enumSpec(enumName);
    // An enum that starts at another enum's terminator asks for constants while it is being
    // numbered; skipping it during its own computation breaks the cycle.
    if (!spec || this.computingEnums.has(enumName)) return undefined;
    this.computingEnums.add(enumName);
    try {
      const vals = computeEnum(spec, this, expansions());
      this.enums.set(enumName, vals);
      return vals;
    } finally {
      this.computingEnums.delete(enumName);
    }
  }

  enumName(enumName: string, value: bigint): string | undefined {
    let names = this.enumNames.get(enumName);
    if (!names) {
      const spec = enumSpec(enumName);
      const vals = this.enumValues(enumName);
      if (!vals) return undefined;
      names = new Map();
      for (const [n, v] of vals) if (n !== spec?.terminator && !names.has(v)) names.set(v, n);
      if (this.computingEnums.size === 0) this.enumNames.set(enumName, names);
    }
    return names.get(value);
  }
}

function expansions(): Map<string, Expansion> {
  const out = new Map<string, Expansion>();
  for (const m of models.values()) for (const x of m.expansions ?? []) out.set(x.name, x);
  return out;
}

/** Number enumerators in order, skipping absent ones, expanding X-macros, then the terminator. */
function computeEnum(spec: EnumSpec, w: World, xs: Map<string, Expansion>): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let next = spec.startAt ? (w.constant(spec.startAt) ?? 0n) : 0n;
  const has = (f: string): boolean => w.has(f);
  for (const m of spec.members) {
    if (!evalCond(m.when, has)) continue;
    const names: string[] = [];
    if (m.expand) {
      const x = xs.get(m.expand);
      if (!x) throw new Error(`semantics: enum ${spec.name} uses unknown expansion ${m.expand}`);
      for (const part of x.parts) if (evalCond(part.when, has)) names.push(m.name + part.suffix);
    } else names.push(m.name);
    for (const n of names) {
      for (const a of m.aliases ?? []) out.set(a, next);
      out.set(n, next++);
    }
  }
  if (spec.terminator) out.set(spec.terminator, next);
  return out;
}

/** A table's known contents in world `w` (memoised per registry world). */
export function tableContents(w: World, t: TableSpec): bigint[] | undefined {
  return w instanceof WorldImpl ? w.contents(t) : t.contents?.(w);
}

export function world(config: string): World {
  const hit = worldCache.get(config);
  if (hit) return hit;
  const p = profile(config);
  if (!p) throw new Error(`semantics: unknown config profile '${config}' (known: ${profileNames().join(', ')})`);
  const w = new WorldImpl(p);
  worldCache.set(config, w);
  return w;
}
