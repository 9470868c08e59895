// Model registry: models register once; the engine asks for a World per config profile.
// Worlds are cached and dropped whenever a model is (re)registered.
import type {
  CalleeSummary,
  Cond,
  ConfigProfile,
  EnumSpec,
  Expansion,
  SemanticsModel,
  TableSpec,
  World,
} from './model-types.js';

const models = new Map<string, SemanticsModel>();
let worldCache = new Map<string, WorldImpl>();

/** Register (or replace, by id) a model. */
export function registerModel(m: SemanticsModel): void {
  models.set(m.id, m);
  worldCache = new Map();
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

export function summary(name: string): CalleeSummary | undefined {
  let found: CalleeSummary | undefined;
  for (const m of models.values()) for (const s of m.summaries ?? []) if (s.name === name) found = s;
  return found;
}

export function tableByAccess(text: string): TableSpec | undefined {
  const norm = text.replace(/\s+/g, '');
  for (const m of models.values())
    for (const t of m.tables ?? []) if (t.name === norm || t.access.some((a) => a.replace(/\s+/g, '') === norm)) return t;
  return undefined;
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
  private readonly consts = new Map<string, bigint>();
  private readonly enums = new Map<string, Map<string, bigint>>();
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
    const hit = this.consts.get(name);
    if (hit !== undefined) return hit;
    if (this.computing.has(name)) throw new Error(`semantics: constant ${name} depends on itself`);
    this.computing.add(name);
    try {
      for (const m of models.values()) {
        for (const e of m.enums ?? []) {
          const vals = this.enumValues(e.name);
          const v = vals?.get(name);
          if (v !== undefined) return v;
        }
        for (const c of m.constants ?? [])
          if (c.name === name) {
            const v = c.value(this);
            if (v !== undefined) this.consts.set(name, v);
            return v;
          }
        for (const t of m.tables ?? []) if (t.len === name && t.contents) return BigInt(t.contents(this).length);
      }
      return undefined;
    } finally {
      this.computing.delete(name);
    }
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
    const spec = enumSpec(enumName);
    const vals = this.enumValues(enumName);
    if (!vals) return undefined;
    for (const [n, v] of vals) if (v === value && n !== spec?.terminator) return n;
    return undefined;
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

export function world(config: string): World {
  const hit = worldCache.get(config);
  if (hit) return hit;
  const p = profile(config);
  if (!p) throw new Error(`semantics: unknown config profile '${config}' (known: ${profileNames().join(', ')})`);
  const w = new WorldImpl(p);
  worldCache.set(config, w);
  return w;
}
