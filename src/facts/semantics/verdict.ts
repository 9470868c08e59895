// Per-parameter verdicts: run every probe in every config profile and classify.
//   confirmed       a path with no assumptions reads a modelled array out of bounds
//   warn-reachable  no OOB, but an in-bounds input reaches WARN*
//   unconfirmed     the parameter reaches code the engine cannot see (or only assumed paths fail)
//   refuted         the parameter reaches a table, and every probe stays in bounds without WARN
import type { Verdict } from './verdict-type.js';
import type { FunctionDef } from '../../model/model.js';
import { hex } from './ctype.js';
import { describeDomain, isProbeable } from './domain.js';
import type { Effect, ReadEffect, ReturnKind, TracePath, WarnEffect } from './effects.js';
import { Budget, BudgetExhausted, type BudgetLimits, DEFAULT_PROBES, DEFAULT_STEPS } from './budget.js';
import type { CType } from './ctype.js';
import { type ProbeRun, runProbe } from './explore.js';
import type { PatchEnums } from './conversions.js';
import { type Discovered, type Probe, SEED_PROBES, chooseProbes, nameOf, relevantEnums } from './probes.js';
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
  /** Probe label for evidence, e.g. `in-range 7 (NR_ISOLATED_ANON)`. */
  label: string;
  /** The C parameter's value after truncation, in decimal: `7`, `-1`, `4294967295`. */
  value: string;
  /** Enumerator with that value in the profile, when the parameter indexes a modelled enum. */
  name?: string;
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
  /** Set when the work budget ran out for this parameter: the verdict is then at most 'unconfirmed' (unless confirmed). */
  budgetExhausted?: string;
}

export interface EvalEnv {
  functions: Map<string, FunctionDef>;
  /** Enums the patch defines (PatchModel.enums): a negative enumerator makes the enum signed. */
  enums?: PatchEnums;
}

export interface EvalOptions {
  /** Profiles to evaluate on (default: every registered profile). */
  configs?: string[];
  /** Work limits (default: DEFAULT_STEPS steps per kfunc, DEFAULT_PROBES probes per parameter and profile). */
  budget?: BudgetLimits;
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
  /** Why exploration stopped early on this profile (budget), if it did. */
  exhausted?: string;
}

/** What the runs of one evaluation share: limits, patch enums, the type memo. */
interface EvalCtx {
  env: EvalEnv;
  configs: string[];
  maxProbes: number;
  types: Map<string, CType>;
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

function runConfig(kfunc: FunctionDef, ctx: EvalCtx, param: string, config: string, budget: Budget): ConfigResult {
  const d: Discovered = { bounds: [], thresholds: [] };
  const type = kfunc.params.find((p) => p.name === param)!.type;
  // A run depends only on (param, register value, profile): later rounds repeat most probes.
  const done = new Map<bigint, { probe: Probe; run: ProbeRun }>();
  const runAll = (probes: Probe[]): { probe: Probe; run: ProbeRun }[] =>
    probes.map((probe) => {
      const hit = done.get(probe.value);
      if (hit) return { probe, run: hit.run };
      const run = runProbe(kfunc, ctx.env.functions, param, probe.value, probe.label, config, {
        budget,
        types: ctx.types,
        ...(ctx.env.enums ? { enums: ctx.env.enums } : {}),
      });
      done.set(probe.value, { probe, run });
      return { probe, run };
    });
  let runs: { probe: Probe; run: ProbeRun }[];
  try {
    runs = runAll(SEED_PROBES);
    // Deeper tables may only be reached by inputs chosen from the first round's findings.
    for (
      let round = 0;
      round < 3 &&
      discover(
        runs.map((r) => r.run),
        d,
      );
      round++
    ) {
      let probes = chooseProbes(type, config, d, ctx.configs);
      if (probes.length > ctx.maxProbes) {
        probes = probes.slice(0, ctx.maxProbes);
        runs = runAll(probes);
        budget.exhausted ??= `probe budget of ${ctx.maxProbes} exhausted`;
        break;
      }
      runs = runAll(probes);
    }
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
    // Classify what did run: a confirmed OOB stays proven; nothing else can be concluded.
    runs = [...done.values()];
  }
  const res = classify(config, runs);
  // A path cap hit inside a probe also leaves paths unexplored.
  const truncated = runs.some((r) => r.run.trace.truncated);
  const why = budget.exhausted ?? (truncated ? 'path budget of a probe exhausted' : undefined);
  if (why !== undefined) {
    res.exhausted = why;
    if (res.verdict !== 'confirmed') res.verdict = 'unconfirmed';
  }
  return res;
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
      parts.push(
        `OOB ${e.access} of ${e.array}[${e.index}] (${e.elem}[${e.boundName}=${e.bound}], ${e.oob!.bytes} bytes ${e.oob!.side === 'after' ? 'past the end' : 'before the start'})`,
      );
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

/** The plain input value of a WARN witness, and its enumerator name when one is known. */
function warnValue(type: string, config: string, argValue: bigint, path: TracePath): { value: string; name?: string } {
  const reached: Discovered = { bounds: [], thresholds: [] };
  for (const e of path.effects) if (taintedRead(e)) reached.bounds.push({ name: e.boundName, value: e.bound, table: e.array });
  const name = nameOf(world(config), relevantEnums(type, reached), argValue);
  return { value: String(argValue), ...(name ? { name } : {}) };
}

function probeableParams(kfunc: FunctionDef, enums?: PatchEnums): string[] {
  return kfunc.params.filter((p) => !p.pointer && isProbeable(p.type, p.pointer, enums)).map((p) => p.name);
}

export function evaluateKfunc(kfunc: FunctionDef, env: EvalEnv, opts: EvalOptions = {}): ArgVerdict[] {
  const configs = opts.configs?.length ? opts.configs : profileNames();
  const ctx: EvalCtx = { env, configs, maxProbes: opts.budget?.probes ?? DEFAULT_PROBES, types: new Map() };
  const total = new Budget(opts.budget?.steps ?? DEFAULT_STEPS);
  const params = probeableParams(kfunc, env.enums);
  const out: ArgVerdict[] = [];
  params.forEach((param, i) => {
    // Each parameter, then each profile, gets an equal share of what is left.
    const forParam = total.share(params.length - i);
    const results = configs.map((c, j) => {
      const forConfig = forParam.share(configs.length - j);
      const r = runConfig(kfunc, ctx, param, c, forConfig);
      forParam.absorb(forConfig);
      return r;
    });
    total.absorb(forParam);
    const withSink = results.filter((r) => r.verdict !== null);
    if (!withSink.length) return;
    out.push(assemble(kfunc, param, withSink, env.enums));
  });
  return out;
}

function assemble(kfunc: FunctionDef, param: string, results: ConfigResult[], enums?: PatchEnums): ArgVerdict {
  const p = kfunc.params.find((x) => x.name === param)!;
  const verdict = results.reduce<Verdict>((acc, r) => (RANK[r.verdict!] > RANK[acc] ? r.verdict! : acc), 'refuted');
  const top = results.find((r) => r.verdict === verdict)!;
  const primary = top.oob?.read ?? results.find((r) => r.oob)?.oob?.read ?? top.firstRead ?? results.find((r) => r.firstRead)?.firstRead;
  const bound = primary
    ? {
        name: primary.boundName,
        values: Object.fromEntries(results.map((r) => [r.config, Number(world(r.config).constant(primary.boundName) ?? -1n)])),
      }
    : null;

  let witness: Witness | null = null;
  if (top.oob) witness = witnessOf(top.oob, readOutcome(top.oob.read));
  else if (top.warn) {
    top.warn = firstInRangeWarn(top) ?? top.warn;
    witness = witnessOf(top.warn, pathOutcome(top.warn.path, 0));
  } else if (top.unknown) witness = witnessOf(top.unknown, `unknown: ${top.unknown.effect.what}`);
  else if (top.assumedOob) witness = witnessOf(top.assumedOob, `${readOutcome(top.assumedOob.read)} (only under an assumption)`);

  const warnSrc = results.find((r) => r.warn);
  // Prefer a plain in-range item as the WARN witness over edge or stale-constant probes.
  if (warnSrc) warnSrc.warn = firstInRangeWarn(warnSrc) ?? warnSrc.warn;
  const warn: WarnDetail | null = warnSrc?.warn
    ? {
        config: warnSrc.config,
        probe: hex(warnSrc.warn.probe.value),
        label: warnSrc.warn.probe.label,
        ...warnValue(p.type, warnSrc.config, warnSrc.warn.run.trace.argValue, warnSrc.warn.path),
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
  evidence.push(`parameter ${param}: ${p.type} -> ${describeDomain(p.type, enums)}`);
  evidence.push(`chain: ${chain}`);
  if (primary && bound)
    evidence.push(
      `array: ${primary.array} ${primary.elem}[${bound.name}] = ${Object.entries(bound.values)
        .map(([c, v]) => `${v} (${c})`)
        .join(', ')}`,
    );
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
  evidence.push(
    `per config: ${Object.entries(perConfig)
      .map(([c, v]) => `${c} ${v}`)
      .join(', ')} (${probes} probes)`,
  );
  const exhausted = results.filter((r) => r.exhausted);
  if (exhausted.length)
    evidence.push(
      `budget exhausted (${exhausted.map((r) => `${r.config}: ${r.exhausted}`).join('; ')}): the engine stopped exploring, so the verdict is at most unconfirmed` +
        (verdict === 'confirmed' ? ' unless a path with no assumptions is out of bounds, as here' : ''),
    );

  return {
    kfunc: kfunc.name,
    param,
    paramType: p.type,
    domain: describeDomain(p.type, enums),
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
    ...(exhausted.length ? { budgetExhausted: exhausted.map((r) => `${r.config}: ${r.exhausted}`).join('; ') } : {}),
  };
}
