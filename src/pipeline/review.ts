// The review of one input: text -> series -> per patch: sources (+ tree context) -> core unit
// -> findings, config applied through core policy, and what the report formats need about the
// patch (its key, the quoted lines, the answers to disputing replies). Every front door (CLI,
// Action, App) calls reviewText with the same ReviewOptions.
import { readSeries, type PatchRecord, type SeriesRecord } from '../intake/patch-mail.js';
import { sourceFromDiff, applyToTree, imageText, ApplyError, type FileSource } from '../intake/source.js';
import { InputRejected } from '../intake/decode.js';
import { DiffError } from '../intake/diff.js';
import { detectTarget } from '../model/target.js';
import type { ModelContext } from '../model/build-model.js';
import type { PatchModel } from '../model/model.js';
import type { Rule } from '../rules/contract.js';
import { analyseUnit } from '../core/unit.js';
import { finalFindings } from '../core/policy.js';
import type { Config } from '../core/config.js';
import { patchKey, type InputError } from '../core/report-input.js';
import { emptyResult, type ReviewResult } from './review-result.js';
import { readTreeMakefile } from '../tree/makefile.js';
import { disputeAnswers, firstAddedLine, hunkOf, quoteWithLines, sourceLine } from './reply-data.js';
import { readTreeText, refusedText, resolveInTree, TreeReadRefused } from '../tree/contained.js';
import { LIMITS, spellBytes } from '../intake/limits.js';
import { sourceFromImages, ImageMismatch, type FileImageProvider } from '../tree/file-images.js';
import type { FileDiff } from '../intake/diff.js';

export { decodeInput, InputRejected } from '../intake/decode.js';
export type { KfuncJson, RegistrationJson, SetJson, PatchSummary } from '../core/summary.js';

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
  /**
   * Whole images of the touched files from elsewhere (a checkout at the patch's commit and git's
   * copy of its parent): nothing is applied. `tree` still serves the rest of the tree (Makefile,
   * audit cache).
   */
  images?: FileImageProvider;
}

export type { InputError } from '../core/report-input.js';
export { emptyResult, mergeResults, type ReviewResult } from './review-result.js';

/**
 * What the patches of a series before this one left in the tree (`git am` applies them in
 * order): the post-image text of each file they touched (null: deleted or renamed away), and the
 * files one of them could not be applied to (what they hold after it is unknown).
 */
interface SeriesTree {
  images: Map<string, string | null>;
  unknown: Set<string>;
}

/** A file from the images the front door provides; the hunks only (with a note) when it has none. */
function sourceFromProvided(f: FileDiff, images: FileImageProvider, result: ReviewResult, input: string): FileSource {
  const got = images({ path: f.path, oldPath: f.oldPath && f.oldPath !== f.path ? f.oldPath : null });
  const why = !got
    ? 'no whole-file image'
    : Math.max(got.pre?.length ?? 0, got.post?.length ?? 0) > LIMITS.parseBytes
      ? `over the ${spellBytes(LIMITS.parseBytes)} parse limit`
      : null;
  if (why || !got) {
    result.warnings.push(`${input}: ${f.path}: ${why}; reviewing it from the hunks only`);
    return sourceFromDiff(f);
  }
  try {
    return sourceFromImages(f, got);
  } catch (err) {
    if (!(err instanceof ImageMismatch)) throw err;
    result.warnings.push(`${input}: ${err.message}; reviewing ${f.path} from the hunks only`);
    return sourceFromDiff(f);
  }
}

function sourcesFor(p: PatchRecord, opts: ReviewOptions, result: ReviewResult, input: string, stack: SeriesTree): FileSource[] {
  return p.files.map((f) => {
    if (opts.images) return sourceFromProvided(f, opts.images, result, input);
    if (!opts.tree) return sourceFromDiff(f);
    const from = f.oldPath ?? f.path;
    const fromHunks = (why: string) => {
      stack.unknown.add(f.path);
      result.warnings.push(`${input}: ${why}; reviewing ${f.path} from the hunks only`);
      return sourceFromDiff(f);
    };
    try {
      if (stack.unknown.has(from)) return fromHunks(`${from}: an earlier patch of the series did not apply to it`);
      // Both paths of a rename must stay in the tree, whichever is read.
      if (f.oldPath && f.oldPath !== f.path && resolveInTree(opts.tree, f.path) === 'refused')
        throw new TreeReadRefused(refusedText(f.path));
      const text = stack.images.has(from) ? stack.images.get(from)! : readTreeText(opts.tree, from);
      if (text !== null && text.length > LIMITS.parseBytes)
        return fromHunks(`${f.path} is over the ${spellBytes(LIMITS.parseBytes)} parse limit`);
      const { source, offsets } = applyToTree(f, text);
      for (const o of offsets)
        result.warnings.push(`${input}: hunk #${o.hunk} of ${f.path} applied at offset ${o.offset > 0 ? '+' : ''}${o.offset}`);
      if (f.oldPath && f.oldPath !== f.path) stack.images.set(f.oldPath, null);
      stack.images.set(f.path, f.isDeleted ? null : imageText(source.post));
      return source;
    } catch (err) {
      if (err instanceof TreeReadRefused && err.tooLarge) return fromHunks(err.message);
      if (err instanceof TreeReadRefused) {
        // Never read, never analysed as the tree's: the hunks are all we know of it.
        stack.unknown.add(f.path);
        result.errors.push({ input, message: `${input}: ${err.message}; reviewed ${f.path} from the hunks only` });
        return sourceFromDiff(f);
      }
      if (!(err instanceof ApplyError)) throw err;
      return fromHunks(err.message);
    }
  });
}

type TreeCacheModule = typeof import('../tree/tree-cache.js');

/** The tree context of one patch: from the audit cache when there is one, else a note. */
function contextFor(
  p: PatchRecord,
  sources: FileSource[],
  opts: ReviewOptions,
  cache: { mod: TreeCacheModule; tc: ReturnType<TreeCacheModule['openTreeCache']> } | null,
) {
  const fromReply = p.fromReply ? [`patch taken from a reply (it follows the discussion of a "Re:" mail), as git am would take it`] : [];
  return (draft: PatchModel): ModelContext => {
    if (cache?.tc) {
      const gone = p.files.filter((f) => f.oldPath && f.oldPath !== f.path).map((f) => f.oldPath!);
      const ctx = cache.mod.treeContext(cache.tc, sources, gone)(draft);
      return { ...ctx, notes: [...fromReply, ...(ctx.notes ?? [])] };
    }
    if (cache && (draft.kfuncs.length || draft.registrations.length)) {
      return {
        notes: [
          ...fromReply,
          `no audit cache of ${opts.tree}: running \`kfunc-review audit ${opts.tree}\` once gives reviews against this tree cross-file context (registrations in other files, callees)`,
        ],
      };
    }
    return { notes: fromReply };
  };
}

/** One file of a series given as a directory (`git format-patch -o dir`), decoded. */
export interface SeriesPart {
  name: string;
  text: string;
}

async function readPart(part: SeriesPart): Promise<SeriesRecord> {
  try {
    return await readSeries(part.text, part.name);
  } catch (err) {
    if (err instanceof DiffError) throw new InputRejected(`${part.name}: ${err.message}`);
    throw err;
  }
}

/**
 * The files of a directory series read as one series: the cover letter from whichever file
 * holds it, the patches in file order (each still named by its own file), the discussion of all.
 * A file that cannot be read, or holds neither a patch nor the cover letter, is an error naming
 * it; the others are still reviewed.
 */
async function readParts(parts: SeriesPart[], input: string, errors: InputError[]): Promise<{ series: SeriesRecord; names: string[] }> {
  if (parts.length === 1) {
    const series = await readPart(parts[0]!);
    if (series.patches.length === 0) throw new InputRejected(`${input}: no patch found (no diff hunks)`);
    return { series, names: series.patches.map(() => parts[0]!.name) };
  }
  const series: SeriesRecord = { patches: [], cover: null, discussion: [], skipped: [] };
  const names: string[] = [];
  for (const part of parts) {
    let one: SeriesRecord;
    try {
      one = await readPart(part);
    } catch (err) {
      if (!(err instanceof InputRejected)) throw err;
      errors.push({ input: part.name, message: err.message });
      continue;
    }
    if (one.patches.length === 0 && !one.cover && !one.skipped.length)
      errors.push({ input: part.name, message: `${part.name}: no patch found (no diff hunks)` });
    series.cover ??= one.cover;
    for (const p of one.patches) {
      series.patches.push(p);
      names.push(part.name);
    }
    for (const d of one.discussion) series.discussion.push(d);
    for (const m of one.skipped) series.skipped.push(m);
  }
  if (series.patches.length === 0) throw new InputRejected(`${input}: no patch found in its ${parts.length} files`);
  return { series, names };
}

/** Reviews one input text (a patch, a format-patch file, an mbox series, a damaged web copy). */
export async function reviewText(text: string, input: string, opts: ReviewOptions = {}): Promise<ReviewResult> {
  return reviewSeries([{ name: input, text }], input, opts);
}

/**
 * Reviews one series: the parts of one input (one text, or the files of a `git format-patch -o`
 * directory named `input`). With a tree, patch N is reviewed on the tree plus patches 1..N-1.
 */
export async function reviewSeries(parts: SeriesPart[], seriesName: string, opts: ReviewOptions = {}): Promise<ReviewResult> {
  const result = emptyResult();
  const { series, names } = await readParts(parts, seriesName, result.errors);
  result.series.push(series);
  for (const message of series.skipped) result.errors.push({ input: seriesName, message });
  const stack: SeriesTree = { images: new Map(), unknown: new Set() };
  const treeMakefile = opts.tree ? readTreeMakefile(opts.tree) : undefined;
  // The tree cache (and what it imports) loads only for --tree reviews that may use it.
  const mod = opts.tree && opts.cache !== false ? await import('../tree/tree-cache.js') : null;
  const cache = mod && opts.tree ? { mod, tc: mod.openTreeCache(opts.tree, opts.cacheDir) } : null;
  for (const [position, p] of series.patches.entries()) {
    // Each patch is named by the file it came from (the input itself, or a file of a directory series).
    const input = names[position]!;
    if (p.recovered) result.warnings.push(`${input}: damaged patch recovered${p.subject ? ` (${p.subject})` : ''}`);
    for (const w of p.warnings) result.warnings.push(w);
    for (const message of p.skipped) result.errors.push({ input, message });
    const sources = sourcesFor(p, opts, result, input, stack);
    const codeLines = sources.flatMap((s) => [...s.post.lines.values()]);
    const target = detectTarget({
      kernelFlag: opts.kernel,
      treeMakefile,
      treePath: opts.tree,
      subjectTree: p.tag.tree,
      date: p.date,
      codeLines,
    });
    const unit = analyseUnit(
      {
        sources,
        input,
        recovered: p.recovered,
        meta: {
          subject: p.subject,
          index: p.tag.index,
          total: p.tag.total,
          target,
          mode: 'patch',
          context: contextFor(p, sources, opts, cache),
          treeGiven: opts.tree !== undefined,
        },
      },
      opts.rules,
    );
    const findings = finalFindings(unit.findings, opts.config);
    const key = patchKey({ input: seriesName, position });
    result.models.push(unit.model);
    result.patches.push(unit.summary);
    for (const f of findings) result.findings.push(f);
    // Each error names the input it is about (a batch prints them together).
    for (const m of unit.errors) result.errors.push({ input, message: m.startsWith(`${input}: `) ? m : `${input}: ${m}` });
    // What the email reply discusses: the findings no disposition set aside.
    const open = findings.filter((f) => !f.disposition);
    result.report.patches.push({
      key,
      summary: unit.summary,
      mail: {
        messageId: p.messageId,
        references: p.references ?? [],
        addresses: p.addresses ?? { from: [], to: [], cc: [] },
        firstAdded: firstAddedLine(unit.model),
        disputes: disputeAnswers(unit.model, open, series.discussion),
      },
    });
    for (const f of findings) {
      const { quote, quoteLines } = f.disposition ? { quote: [], quoteLines: [] } : quoteWithLines(unit.model, f);
      const source = sourceLine(unit.model, f);
      result.report.findings.push({
        finding: f,
        patch: key,
        quote,
        quoteLines,
        hunk: hunkOf(unit.model, f),
        ...(source === undefined ? {} : { source }),
      });
    }
  }
  return result;
}
