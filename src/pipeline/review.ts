// The review of one input: text -> series -> per patch: sources (+ tree context) -> core unit
// -> findings, config applied through core policy, and what the report formats need about the
// patch (its key, the quoted lines, the answers to disputing replies). Every front door (CLI,
// Action, App) calls reviewText with the same ReviewOptions.
import { readSeries, type PatchRecord, type SeriesRecord } from '../intake/patch-mail.js';
import { sourceFromDiff, sourceFromTree, ApplyError, type FileSource } from '../intake/source.js';
import { InputRejected } from '../intake/decode.js';
import { DiffError } from '../intake/diff.js';
import { detectTarget } from '../model/target.js';
import type { ModelContext } from '../model/build-model.js';
import type { PatchModel } from '../model/model.js';
import type { Rule } from '../rules/contract.js';
import { analyseUnit } from '../core/unit.js';
import { finalFindings } from '../core/policy.js';
import type { Config } from '../core/config.js';
import { patchKey } from '../core/report-input.js';
import { emptyResult, type ReviewResult } from './review-result.js';
import { readTreeMakefile } from '../tree/makefile.js';
import { disputeAnswers, firstAddedLine, quoteFor } from './reply-data.js';
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

function sourcesFor(p: PatchRecord, opts: ReviewOptions, result: ReviewResult, input: string): FileSource[] {
  return p.files.map((f) => {
    if (opts.images) return sourceFromProvided(f, opts.images, result, input);
    if (!opts.tree) return sourceFromDiff(f);
    try {
      // Both paths of a rename must stay in the tree, whichever is read.
      if (f.oldPath && f.oldPath !== f.path && resolveInTree(opts.tree, f.path) === 'refused')
        throw new TreeReadRefused(refusedText(f.path));
      const text = readTreeText(opts.tree, f.oldPath ?? f.path);
      if (text !== null && text.length > LIMITS.parseBytes) {
        result.warnings.push(
          `${input}: ${f.path} is over the ${spellBytes(LIMITS.parseBytes)} parse limit; reviewing it from the hunks only`,
        );
        return sourceFromDiff(f);
      }
      return sourceFromTree(f, text);
    } catch (err) {
      if (err instanceof TreeReadRefused && err.tooLarge) {
        result.warnings.push(`${input}: ${err.message}; reviewing ${f.path} from the hunks only`);
        return sourceFromDiff(f);
      }
      if (err instanceof TreeReadRefused) {
        // Never read, never analysed as the tree's: the hunks are all we know of it.
        result.errors.push({ input, message: `${input}: ${err.message}; reviewed ${f.path} from the hunks only` });
        return sourceFromDiff(f);
      }
      if (!(err instanceof ApplyError)) throw err;
      result.warnings.push(`${input}: ${err.message}; reviewing ${f.path} from the hunks only`);
      return sourceFromDiff(f);
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

/** Reviews one input text (a patch, a format-patch file, an mbox series, a damaged web copy). */
export async function reviewText(text: string, input: string, opts: ReviewOptions = {}): Promise<ReviewResult> {
  const result = emptyResult();
  let series: SeriesRecord;
  try {
    series = await readSeries(text, input);
  } catch (err) {
    if (err instanceof DiffError) throw new InputRejected(`${input}: ${err.message}`);
    throw err;
  }
  if (series.patches.length === 0) throw new InputRejected(`${input}: no patch found (no diff hunks)`);
  result.series.push(series);
  for (const message of series.skipped) result.errors.push({ input, message });
  const treeMakefile = opts.tree ? readTreeMakefile(opts.tree) : undefined;
  // The tree cache (and what it imports) loads only for --tree reviews that may use it.
  const mod = opts.tree && opts.cache !== false ? await import('../tree/tree-cache.js') : null;
  const cache = mod && opts.tree ? { mod, tc: mod.openTreeCache(opts.tree, opts.cacheDir) } : null;
  for (const [position, p] of series.patches.entries()) {
    if (p.recovered) result.warnings.push(`${input}: damaged patch recovered${p.subject ? ` (${p.subject})` : ''}`);
    for (const w of p.warnings) result.warnings.push(w);
    for (const message of p.skipped) result.errors.push({ input, message });
    const sources = sourcesFor(p, opts, result, input);
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
        },
      },
      opts.rules,
    );
    const findings = finalFindings(unit.findings, opts.config);
    const key = patchKey({ input, position });
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
        firstAdded: firstAddedLine(unit.model),
        disputes: disputeAnswers(unit.model, open, series.discussion),
      },
    });
    for (const f of findings) result.report.findings.push({ finding: f, patch: key, quote: f.disposition ? [] : quoteFor(unit.model, f) });
  }
  return result;
}
