// The expensive part of an audit, for one kfunc file: parse it (plus the callee regions it
// reaches in other files), build the model, run every rule, through the same core unit as a
// review. Input and output are plain data so the same function runs in the main thread
// (--jobs 1) and in worker threads; tree-sitter nodes never leave it.
import { sourceFromFile, sourcesFromRegions } from '../../intake/source.js';
import type { TargetTree } from '../../model/target.js';
import { analyseUnit } from '../../core/unit.js';
import type { KfuncJson, RegistrationJson, SetJson } from '../../core/summary.js';
import type { Finding } from '../../core/types.js';
import type { Region } from '../../tree/callees.js';
import { treeIndexOf, type TreeIndexData } from '../../tree/tree-index.js';

export interface AnalyseTask {
  path: string;
  text: string;
  regions: Region[];
  target: TargetTree;
  /** Tree-wide registrations and definitions (model.treeIndex). */
  tree?: TreeIndexData;
}

export interface AnalyseResult {
  path: string;
  kfuncs: KfuncJson[];
  registrations: RegistrationJson[];
  sets: SetJson[];
  /** Raw rule findings: the config is applied when the audit's results are merged. */
  findings: Finding[];
  /** Rule crashes, one line each. */
  errors: string[];
  /** Functions of other files the model could see (callee context). */
  calleeFunctions: number;
  /** register_btf_kfunc_id_set / fmodret / dtor calls in the file. */
  registerCalls: number;
}

export function analyse(task: AnalyseTask): AnalyseResult {
  const unit = analyseUnit({
    sources: [sourceFromFile(task.path, task.text)],
    input: task.path,
    meta: {
      subject: '',
      index: 0,
      total: 0,
      target: task.target,
      mode: 'tree',
      // Callee regions are context only: their own file's audit (if any) reviews their kfuncs.
      context: () => ({ sources: sourcesFromRegions(task.regions), ...(task.tree ? { treeIndex: treeIndexOf(task.tree) } : {}) }),
    },
  });
  const { model, summary: s } = unit;
  let calleeFunctions = 0;
  for (const f of model.functions.values()) if (f.file !== task.path) calleeFunctions++;
  return {
    path: task.path,
    kfuncs: s.kfuncs,
    registrations: s.registrations.filter((r) => r.file === task.path),
    sets: s.sets.filter((x) => x.file === task.path),
    findings: unit.findings,
    errors: unit.errors,
    calleeFunctions,
    registerCalls: model.registerCalls.filter((c) => c.file === task.path).length,
  };
}
