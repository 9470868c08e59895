// The review pipeline: input bytes → series → per patch model → rules → findings.
// Shared by the CLI, the GitHub Action and the App.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSeries, type PatchRecord, type SeriesRecord } from '../intake/patch-mail.js';
import { sourceFromDiff, sourceFromTree, ApplyError, type FileSource } from '../intake/source.js';
import { buildModel } from '../model/build-model.js';
import { detectTarget, type TargetTree } from '../model/target.js';
import { DiffError } from '../intake/diff.js';
import type { PatchModel, Param } from '../model/model.js';
import { runRules } from '../core/engine.js';
import { registry } from '../rules/index.js';
import type { Finding, Rule } from '../core/types.js';
import { applyConfig, type Config } from '../core/config.js';

export interface ReviewOptions {
  /** Kernel checkout the patch applies to. */
  tree?: string;
  /** --kernel X.Y */
  kernel?: string;
  rules?: Rule[];
  /** Rule levels and user dispositions (.kfunc-review.json). */
  config?: Config;
  /**
   * With `tree`: false never reads the audit cache (--no-cache). Otherwise a valid cache of an
   * earlier `kfunc-review audit` of the tree gives the model the tree index and the callees in
   * other files (src/tree/tree-cache.ts).
   */
  cache?: boolean;
  /** Cache directory (default: $KFUNC_REVIEW_CACHE, else the user cache directory). */
  cacheDir?: string;
}

export interface KfuncJson { name: string; file: string; line: number; returnType: string; params: Pick<Param, 'name' | 'type'>[]; added: boolean; removed: boolean }
export interface RegistrationJson { kfunc: string; flags: string[]; set: string | null; file: string; line: number; added: boolean; removed: boolean; oldFlags?: string[] }
export interface SetJson { name: string; macro: string; file: string; line: number; entries: string[]; registeredFor: string[] }

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

export interface InputError { input: string; message: string }

export interface ReviewResult {
  patches: PatchSummary[];
  findings: Finding[];
  errors: InputError[];
  /** Warnings for stderr (recovered input, partial visibility). */
  warnings: string[];
  /** Models and series, for the model command and the email reply (not serialised). */
  models: PatchModel[];
  series: SeriesRecord[];
}

export class InputRejected extends Error {}

/** Decodes input bytes, refusing what is not a text patch. */
export function decodeInput(buf: Buffer, name: string): string {
  if (buf.length === 0) throw new InputRejected(`${name}: empty input`);
  if (buf.includes(0)) throw new InputRejected(`${name}: binary data, not a patch`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    // 8-bit mails declare their charset; postal-mime decodes the body from the raw bytes.
    const latin = buf.toString('latin1');
    if (!/charset="?(iso-8859|latin|windows-125)/i.test(latin)) throw new InputRejected(`${name}: not UTF-8 text`);
    text = latin;
  }
  if (text.trim() === '') throw new InputRejected(`${name}: empty input`);
  return text;
}

function sourcesFor(p: PatchRecord, opts: ReviewOptions, warnings: string[], input: string): FileSource[] {
  return p.files.map((f) => {
    if (!opts.tree) return sourceFromDiff(f);
    const path = join(opts.tree, f.oldPath ?? f.path);
    try {
      return sourceFromTree(f, existsSync(path) ? readFileSync(path, 'utf8') : null);
    } catch (err) {
      if (!(err instanceof ApplyError)) throw err;
      warnings.push(`${input}: ${err.message}; reviewing ${f.path} from the hunks only`);
      return sourceFromDiff(f);
    }
  });
}

export function summarise(model: PatchModel, input: string, recovered: boolean): PatchSummary {
  return {
    subject: model.subject, index: model.index, total: model.total, input,
    files: model.files.map((f) => f.path),
    kfuncs: model.kfuncs.map((k) => ({
      name: k.name, file: k.file, line: k.line, returnType: k.returnType,
      params: k.params.map((p) => ({ name: p.name, type: p.type })),
      added: k.status === 'added', removed: k.status === 'removed',
    })),
    registrations: model.registrations.map((r) => ({
      kfunc: r.kfunc, flags: r.flags, set: r.set, file: r.file, line: r.line, added: r.added, removed: r.removed,
      ...(r.oldFlags ? { oldFlags: r.oldFlags } : {}),
    })),
    sets: model.sets.map((s) => ({
      name: s.name, macro: s.macro, file: s.file, line: s.line, entries: s.entries,
      registeredFor: model.idSets.filter((i) => i.set === s.name)
        .flatMap((i) => model.registerCalls.filter((c) => c.idSet === i.name).map((c) => c.progType ?? c.fn)),
    })),
    target: model.target, recovered, notes: model.notes,
  };
}

/** Reviews one input text (a patch, a format-patch file, an mbox series, a damaged web copy). */
export async function reviewText(text: string, input: string, opts: ReviewOptions = {}): Promise<ReviewResult> {
  const result: ReviewResult = { patches: [], findings: [], errors: [], warnings: [], models: [], series: [] };
  let series: SeriesRecord;
  try {
    series = await readSeries(text, input);
  } catch (err) {
    if (err instanceof DiffError) throw new InputRejected(`${input}: ${err.message}`);
    throw err;
  }
  if (series.patches.length === 0) throw new InputRejected(`${input}: no patch found (no diff hunks)`);
  result.series.push(series);
  const treeMakefile = opts.tree && existsSync(join(opts.tree, 'Makefile')) ? readFileSync(join(opts.tree, 'Makefile'), 'utf8').slice(0, 4000) : undefined;
  const treeCache = opts.tree && opts.cache !== false ? await import('../tree/tree-cache.js') : null;
  const tc = treeCache && opts.tree ? treeCache.openTreeCache(opts.tree, opts.cacheDir) : null;
  for (const p of series.patches) {
    if (p.recovered) result.warnings.push(`${input}: damaged patch recovered${p.subject ? ` (${p.subject})` : ''}`);
    result.warnings.push(...p.warnings);
    const sources = sourcesFor(p, opts, result.warnings, input);
    const codeLines = sources.flatMap((s) => [...s.post.lines.values()]);
    const target = detectTarget({ kernelFlag: opts.kernel, treeMakefile, treePath: opts.tree, subjectTree: p.tag.tree, date: p.date, codeLines });
    const model = buildModel(sources, { subject: p.subject, index: p.tag.index, total: p.tag.total, target });
    const own = model.files.length;
    if (treeCache && tc) {
      const gone = p.files.filter((f) => f.oldPath && f.oldPath !== f.path).map((f) => f.oldPath!);
      model.notes.push(...treeCache.applyTreeCache(tc, model, sources, gone));
    } else if (treeCache && (model.kfuncs.length || model.registrations.length)) {
      model.notes.push(`no audit cache of ${opts.tree}: running \`kfunc-review audit ${opts.tree}\` once gives reviews against this tree cross-file context (registrations in other files, callees)`);
    }
    const run = runRules(model, opts.rules ?? registry);
    result.models.push(model);
    const summary = summarise(model, input, p.recovered);
    // Callee regions of other files are context, not files of the patch.
    summary.files = summary.files.slice(0, own);
    result.patches.push(summary);
    result.findings.push(...(opts.config ? applyConfig(run.findings, opts.config) : run.findings));
    result.errors.push(...run.errors.map((message) => ({ input, message })));
  }
  return result;
}

/** Merges the results of several inputs (a batch) into one. */
export function mergeResults(results: ReviewResult[]): ReviewResult {
  const out: ReviewResult = { patches: [], findings: [], errors: [], warnings: [], models: [], series: [] };
  for (const r of results) {
    out.patches.push(...r.patches);
    out.findings.push(...r.findings);
    out.errors.push(...r.errors);
    out.warnings.push(...r.warnings);
    out.models.push(...r.models);
    out.series.push(...r.series);
  }
  return out;
}
