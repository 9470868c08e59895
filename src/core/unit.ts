// The per-unit core, the same for every front door: sources (+ declared context) -> model ->
// rules -> findings (compared with the patch's pre-image, ./baseline.ts) and a plain summary. A review calls it once per patch, an audit once per
// kfunc file (in a worker thread). Config (rule levels, dispositions) is applied by the caller
// on the final set through core/policy.ts, so audit results stay cacheable.
import type { FileSource } from '../intake/source.js';
import { buildModel, type ModelContext, type ModelMeta } from '../model/build-model.js';
import { againstBaseline } from './baseline.js';
import type { PatchModel } from '../model/model.js';
import type { Rule } from '../rules/contract.js';
import { registry } from '../rules/index.js';
import { runRules } from './engine.js';
import { summarise, type PatchSummary } from './summary.js';
import type { Finding } from './types.js';
import { LIMITS } from '../intake/limits.js';

export interface UnitInput {
  sources: FileSource[];
  meta: ModelMeta;
  /** Name of the input, for the summary and error lines. */
  input: string;
  /** The input was a damaged copy that intake recovered. */
  recovered?: boolean;
}

export interface UnitResult {
  model: PatchModel;
  summary: PatchSummary;
  /** Raw rule findings (no config applied yet). */
  findings: Finding[];
  /** Rule crashes and what the model could not read (not reviewed), one line each. */
  errors: string[];
}

/** Why the rules do not run on `model`: more kfuncs or set entries than the documented limits. */
function overLimits(model: PatchModel): string | null {
  const n = (x: number) => x.toLocaleString('en-US');
  if (model.kfuncs.length > LIMITS.kfuncs)
    return `not reviewed: ${n(model.kfuncs.length)} kfunc definitions, over the limit of ${n(LIMITS.kfuncs)}`;
  if (model.registrations.length > LIMITS.entries)
    return `not reviewed: ${n(model.registrations.length)} BTF_ID_FLAGS entries, over the limit of ${n(LIMITS.entries)}`;
  return null;
}

export function analyseUnit(u: UnitInput, rules: Rule[] = registry): UnitResult {
  // Keep the tree context the model was built with: the patch's baseline review needs the same.
  let context: ModelContext | undefined;
  const given = u.meta.context;
  const meta: ModelMeta = given ? { ...u.meta, context: (draft) => (context = given(draft)) } : u.meta;
  const model = buildModel(u.sources, meta);
  const over = overLimits(model);
  const run = over ? { findings: [], errors: [over] } : runRules(model, rules);
  const findings = over ? [] : againstBaseline(run.findings, model, u.sources, u.meta, context, rules);
  return {
    model,
    summary: summarise(model, u.input, u.recovered ?? false),
    findings,
    errors: [...model.skipped, ...run.errors],
  };
}
