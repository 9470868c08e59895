// The plain-data view of a reviewed unit (a patch, or one file of an audit): what the JSON
// report, the audit and the GitHub layer print about kfuncs, registrations and sets. Built from
// a PatchModel; no tree-sitter node leaves it, so it crosses worker threads and the cache.
import { isSelftestPath } from './config.js';
import type { Param, PatchModel } from '../model/model.js';
import type { TargetTree } from '../model/target.js';

export interface KfuncJson {
  name: string;
  file: string;
  line: number;
  returnType: string;
  params: Pick<Param, 'name' | 'type'>[];
  added: boolean;
  removed: boolean;
  /** Set on kfuncs under tools/testing/ (selftests: their findings are info by default). */
  selftest?: true;
}
export interface RegistrationJson {
  kfunc: string;
  flags: string[];
  set: string | null;
  file: string;
  line: number;
  added: boolean;
  removed: boolean;
  oldFlags?: string[];
}
export interface SetJson {
  name: string;
  macro: string;
  file: string;
  line: number;
  entries: string[];
  registeredFor: string[];
}

export interface PatchSummary {
  subject: string;
  index: number;
  total: number;
  input: string;
  files: string[];
  kfuncs: KfuncJson[];
  registrations: RegistrationJson[];
  sets: SetJson[];
  target: TargetTree;
  recovered: boolean;
  notes: string[];
}

export function summarise(model: PatchModel, input: string, recovered: boolean): PatchSummary {
  return {
    subject: model.subject,
    index: model.index,
    total: model.total,
    input,
    // Callee regions of other files are context, not files of the unit.
    files: model.files.filter((f) => f.role === 'unit').map((f) => f.path),
    kfuncs: model.kfuncs.map((k) => ({
      name: k.name,
      file: k.file,
      line: k.line,
      returnType: k.returnType,
      params: k.params.map((p) => ({ name: p.name, type: p.type })),
      added: k.status === 'added',
      removed: k.status === 'removed',
      ...(isSelftestPath(k.file) ? { selftest: true as const } : {}),
    })),
    registrations: model.registrations.map((r) => ({
      kfunc: r.kfunc,
      flags: r.flags,
      set: r.set,
      file: r.file,
      line: r.line,
      added: r.added,
      removed: r.removed,
      ...(r.oldFlags ? { oldFlags: r.oldFlags } : {}),
    })),
    sets: model.sets.map((s) => ({
      name: s.name,
      macro: s.macro,
      file: s.file,
      line: s.line,
      entries: s.entries,
      registeredFor: model.idSets
        .filter((i) => i.set === s.name)
        .flatMap((i) => model.registerCalls.filter((c) => c.idSet === i.name).map((c) => c.progType ?? c.fn)),
    })),
    target: model.target,
    recovered,
    notes: [...model.notes],
  };
}
