// Probe selection: which register values to feed a scalar parameter. Bounds and compared
// constants are discovered by a first run; then we probe each bound's edges, the sign and
// truncation corner cases, stale enumerator values from other config profiles and, for
// small index maps, every in-range value (that is how untracked items are found).
import type { World } from './model-types.js';
import { enumSpec, table as findTable, world } from './registry.js';
import { paramCType } from './domain.js';

export interface Probe {
  /** 64-bit register value. */
  value: bigint;
  label: string;
  /** True for the exhaustive in-range sweep (used to count WARN-reaching items). */
  inRange?: boolean;
}

export interface Discovered {
  /** Table lengths reached with a tainted index, in discovery order. */
  bounds: { name: string; value: bigint; table: string }[];
  /** Constants the parameter was compared against. */
  thresholds: bigint[];
}

const EXHAUSTIVE_MAX = 512n;
const U64 = (1n << 64n) - 1n;

export const SEED_PROBES: Probe[] = [
  { value: 0n, label: '0' },
  { value: 1n, label: '1' },
];

/** Enums whose constants a BPF program would pass for this parameter. */
export function relevantEnums(paramType: string, d: Discovered): string[] {
  const t = paramCType(paramType);
  const out: string[] = [];
  if (t.kind === 'enum' && t.enumName && enumSpec(t.enumName)) out.push(t.enumName);
  for (const b of d.bounds) for (const e of findTable(b.table)?.indexEnums ?? []) if (!out.includes(e)) out.push(e);
  return out;
}

export function nameOf(w: World, enums: string[], v: bigint): string | undefined {
  for (const e of enums) {
    const n = w.enumName(e, v);
    if (n) return n;
  }
  return undefined;
}

export function chooseProbes(paramType: string, config: string, d: Discovered, configs: string[]): Probe[] {
  const w = world(config);
  const enums = relevantEnums(paramType, d);
  const out: Probe[] = [];
  const seen = new Set<bigint>();
  const add = (value: bigint, label: string, inRange = false): void => {
    const v = value & U64;
    if (seen.has(v)) return;
    seen.add(v);
    out.push({ value: v, label, ...(inRange ? { inRange } : {}) });
  };
  const named = (v: bigint): string => {
    const n = nameOf(w, enums, v);
    return n ? `${v} (${n})` : String(v);
  };
  // Witness order matters: the first failing probe is reported, so edges come first.
  for (const b of d.bounds) add(b.value, `${b.value} (= ${b.name}, first index past ${b.table})`);
  add(U64, '-1 (0xFFFFFFFF in 32 bits)');
  for (const b of d.bounds) add(b.value + 1n, `${b.value + 1n} (${b.name} + 1)`);
  add(0x80000000n, 'INT_MIN (0x80000000)');
  add(0x7fffffffn, 'INT_MAX (0x7fffffff)');
  add(254n, '254');
  add(1000n, '1000');
  for (const t of d.thresholds) {
    add(t, `${t} (compared constant)`);
    add(t - 1n, `${t - 1n} (compared constant - 1)`);
  }
  add((1n << 32n) + 0x17n, '0x100000017 (64-bit; low 32 bits are 23)');
  for (const b of d.bounds) add((1n << 32n) + b.value, `0x${((1n << 32n) + b.value).toString(16)} (64-bit; low 32 bits are ${b.name})`);
  for (const p of staleProbes(w, enums, configs)) add(p.value, p.label);
  add(0n, named(0n));
  for (const b of d.bounds) add(b.value - 1n, `${named(b.value - 1n)} (${b.name} - 1)`);
  // Sweep small index maps completely: untracked in-range items are the WARN inputs.
  for (const b of d.bounds) {
    const spec = findTable(b.table);
    if (!spec?.contents || b.value > EXHAUSTIVE_MAX) continue;
    for (let v = 0n; v < b.value; v++) {
      const prev = out.find((p) => p.value === v);
      if (prev) {
        prev.inRange = true;
        if (!prev.label.startsWith(String(v))) prev.label = `in-range ${named(v)}; ${prev.label}`;
      } else add(v, `in-range ${named(v)}`, true);
    }
  }
  return out;
}

/**
 * Constants a BPF object built against another profile's vmlinux.h would pass: hinted
 * members whose value differs here, plus the smallest stale value that is past this
 * profile's terminator (an out-of-range index with no malice involved).
 */
function staleProbes(w: World, enums: string[], configs: string[]): Probe[] {
  const out: Probe[] = [];
  for (const e of enums) {
    const spec = enumSpec(e);
    const here = w.enumValues(e);
    if (!spec || !here) continue;
    const term = spec.terminator ? here.get(spec.terminator) : undefined;
    for (const other of configs) {
      if (other === w.config) continue;
      const there = world(other).enumValues(e);
      if (!there) continue;
      for (const h of spec.probeHints ?? []) {
        const v = there.get(h);
        if (v !== undefined && here.get(h) !== v)
          out.push({ value: v, label: `stale ${h}=${v} from ${other} (here ${here.get(h) ?? 'absent'})` });
      }
      if (term !== undefined) {
        let best: [string, bigint] | undefined;
        for (const [n, v] of there) if (n !== spec.terminator && v >= term && (!best || v < best[1])) best = [n, v];
        if (best)
          out.push({
            value: best[1],
            label: `stale ${best[0]}=${best[1]} from ${other} (here ${here.get(best[0]) ?? 'absent'}, ${spec.terminator}=${term})`,
          });
      }
    }
  }
  return out;
}
