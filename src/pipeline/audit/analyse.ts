// The expensive part of an audit, for one kfunc file: parse it (plus the callee regions it
// reaches in other files), build the model, run every rule. Input and output are plain data so
// the same function runs in the main thread (--jobs 1) and in worker threads; tree-sitter nodes
// never leave it.
import { sourceFromFile, type FileSource } from '../../intake/source.js';
import { buildModel } from '../../model/build-model.js';
import type { TargetTree } from '../../model/target.js';
import { runRules } from '../../core/engine.js';
import { registry } from '../../rules/index.js';
import { summarise, type KfuncJson, type RegistrationJson, type SetJson } from '../review.js';
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
  findings: Finding[];
  /** Rule crashes, one line each. */
  errors: string[];
  /** Functions of other files the model could see (callee context). */
  calleeFunctions: number;
  /** register_btf_kfunc_id_set / fmodret / dtor calls in the file. */
  registerCalls: number;
}

/** A FileSource that shows only the given regions of a file (like diff hunks, nothing added). */
export function regionSource(path: string, regions: Region[]): FileSource {
  const lines = new Map<number, string>();
  for (const r of regions) r.lines.forEach((t, i) => lines.set(r.start + i, t));
  // Start from a whole-file source so any field added to FileSource later gets its audit default.
  return { ...sourceFromFile(path, ''), post: { lines, full: false } };
}

export function analyse(task: AnalyseTask): AnalyseResult {
  const byPath = new Map<string, Region[]>();
  for (const r of task.regions) {
    const list = byPath.get(r.path);
    if (list) list.push(r); else byPath.set(r.path, [r]);
  }
  const sources = [sourceFromFile(task.path, task.text), ...[...byPath].map(([p, rs]) => regionSource(p, rs))];
  const model = buildModel(sources, { subject: '', index: 0, total: 0, target: task.target });
  // Callee regions are context only: their own file's audit (if any) reviews their kfuncs.
  model.kfuncs = model.kfuncs.filter((k) => k.file === task.path);
  model.notes = model.notes.filter((n) => n.startsWith(`${task.path}:`));
  if (task.tree) model.treeIndex = treeIndexOf(task.tree);
  const run = runRules(model, registry);
  const s = summarise(model, task.path, false);
  let calleeFunctions = 0;
  for (const f of model.functions.values()) if (f.file !== task.path) calleeFunctions++;
  return {
    path: task.path,
    kfuncs: s.kfuncs,
    registrations: s.registrations.filter((r) => r.file === task.path),
    sets: s.sets.filter((x) => x.file === task.path),
    findings: run.findings,
    errors: run.errors,
    calleeFunctions,
    registerCalls: model.registerCalls.filter((c) => c.file === task.path).length,
  };
}
