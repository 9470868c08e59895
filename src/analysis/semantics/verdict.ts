// Per-parameter verdicts: run every probe in every config profile and classify.
//   confirmed       a path with no assumptions reads a modelled array out of bounds
//   warn-reachable  no OOB, but an in-bounds input reaches WARN*
//   unconfirmed     the parameter reaches code the engine cannot see (or only assumed paths fail)
//   refuted         the parameter reaches a table, and every probe stays in bounds without WARN
import type { Verdict } from '../../types.js';
import type { FunctionDef } from '../model.js';
import { hex } from './ctype.js';
import { describeDomain, isProbeable } from './domain.js';
import type { Effect, ReadEffect, ReturnKind, TracePath, WarnEffect } from './effects.js';
import { type ProbeRun, runProbe } from './explore.js';
import { type Discovered, type Probe, SEED_PROBES, chooseProbes } from './probes.js';
import { profileNames, world } from './registry.js';

export interface Witness {
  config: string;
  /** Register value, hex. */
  probe: string;
  label: string;
  /** Value of the C parameter after truncation. */
  argValue: string;
  outcome: string;
  /** For a fork on unknown memory: what each alternative leads to. */
  forks: string[];
}

export interface WarnDetail {
  config: string;
  probe: string;
  label: string;
  message: string;
  /** What the kfunc returns after the WARN (e.g. 'zero' where the convention is -1). */
  returns: ReturnKind;
  returnsText: string;
  /** e.g. "90 of 121 in-range values" (null when the range was not swept). */
  reach: string | null;
  chain: string;
}

export interface ArgVerdict {
  kfunc: string;
  param: string;
  paramType: string;
  domain: string;
  verdict: Verdict;
  /** Call chain from the kfunc down to the (first) array access. */
  chain: string;
  array: string | null;
  elem: string | null;
  bound: { name: string; values: Record<string, number> } | null;
  witness: Witness | null;
  /** The guard that stops out-of-range input (refuted / warn-reachable). */
  guard: string | null;
  warn: WarnDetail | null;
  perConfig: Record<string, Verdict>;
  probes: number;
  evidence: string[];
}

export interface EvalEnv {
  functions: Map<string, FunctionDef>;
}

const RANK: Record<Verdict, number> = { refuted: 0, unconfirmed: 1, 'warn-reachable': 2, confirmed: 3 };

interface Found {
  run: ProbeRun;
  path: TracePath;
  probe: Probe;
}

interface ConfigResult {
  config: string;
  verdict: Verdict | null;
  runs: { probe: Probe; run: ProbeRun }[];
  oob?: Found & { read: ReadEffect };
  assumedOob?: Found & { read: ReadEffect };
  warn?: Found & { effect: WarnEffect };
  unknown?: Found & { effect: Effect & { kind: 'unknown' } };
  firstRead?: ReadEffect;
  guard: string | null;
  innerGuards: string[];
  inRangeWarn: number;
  inRangeTotal: number;
}

const taintedRead = (e: Effect): e is ReadEffect => e.kind === 'read' && e.tainted;

function discover(runs: ProbeRun[], into: Discovered): boolean {
  let grew = false;
  for (const r of runs) {
    for (const t of r.thresholds)
      if (!into.thresholds.includes(t)) {
        into.thresholds.push(t);
        grew = true;
      }
    for (const p of r.trace.paths)
      for (const e of p.effects)
        if (taintedRead(e) && !into.bounds.some((b) => b.table === e.array)) {
          into.bounds.push({ name: e.boundName, value: e.bound, table: e.array });
          grew = true;
        }
  }
  return grew;
}

function runConfig(kfunc: FunctionDef, env: EvalEnv, param: string, config: string, configs: string[]): ConfigResult {
  const d: Discovered = { bounds: [], thresholds: [] };
  const type = kfunc.params.find((p) => p.name === param)!.type;
  let probes: Probe[] = SEED_PROBES;
  let runs = probes.map((probe) => ({ probe, run: runProbe(kfunc, env.functions, param, probe.value, probe.label, config) }));
  // Deeper tables may only be reached by inputs chosen from the first round's findings.
  for (let round = 0; round < 3 && discover(runs.map((r) => r.run), d); round++) {
    probes = chooseProbes(type, config, d, configs);
    runs = probes.map((probe) => ({ probe, run: runProbe(kfunc, env.functions, param, probe.value, probe.label, config) }));
  }
  return classify(config, runs);
}

function classify(config: string, runs: { probe: Probe; run: ProbeRun }[]): ConfigResult {
  const res: ConfigResult = { config, verdict: null, runs, guard: null, innerGuards: [], inRangeWarn: 0, inRangeTotal: 0 };
  let sink = false;
  for (const { probe, run } of runs) {
    let warnedHere = false;
    for (const path of run.trace.paths) {
      const reads = path.effects.filter(taintedRead);
      if (reads.length) sink = true;
      res.firstRead ??= reads[0];
      const oob = reads.find((r) => r.status === 'oob');
      if (oob && !path.assumed) res.oob ??= { run, path, probe, read: oob };
      if (oob && path.assumed) res.assumedOob ??= { run, path, probe, read: oob };
      const unk = path.effects.find((e): e is Effect & { kind: 'unknown' } => e.kind === 'unknown' && e.tainted);
      if (unk) {
        sink = true;
        res.unknown ??= { run, path, probe, effect: unk };
      }
      const w = path.effects.find((e): e is WarnEffect => e.kind === 'warn');
      if (w && !oob && !path.assumed) {
        res.warn ??= { run, path, probe, effect: w };
        warnedHere = true;
      }
      if (!reads.length && !path.aborted) {
        const g = lastGuard(path.effects);
        if (g) res.guard ??= g;
      }
      for (const e of path.effects)
        if (e.kind === 'guard' && e.tainted && e.depth > 0 && !res.innerGuards.includes(`${e.fn}: ${e.text}`))
          res.innerGuards.push(`${e.fn}: ${e.text}`);
    }
    if (probe.inRange) {
      res.inRangeTotal++;
      if (warnedHere) res.inRangeWarn++;
    }
  }
  if (!sink) return res;
  res.verdict = res.oob ? 'confirmed' : res.warn ? 'warn-reachable' : res.unknown || res.assumedOob ? 'unconfirmed' : 'refuted';
  return res;
}

/** The kfunc-level guard that decided an early return on this path. */
function lastGuard(effects: Effect[]): string | null {
  let g: string | null = null;
  for (const e of effects) if (e.kind === 'guard' && e.depth === 0 && e.tainted) g = e.holds ? e.text : `!(${e.text})`;
  return g;
}

function pathOutcome(path: TracePath, after: number): string {
  const parts: string[] = [];
  for (const e of path.effects.slice(after)) {
    if (e.kind === 'read' && e.status === 'oob')
      parts.push(`OOB ${e.access} of ${e.array}[${e.index}] (${e.elem}[${e.boundName}=${e.bound}], ${e.oob!.bytes} bytes ${e.oob!.side === 'after' ? 'past the end' : 'before the start'})`);
    else if (e.kind === 'warn') parts.push(`WARN${e.once ? '_ONCE' : ''} "${e.msg}"`);
    else if (e.kind === 'unknown' && e.tainted) parts.push(`unknown: ${e.what}`);
  }
  parts.push(`returns ${path.result.text}`);
  return parts.join(', ');
}

function readOutcome(r: ReadEffect): string {
  const where = r.oob ? `${r.oob.bytes} byte(s) ${r.oob.side === 'after' ? 'past the end' : 'before the start'}` : 'in bounds';
  return `${r.access === 'read' ? 'reads' : r.access === 'write' ? 'writes' : 'takes the address of'} ${r.array}[${r.index}], ${where} of ${r.elem}[${r.boundName}=${r.bound}]`;
}

function witnessOf(f: Found, outcome: string): Witness {
  const forks = f.run.trace.paths
    .filter((p) => p.forks.length > 0)
    .map((p) => {
      const at = p.effects.findIndex((e) => e.kind === 'fork');
      return `${p.forks.join(' / ')}: ${pathOutcome(p, at + 1)}`;
    });
  return {
    config: f.run.trace.config,
    probe: hex(f.probe.value),
    label: f.probe.label,
    argValue: String(f.run.trace.argValue),
    outcome,
    forks,
  };
}

function firstInRangeWarn(r: ConfigResult): ConfigResult['warn'] {
  const inRange = r.runs.filter((x) => x.probe.inRange).sort((a, b) => (a.probe.value < b.probe.value ? -1 : 1));
  for (const { probe, run } of inRange)
    for (const path of run.trace.paths) {
      if (path.assumed || path.effects.some((e) => e.kind === 'read' && e.status === 'oob')) continue;
      const w = path.effects.find((e): e is WarnEffect => e.kind === 'warn');
      if (w) return { run, path, probe, effect: w };
    }
  return undefined;
}

function probeableParams(kfunc: FunctionDef): string[] {
  return kfunc.params.filter((p) => isProbeable(p.type, p.pointer)).map((p) => p.name);
}

export function evaluateKfunc(kfunc: FunctionDef, env: EvalEnv, opts: { configs?: string[] } = {}): ArgVerdict[] {
  const configs = opts.configs?.length ? opts.configs : profileNames();
  const out: ArgVerdict[] = [];
  for (const param of probeableParams(kfunc)) {
    const results = configs.map((c) => runConfig(kfunc, env, param, c, configs));
    const withSink = results.filter((r) => r.verdict !== null);
    if (!withSink.length) continue;
    out.push(assemble(kfunc, param, withSink));
  }
  return out;
}

function assemble(kfunc: FunctionDef, param: string, results: ConfigResult[]): ArgVerdict {
  const p = kfunc.params.find((x) => x.name === param)!;
  const verdict = results.reduce<Verdict>((acc, r) => (RANK[r.verdict!] > RANK[acc] ? r.verdict! : acc), 'refuted');
  const top = results.find((r) => r.verdict === verdict)!;
  const primary = top.oob?.read ?? results.find((r) => r.oob)?.oob?.read ?? top.firstRead ?? results.find((r) => r.firstRead)?.firstRead;
  const bound = primary
    ? { name: primary.boundName, values: Object.fromEntries(results.map((r) => [r.config, Number(world(r.config).constant(primary.boundName) ?? -1n)])) }
    : null;

  let witness: Witness | null = null;
  if (top.oob) witness = witnessOf(top.oob, readOutcome(top.oob.read));
  else if (top.warn) {
    top.warn = firstInRangeWarn(top) ?? top.warn;
    witness = witnessOf(top.warn, pathOutcome(top.warn.path, 0));
  }
  else if (top.unknown) witness = witnessOf(top.unknown, `unknown: ${top.unknown.effect.what}`);
  else if (top.assumedOob) witness = witnessOf(top.assumedOob, `${readOutcome(top.assumedOob.read)} (only under an assumption)`);

  const warnSrc = results.find((r) => r.warn);
  // Prefer a plain in-range item as the WARN witness over edge or stale-constant probes.
  if (warnSrc) warnSrc.warn = firstInRangeWarn(warnSrc) ?? warnSrc.warn;
  const warn: WarnDetail | null = warnSrc?.warn
    ? {
        config: warnSrc.config,
        probe: hex(warnSrc.warn.probe.value),
        label: warnSrc.warn.probe.label,
        message: warnSrc.warn.effect.msg,
        returns: warnSrc.warn.path.result.kind,
        returnsText: warnSrc.warn.path.result.text,
        reach: warnSrc.inRangeTotal ? `${warnSrc.inRangeWarn} of ${warnSrc.inRangeTotal} in-range values` : null,
        chain: warnSrc.warn.effect.chain.join(' -> '),
      }
    : null;

  const guard = results.find((r) => r.guard)?.guard ?? null;
  const chain = primary?.chain.join(' -> ') ?? top.unknown?.effect.chain.join(' -> ') ?? `${kfunc.name}(${param})`;
  const perConfig = Object.fromEntries(results.map((r) => [r.config, r.verdict!]));
  const probes = results.reduce((n, r) => n + r.runs.length, 0);

  const evidence: string[] = [];
  evidence.push(`parameter ${param}: ${p.type} -> ${describeDomain(p.type)}`);
  evidence.push(`chain: ${chain}`);
  if (primary && bound)
    evidence.push(`array: ${primary.array} ${primary.elem}[${bound.name}] = ${Object.entries(bound.values).map(([c, v]) => `${v} (${c})`).join(', ')}`);
  if (witness) {
    evidence.push(`witness (${witness.config}): ${param} = ${witness.label} -> ${witness.outcome}`);
    for (const f of witness.forks) evidence.push(`  fork: ${f}`);
  }
  if (warn)
    evidence.push(
      `WARN reachable (${warn.config}): ${param} = ${warn.label} -> WARN_ONCE "${warn.message}", returns ${warn.returnsText}` +
        (warn.returns === 'zero' ? ' (indistinguishable from a real zero; the error value is -1)' : '') +
        (warn.reach ? `; ${warn.reach} reach it` : ''),
    );
  if (guard) evidence.push(`guard: \`${guard}\` stops out-of-range input before any access`);
  for (const g of top.innerGuards) evidence.push(`checked in callee: ${g}`);
  evidence.push(`per config: ${Object.entries(perConfig).map(([c, v]) => `${c} ${v}`).join(', ')} (${probes} probes)`);

  return {
    kfunc: kfunc.name,
    param,
    paramType: p.type,
    domain: describeDomain(p.type),
    verdict,
    chain,
    array: primary?.array ?? null,
    elem: primary?.elem ?? null,
    bound,
    witness,
    guard: verdict === 'refuted' || verdict === 'warn-reachable' ? guard : null,
    warn,
    perConfig,
    probes,
    evidence,
  };
}
