// Path enumeration: re-run the interpreter with every fork-choice prefix (depth-first).
// Re-execution keeps the interpreter free of state cloning; kfunc bodies are tiny.
import type { FunctionDef } from '../../model/model.js';
import { describeDomain } from './domain.js';
import type { Trace, TracePath } from './effects.js';
import { type Budget, PATH_COST } from './budget.js';
import type { CType } from './ctype.js';
import { Interpreter } from './interpreter.js';
import type { PatchEnums } from './conversions.js';
import { world } from './registry.js';

const MAX_PATHS = 64;

export interface RunOptions {
  budget?: Budget;
  enums?: PatchEnums;
  /** Type memo shared by the runs of one evaluation. */
  types?: Map<string, CType>;
}

export interface ProbeRun {
  trace: Trace;
  thresholds: bigint[];
}

export function runProbe(
  kfunc: FunctionDef,
  functions: Map<string, FunctionDef>,
  param: string,
  probe: bigint,
  probeLabel: string,
  config: string,
  opts: RunOptions = {},
): ProbeRun {
  const w = world(config);
  const paths: TracePath[] = [];
  const thresholds = new Set<bigint>();
  let prefix: number[] = [];
  let argValue: bigint;
  let truncated = false;
  for (;;) {
    opts.budget?.spend(PATH_COST);
    const out = new Interpreter({ kfunc, functions, world: w, param, register: probe, prefix, ...opts }).run();
    argValue = out.argValue;
    for (const t of out.thresholds) thresholds.add(t);
    paths.push({
      forks: out.forks,
      assumed: out.assumed,
      effects: out.effects,
      result: out.result,
      ...(out.aborted !== undefined ? { aborted: out.aborted } : {}),
    });
    // Next prefix: bump the deepest choice that still has an untried alternative.
    let i = out.choices.length - 1;
    while (i >= 0 && out.choices[i]!.pick + 1 >= out.choices[i]!.n) i--;
    if (i < 0) break;
    if (paths.length >= MAX_PATHS) {
      truncated = true;
      break;
    }
    prefix = [...out.choices.slice(0, i).map((c) => c.pick), out.choices[i]!.pick + 1];
  }
  const p = kfunc.params.find((x) => x.name === param);
  return {
    trace: {
      kfunc: kfunc.name,
      param,
      paramType: p?.type ?? '?',
      domain: describeDomain(p?.type ?? 'int', opts.enums),
      probe,
      probeLabel,
      config,
      argValue,
      paths,
      truncated,
    },
    thresholds: [...thresholds],
  };
}
