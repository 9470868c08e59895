// The #if/#elif/#else/#endif blocks inside one function body, read from the file's lines (the
// C parser never sees them: mask.ts blanks them so both branches parse as one body). A rule
// asks which configuration a statement belongs to, and what the other branches do instead.
import type { FunctionDef, PatchModel } from './model.js';
import { normaliseCond } from './preproc.js';

export interface PreprocBranch {
  /** The branch's condition: `CONFIG_X`, `!CONFIG_X`, or the expression as written. */
  cond: string;
  /** The directive line that opens the branch, and which directive it is. */
  line: number;
  kind: 'if' | 'elif' | 'else';
  /** First and last line of its body (end < start for an empty branch). */
  start: number;
  end: number;
}

export interface PreprocBlock {
  /** Line of the opening `#if` and of the `#endif`. */
  start: number;
  end: number;
  branches: PreprocBranch[];
  /** Has an explicit `#else` (else the block's last alternative is "nothing"). */
  hasElse: boolean;
}

/**
 * Every complete preprocessor block whose lines lie inside `fn`'s body, outermost first (a
 * nested block follows the one holding it). Empty when some line of the body is not visible.
 */
export function preprocBlocks(model: PatchModel, fn: FunctionDef): PreprocBlock[] {
  const file = model.files.find((f) => f.path === fn.file);
  if (!file) return [];
  const text = (n: number) => file.lineText(n, fn.side);
  const out: PreprocBlock[] = [];
  const open: PreprocBlock[] = [];
  for (let n = fn.line; n <= fn.endLine; n++) {
    const t = text(n);
    if (t === undefined) return [];
    const d = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(.*?)\s*(?:\/\*.*)?$/.exec(t);
    if (!d) continue;
    const [, kw, rest] = d;
    if (kw === 'ifdef' || kw === 'ifndef' || kw === 'if') {
      const cond = kw === 'ifdef' ? rest.split(/\s/)[0] : kw === 'ifndef' ? `!${rest.split(/\s/)[0]}` : normaliseCond(rest);
      const b: PreprocBlock = { start: n, end: -1, branches: [{ cond, line: n, kind: 'if', start: n + 1, end: -1 }], hasElse: false };
      open.push(b);
      out.push(b);
      continue;
    }
    const top = open[open.length - 1];
    if (!top) continue;
    top.branches[top.branches.length - 1].end = n - 1;
    if (kw === 'endif') {
      top.end = n;
      open.pop();
      continue;
    }
    const first = top.branches[0].cond;
    const cond =
      kw === 'elif' ? normaliseCond(rest) : first.startsWith('!') ? first.slice(1) : /^\w+$/.test(first) ? `!${first}` : `!(${first})`;
    if (kw === 'else') top.hasElse = true;
    top.branches.push({ cond, line: n, kind: kw === 'else' ? 'else' : 'elif', start: n + 1, end: -1 });
  }
  return out.filter((b) => b.end > 0);
}

/** The innermost block branch of `blocks` that holds `line`, with its block. */
export function branchAt(blocks: PreprocBlock[], line: number): { block: PreprocBlock; branch: PreprocBranch } | null {
  let best: { block: PreprocBlock; branch: PreprocBranch } | null = null;
  for (const block of blocks)
    for (const branch of block.branches)
      if (line >= branch.start && line <= branch.end && (!best || branch.start >= best.branch.start)) best = { block, branch };
  return best;
}
