// KF-IDX-13: a patch that deletes a check on a BPF-controlled scalar argument must say why. Reads
// the pre-image of each changed kfunc (model.preImage): an `if (...) return/goto` statement the
// patch removes whole, whose condition tests a scalar parameter that the kfunc still has and
// still uses, with no check of that parameter added in its place.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FileModel, FunctionDef, KfuncDef, PatchModel } from '../../model/model.js';
import { isScalarType, snippet, usesOf } from '../../model/c-query.js';
import { CHECKER_NAME, SANITISER, VALIDATOR_NAME } from '../../knowledge/indexing-callees.js';
import { defineRule } from '../contract.js';

const COMPARISON = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** Does the statement always leave (return, goto, break, continue), possibly after other statements? */
function exits(s: SyntaxNode | null): boolean {
  if (!s) return false;
  if (['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(s.type)) return true;
  if (s.type !== 'compound_statement') return false;
  const kids = s.namedChildren.filter((c) => c.type !== 'comment');
  return exits(kids[kids.length - 1] ?? null);
}

/** Does `cond` test `param`: compare it, or pass it to a call (a validator), in some clause? */
function tests(cond: SyntaxNode, param: string): boolean {
  for (const b of cond.descendantsOfType('binary_expression')) {
    const o = b.childForFieldName('operator')?.text ?? '';
    if (COMPARISON.has(o) && usesOf(b, param).length) return true;
  }
  return cond.descendantsOfType('call_expression').some((c) => usesOf(c.childForFieldName('arguments') ?? c, param).length > 0);
}

/** Text without white space, for "the same check is still there" comparisons. */
const squash = (t: string) => t.replace(/\s+/g, '');

/** The comparison clauses of `cond` that name `param` (`start > end`, `level < 0`). */
function clauses(cond: SyntaxNode, param: string): string[] {
  return cond
    .descendantsOfType('binary_expression')
    .filter((b) => COMPARISON.has(b.childForFieldName('operator')?.text ?? '') && usesOf(b, param).length > 0)
    .map((b) => squash(b.text));
}

/** Is a check of `param` still made, or made anew: the same clause in the new body, or an added line testing it? */
function replaced(model: PatchModel, file: FileModel, k: KfuncDef, param: string, removed: string[]): boolean {
  const body = squash(k.body.text);
  if (removed.some((c) => body.includes(c))) return true;
  const mentions = new RegExp(`\\b${param}\\b`);
  for (const l of file.addedLines) {
    if (l < k.line || l > k.endLine) continue;
    const t = (file.lineText(l) ?? '').replace(/->|<<|>>/g, ' ');
    if (!mentions.test(t)) continue;
    // A new condition, comparison or validating call on the same line as the parameter.
    if (/\b(if|while)\s*\(|[<>]|[!=]=|\?/.test(t)) return true;
    const calls = [...t.matchAll(/(\w+)\s*\(/g)].map((m) => m[1]!);
    if (calls.some((c) => VALIDATOR_NAME.test(c) || CHECKER_NAME.test(c) || SANITISER.test(c))) return true;
  }
  // The check may have moved into a helper the patch changes: its added lines test the same clause.
  for (const f of model.files)
    for (const l of f.addedLines) {
      const t = squash(f.lineText(l) ?? '');
      if (removed.some((c) => t.includes(c))) return true;
    }
  return false;
}

/** The removed if-statements of `old` whose every line the patch deletes. */
function removedIfs(old: FunctionDef, file: FileModel): SyntaxNode[] {
  return old.body.descendantsOfType('if_statement').filter((s) => {
    if (s.childForFieldName('alternative')) return false;
    for (let l = s.startPosition.row + 1; l <= s.endPosition.row + 1; l++) if (!file.removedLines.has(l)) return false;
    return exits(s.childForFieldName('consequence'));
  });
}

export default defineRule({
  meta: {
    id: 'KF-IDX-13',
    severity: 'warning',
    description: 'Explain (or undo) the removal of a check on a BPF-controlled argument',
    rationale:
      'The verifier passes any value for a scalar kfunc argument, so the checks in the kfunc body are all that keep out-of-range values away from the code after them. A patch that deletes such a check while the argument is still used is the first thing a reviewer asks about: the check may have been the only bound on an index, a size or a loop count.',
    kernels: 'all',
    messages: {
      removedCheck:
        '{name}() loses the check `{check}` on {param}, which the BPF program controls, yet still uses {param} (line {use}); keep the check or say in the commit message why the value cannot be out of range any more',
    },
  },
  check({ model, report }) {
    for (const k of model.kfuncs) {
      if (k.side !== 'new') continue;
      const old = model.preImage.get(k.name);
      const file = model.files.find((f) => f.path === k.file);
      if (!old || old.file !== k.file || !file) continue;
      const scalars = k.params.filter((p) => !p.pointer && isScalarType(p.type) && old.params.some((q) => q.name === p.name));
      if (!scalars.length) continue;
      for (const s of removedIfs(old, file)) {
        const cond = s.childForFieldName('condition');
        if (!cond) continue;
        const lost = scalars
          .filter((p) => tests(cond, p.name))
          .map((p) => ({ p, uses: usesOf(k.body, p.name) }))
          .filter(({ p, uses }) => uses.length > 0 && !replaced(model, file, k, p.name, clauses(cond, p.name)));
        if (!lost.length) continue;
        const check = snippet(cond, 80).replace(/^\((.*)\)$/, '$1');
        const line = s.startPosition.row + 1;
        const first = lost[0]!.uses[0]!;
        report({
          messageId: 'removedCheck',
          kfunc: k.name,
          file: k.file,
          line,
          side: 'old',
          key: squash(check),
          data: { name: k.name, param: lost.map((x) => x.p.name).join(' and '), check, use: first.startPosition.row + 1 },
          evidence: [
            `removed: \`if ${snippet(cond, 80)} ${snippet(s.childForFieldName('consequence')!, 40)}\` at ${k.file}:${line} (pre-image)`,
            ...lost.map(({ p, uses }) => {
              const u = uses[0]!;
              return `${p.name}: \`${p.type}\`, a scalar the verifier does not range-check, still used at ${k.file}:${u.startPosition.row + 1} (\`${snippet(u.parent ?? u, 60)}\`)`;
            }),
            'no check of it is added in its place (no added line tests it, the same comparison is not elsewhere in the kfunc)',
          ],
        });
      }
    }
  },
});
