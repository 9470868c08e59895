// KF-CFG-01: a kfunc checks an argument in one #if branch only. In the configurations that
// take another branch (its #else, or nothing when there is no #else) the argument is used
// unchecked, or the kfunc answers as if any value were valid.
import { defineRule } from '../contract.js';
import type { SyntaxNode } from '../../model/c-parser.js';
import type { KfuncDef, PatchModel } from '../../model/model.js';
import { reviewedKfuncs, snippet, usesOf } from '../../model/c-query.js';
import { branchAt, preprocBlocks, type PreprocBlock, type PreprocBranch } from '../../model/preproc-blocks.js';

const line = (n: SyntaxNode) => n.startPosition.row + 1;

/** `if (... p ...) return X;` / `goto`: a check of `p` that leaves the kfunc. Returns the exit. */
function exitOf(ifNode: SyntaxNode): SyntaxNode | null {
  const cons = ifNode.childForFieldName('consequence');
  if (!cons) return null;
  if (cons.type === 'return_statement' || cons.type === 'goto_statement') return cons;
  if (cons.type === 'compound_statement')
    return cons.namedChildren.find((c) => c.type === 'return_statement' || c.type === 'goto_statement') ?? null;
  return null;
}

interface Check {
  node: SyntaxNode;
  exit: SyntaxNode;
  /** The value returned on failure (text), or null for a goto or a bare return. */
  failure: string | null;
}

function checksOf(fn: KfuncDef, param: string): Check[] {
  const out: Check[] = [];
  for (const n of fn.body.descendantsOfType('if_statement')) {
    const cond = n.childForFieldName('condition');
    if (!cond || usesOf(cond, param).length === 0) continue;
    const exit = exitOf(n);
    if (!exit) continue;
    const value = exit.type === 'return_statement' ? (exit.namedChildren.find((c) => c.type !== 'comment') ?? null) : null;
    out.push({ node: n, exit, failure: value ? value.text.replace(/\s+/g, ' ') : null });
  }
  return out;
}

const within = (n: number, b: { start: number; end: number }) => n >= b.start && n <= b.end;

/** A return value that reads as failure whatever the argument: an errno, NULL, false, the check's own. */
function failureLike(text: string, failure: string | null): boolean {
  const t = text.replace(/[()\s]/g, '');
  return t === (failure ?? '').replace(/[()\s]/g, '') || /^-E[A-Z0-9]+$/.test(t) || /^-\d+$/.test(t) || /^(NULL|false)$/.test(t);
}

/** What the configurations of `other` do with `param` instead of the check; null when nothing is wrong. */
function unchecked(fn: KfuncDef, param: string, check: Check, block: PreprocBlock, other: PreprocBranch | null): string | null {
  const range = other ?? { start: block.end + 1, end: block.end };
  if (checksOf(fn, param).some((c) => within(line(c.node), range))) return null;
  const where = other
    ? `the #${other.kind === 'else' ? 'else' : `elif ${other.cond}`} branch (line ${other.line})`
    : `the configurations without ${block.branches.map((b) => b.cond).join(' / ')}`;
  const uses = usesOf(fn.body, param).filter((u) => within(line(u), range));
  if (uses.length) return `${where} uses ${param} at line ${line(uses[0])} without it`;
  const rets = fn.body.descendantsOfType('return_statement').filter((r) => within(line(r), range));
  const ok = rets.map((r) => r.namedChildren.find((c) => c.type !== 'comment')).find((v) => v && !failureLike(v.text, check.failure));
  if (ok) return `${where} returns \`${snippet(ok)}\` for any ${param}`;
  if (rets.length) return null;
  // The branch falls through: what follows the block runs in those configurations too.
  const after = usesOf(fn.body, param).filter((u) => line(u) > block.end && line(u) <= fn.endLine);
  if (after.length) return `${other ? `after ${where}` : `in ${where}`}, ${param} is used at line ${line(after[0])} unchecked`;
  return null;
}

function reviewable(model: PatchModel, fn: KfuncDef): boolean {
  const f = model.files.find((x) => x.path === fn.file);
  return !!f && (f.visibility === 'full' || fn.status === 'added' || [...f.addedLines].some((n) => n >= fn.line && n <= fn.endLine));
}

export default defineRule({
  meta: {
    id: 'KF-CFG-01',
    severity: 'warning',
    description: 'Check kfunc arguments in every configuration, not in one #if branch only',
    rationale:
      'A BPF program passes the same values whatever the kernel configuration. A check that sits inside #ifdef CONFIG_X protects only kernels with CONFIG_X: in the other configurations the argument reaches the code unchecked, or the kfunc returns a valid-looking answer for any value, and programs tested on one configuration misbehave on another.',
    kernels: 'all',
    messages: {
      configOnlyCheck:
        '{name}() checks {param} only under #if {cond} (`{check}`), but {other}: check {param} in every configuration (move the check out of the #if, or reject the value in the other branch too)',
    },
  },
  check({ model, report }) {
    for (const fn of reviewedKfuncs(model)) {
      if (!reviewable(model, fn)) continue;
      const blocks = preprocBlocks(model, fn);
      if (!blocks.length) continue;
      for (const p of fn.params) {
        if (!p.name) continue;
        const checks = checksOf(fn, p.name);
        let done = false;
        for (const check of checks) {
          if (done) break;
          const at = branchAt(blocks, line(check.node));
          if (!at) continue;
          const { block, branch } = at;
          // Checked before the block in every configuration: the #if adds a check, it does not own it.
          if (checks.some((c) => line(c.node) < block.start && !branchAt(blocks, line(c.node)))) continue;
          // An #if that only selects code for a value range (e.g. `#if NR_CPUS > 1`) is still a configuration.
          const others: (PreprocBranch | null)[] = block.branches.filter((b) => b !== branch);
          if (!block.hasElse) others.push(null);
          for (const other of others) {
            const what = unchecked(fn, p.name, check, block, other);
            if (!what) continue;
            report({
              messageId: 'configOnlyCheck',
              data: {
                name: fn.name,
                param: p.name,
                cond: branch.cond,
                check: snippet(check.node.childForFieldName('condition')!, 60).replace(/^\((.*)\)$/, '$1'),
                other: what,
              },
              kfunc: fn.name,
              file: fn.file,
              line: branch.line,
              key: p.name,
              evidence: [
                `check: \`${snippet(check.node, 90)}\` at ${fn.file}:${line(check.node)}, inside #if ${branch.cond} (${fn.file}:${branch.line}-${block.end})`,
                other
                  ? `other branch: #${other.kind === 'else' ? 'else' : `elif ${other.cond}`} at ${fn.file}:${other.line}-${other.end + 1} (${other.cond}) has no check of ${p.name}`
                  : `no #else: the block ends at ${fn.file}:${block.end}`,
                what,
              ],
            });
            done = true;
            break;
          }
        }
      }
    }
  },
});
