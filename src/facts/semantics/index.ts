// Public API of the semantics engine. Importing this module registers the built-in models.
import type { FunctionDef } from '../../model/model.js';
import type { Trace } from './effects.js';
import { runProbe } from './explore.js';
import type { PatchEnums } from './conversions.js';
import { memcgModel } from './models/memcg.js';
import { profileNames, registerModel } from './registry.js';

registerModel(memcgModel);

export { evaluateKfunc } from './verdict.js';
export type { ArgVerdict, EvalEnv, EvalOptions, WarnDetail, Witness } from './verdict.js';
export { formatTrace } from './trace-format.js';
export { registerModel, registeredModels, profileNames, world, summary, tableByAccess } from './registry.js';
export { classifyType, type CType } from './ctype.js';
export { enumIsSigned, type PatchEnums } from './conversions.js';
export type { BudgetLimits } from './budget.js';
export { parseSnippet } from './snippet.js';
export { describeDomain } from './domain.js';
export type { Effect, Trace, TracePath, ReturnKind, ReturnValue } from './effects.js';
export type * from './model-types.js';

/** Run one probe (a 64-bit register value) through `kfunc` on one config profile. */
export function traceKfunc(
  kfunc: FunctionDef,
  env: { functions: Map<string, FunctionDef>; enums?: PatchEnums },
  param: string,
  probe: bigint,
  config: string,
): Trace {
  // An empty param traces a kfunc with no scalar argument (e.g. to see MaySleep effects).
  if (param !== '' && !kfunc.params.some((p) => p.name === param))
    throw new Error(`${kfunc.name} has no parameter '${param}' (has: ${kfunc.params.map((p) => p.name).join(', ')})`);
  if (!profileNames().includes(config)) throw new Error(`unknown config '${config}' (known: ${profileNames().join(', ')})`);
  return runProbe(
    kfunc,
    env.functions,
    param,
    probe,
    `0x${BigInt.asUintN(64, probe).toString(16)}`,
    config,
    env.enums ? { enums: env.enums } : {},
  ).trace;
}

/** Parse a CLI probe: decimal, 0x hex (underscores allowed), or negative decimal. */
export function parseProbe(text: string): bigint {
  const t = text.replace(/_/g, '').trim();
  const v = BigInt(t.startsWith('-') ? '-' + t.slice(1) : t);
  return BigInt.asUintN(64, v);
}
