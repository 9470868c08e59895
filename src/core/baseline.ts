// What a patch changes about the findings. A review looks at every kfunc the patch touches,
// including code the patch leaves as it was, so some findings were there before the patch. The
// same kfuncs are reviewed once more on the pre-image (the code as it stood, nothing added or
// removed): a finding the pre-image gives too, at the same or a higher level, predates the patch
// and is reported as info; one the patch introduces or makes worse keeps its rule's level.
import { preImageSource, type FileSource } from '../intake/source.js';
import { buildModel, type ModelContext, type ModelMeta } from '../model/build-model.js';
import type { PatchModel } from '../model/model.js';
import type { Rule } from '../rules/contract.js';
import { runRules } from './engine.js';
import { SEVERITY_RANK, type Finding } from './types.js';

export const PREDATES = 'predates the patch: the code before it gives the same finding';

/** True when the pre-image can have a finding on this kfunc: it existed before the patch. */
function existedBefore(model: PatchModel, kfunc: string): boolean {
  const def = model.kfuncs.find((k) => k.name === kfunc && k.side === 'new');
  if (def && def.status !== 'added') return true;
  return model.registrations.some((r) => r.kfunc === kfunc && (r.removed || (!r.added && r.side === 'new')));
}

/**
 * Compares the findings of a patch with those of its pre-image. `context` is the tree context
 * the post-image model was built with (tree index, callee regions): the pre-image sees the same.
 */
export function againstBaseline(
  findings: Finding[],
  model: PatchModel,
  sources: FileSource[],
  meta: ModelMeta,
  context: ModelContext | undefined,
  rules: Rule[],
): Finding[] {
  if (model.mode !== 'patch' || !model.focus?.size) return findings;
  if (!findings.some((f) => f.side === 'new' && existedBefore(model, f.kfunc))) return findings;
  const pre = sources.map(preImageSource).filter((s): s is FileSource => s !== null);
  if (!pre.length) return findings;
  const preModel = buildModel(pre, {
    ...meta,
    focus: model.focus,
    context: context
      ? () => ({ ...(context.sources ? { sources: context.sources } : {}), ...(context.treeIndex ? { treeIndex: context.treeIndex } : {}) })
      : undefined,
  });
  const before = new Map<string, Finding>();
  for (const f of runRules(preModel, rules).findings) before.set(f.fingerprint, f);
  return findings.map((f) => {
    const old = before.get(f.fingerprint);
    if (!old || f.side !== 'new' || f.severity === 'info' || SEVERITY_RANK[old.severity] < SEVERITY_RANK[f.severity]) return f;
    return { ...f, severity: 'info', evidence: [PREDATES, ...f.evidence], predates: true };
  });
}
