// What a function does with a flags word it is given: does it reject the bits it does not know
// (knowledge/flags-words.ts), or only test some bits, keep the word, hand it on, or never read
// it at all. Copies into locals are followed, and so are visible helpers (the patch's files and
// with --tree the callee regions of other files) to a depth of three, binding arguments to
// parameters. The reading is syntactic and order-blind: a rejecting test anywhere counts.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { CONDITION_WRAPPER, ERRNO_VALUE, RESERVED_MASK } from '../../knowledge/flags-words.js';
import { argsOf, calleeOf, declaredName, fold, lineOf, strip, unevaluated } from './syntax.js';

export interface FlagSite {
  text: string;
  file: string;
  line: number;
  /** Functions from the kfunc down to the site (the kfunc first). */
  chain: string[];
}

export interface FlagsUse {
  /** A test that fails the call on bits it does not know, or null. */
  rejects: FlagSite | null;
  /** True when the word (or a copy) is read anywhere. */
  read: boolean;
  /** Tests of some named bits, or a switch without a failing default. */
  bitTests: FlagSite[];
  /** Kept for later (`it->flags = flags`) or masked (`flags &= MASK`). */
  kept: FlagSite[];
  /** Handed to a function that is not visible. */
  forwarded: FlagSite[];
}

const MAX_DEPTH = 3;

/** A return that reports failure: an errno, NULL/false, an error variable, or a bare `return;`. */
function failingReturn(r: SyntaxNode): boolean {
  const e = r.namedChildren.find((c) => c.type !== 'comment');
  if (!e) return true;
  const t = strip(e).text.trim();
  if (/^(0|true|1)$/.test(t)) return false;
  return true;
}

/** The branch leaves with a failure (return of a failure, goto, or an errno stored for later). */
function branchFails(stmt: SyntaxNode | null): boolean {
  if (!stmt) return false;
  const returns = stmt.type === 'return_statement' ? [stmt] : stmt.descendantsOfType('return_statement');
  if (returns.some(failingReturn)) return true;
  if (stmt.type === 'goto_statement' || stmt.descendantsOfType('goto_statement').length) return true;
  return stmt
    .descendantsOfType('assignment_expression')
    .some((a) => a.childForFieldName('operator')?.text === '=' && ERRNO_VALUE.test(a.childForFieldName('right')?.text ?? ''));
}

/** The branch is a return/goto, or a block whose last statement is one. */
function exitsAtOnce(stmt: SyntaxNode | null): boolean {
  if (!stmt) return false;
  if (stmt.type === 'return_statement' || stmt.type === 'goto_statement') return true;
  if (stmt.type !== 'compound_statement') return false;
  const last = stmt.namedChildren.filter((c) => c.type !== 'comment').at(-1);
  return !!last && (last.type === 'return_statement' || last.type === 'goto_statement');
}

/** Climb from a use through parentheses and casts. */
function climb(n: SyntaxNode): SyntaxNode {
  let cur = n;
  while (cur.parent && (cur.parent.type === 'parenthesized_expression' || cur.parent.type === 'cast_expression')) cur = cur.parent;
  return cur;
}

type Shape = 'mask' | 'nonzero' | 'range' | 'ne' | 'eq' | 'bit';

/** How the condition tests the word at `top`: the operator applied to it. */
function shapeOf(top: SyntaxNode, cond: SyntaxNode): Shape {
  if (top.id === cond.id) return 'nonzero';
  const p = top.parent;
  if (!p || p.id === cond.id) return 'nonzero';
  if (p.type === 'argument_list') return 'nonzero'; // unlikely(flags)
  if (p.type === 'unary_expression' && p.child(0)?.text === '!') return 'nonzero';
  if (p.type !== 'binary_expression') return 'bit';
  const op = p.childForFieldName('operator')?.text ?? '';
  const other = p.childForFieldName('left')?.id === top.id ? p.childForFieldName('right') : p.childForFieldName('left');
  if (op === '&') {
    const negated = other && (strip(other).type === 'unary_expression' ? strip(other).child(0)?.text === '~' : false);
    const inner = other?.descendantsOfType('unary_expression').some((u) => u.child(0)?.text === '~');
    return negated || inner ? 'mask' : 'bit';
  }
  if (op === '&&' || op === '||') return 'nonzero';
  if (/^(>|>=|<|<=)$/.test(op)) return 'range';
  if (op === '!=') return 'ne';
  if (op === '==') return 'eq';
  return 'bit';
}

/** The if/switch/?: whose condition holds `top` (through branch hints), or null. */
function conditionOf(top: SyntaxNode): { stmt: SyntaxNode; cond: SyntaxNode } | null {
  let cur: SyntaxNode = top;
  for (let p = cur.parent; p; cur = p, p = p.parent) {
    if (
      (p.type === 'if_statement' || p.type === 'switch_statement' || p.type === 'while_statement' || p.type === 'conditional_expression') &&
      p.childForFieldName('condition')?.id === cur.id
    )
      return { stmt: p, cond: cur };
    if (p.type === 'argument_list') {
      const call = p.parent;
      if (!call || !CONDITION_WRAPPER.test(calleeOf(call))) return null;
      continue;
    }
    if (/statement$|^declaration$|^init_declarator$|^assignment_expression$|^compound_statement$/.test(p.type)) return null;
  }
  return null;
}

/** The default label of a switch body, or null. */
function defaultCase(sw: SyntaxNode): SyntaxNode | null {
  const body = sw.childForFieldName('body');
  return (
    body?.namedChildren.find((c) => c.type === 'case_statement' && !c.childForFieldName('value') && /^\s*default\b/.test(c.text)) ?? null
  );
}

interface Walk {
  model: PatchModel;
  out: FlagsUse;
  seen: Set<string>;
}

function walk(st: Walk, fn: FunctionDef, name: string, chain: string[]): void {
  const key = `${fn.file}:${fn.name}:${name}`;
  if (st.seen.has(key)) return;
  st.seen.add(key);
  const site = (n: SyntaxNode): FlagSite => ({ text: fold(n), file: fn.file, line: lineOf(n), chain });
  for (const id of fn.body.descendantsOfType('identifier')) {
    if (id.text !== name || unevaluated(id, fn.body)) continue;
    const top = climb(id);
    const p = top.parent;
    if (!p) continue;
    if (p.type === 'assignment_expression' && p.childForFieldName('left')?.id === top.id) {
      const op = p.childForFieldName('operator')?.text;
      if (op === '&=') {
        st.out.read = true;
        st.out.kept.push(site(p));
      }
      continue;
    }
    st.out.read = true;
    const c = conditionOf(top);
    if (c) {
      if (c.stmt.type === 'switch_statement') {
        const dflt = defaultCase(c.stmt);
        if (dflt && branchFails(dflt)) st.out.rejects ??= site(c.stmt.childForFieldName('condition') ?? c.stmt);
        else st.out.bitTests.push(site(c.cond));
        continue;
      }
      const shape = shapeOf(top, c.cond);
      if (c.stmt.type === 'conditional_expression') {
        const branches = [c.stmt.childForFieldName('consequence'), c.stmt.childForFieldName('alternative')];
        if (shape !== 'bit' && branches.some((b) => b && ERRNO_VALUE.test(b.text))) st.out.rejects ??= site(c.stmt);
        else st.out.bitTests.push(site(c.cond));
        continue;
      }
      const thenFails = branchFails(c.stmt.childForFieldName('consequence'));
      const elseFails = branchFails(c.stmt.childForFieldName('alternative'));
      // `if (flags & __FOO_INTERNAL_MASK) return -EINVAL;` rejects what the API reserves.
      const reserved =
        shape === 'bit' && thenFails && exitsAtOnce(c.stmt.childForFieldName('consequence')) && RESERVED_MASK.test(c.cond.text);
      const rejecting =
        reserved ||
        ((shape === 'mask' || shape === 'nonzero' || shape === 'range' || shape === 'ne') && thenFails) ||
        (shape === 'eq' && elseFails);
      if (rejecting) st.out.rejects ??= site(c.cond);
      else st.out.bitTests.push(site(c.cond));
      continue;
    }
    // Climb through `flags | BIT` (the word goes on with a bit added).
    let carried = top;
    while (carried.parent?.type === 'binary_expression' && carried.parent.childForFieldName('operator')?.text === '|')
      carried = climb(carried.parent);
    const q = carried.parent;
    if (!q) continue;
    if (q.type === 'argument_list' && q.parent?.type === 'call_expression') {
      const call = q.parent;
      const callee = calleeOf(call);
      const index = argsOf(call).findIndex((a) => a.id === carried.id);
      const def = callee ? st.model.functions.get(callee) : undefined;
      if (def && def.side === 'new' && def.name !== fn.name && chain.length < MAX_DEPTH && index >= 0 && def.params[index]?.name) {
        walk(st, def, def.params[index].name, [...chain, def.name]);
        continue;
      }
      // Printing the word (an error report with a format string) is not handing it on.
      if (argsOf(call).some((a) => a.type === 'string_literal' || a.type === 'concatenated_string')) continue;
      if (CONDITION_WRAPPER.test(callee)) st.out.bitTests.push(site(call));
      else st.out.forwarded.push({ ...site(call), text: `${callee || fold(call.childForFieldName('function')!)}()` });
      continue;
    }
    if (q.type === 'assignment_expression' && q.childForFieldName('right')?.id === carried.id) {
      const left = q.childForFieldName('left');
      if (left?.type === 'identifier') walk(st, fn, left.text, chain);
      else st.out.kept.push(site(q));
      continue;
    }
    if (q.type === 'init_declarator' && q.childForFieldName('value')?.id === carried.id) {
      const local = declaredName(q.childForFieldName('declarator'));
      if (local) walk(st, fn, local, chain);
      continue;
    }
    if (q.type === 'initializer_list' || q.type === 'initializer_pair') {
      st.out.kept.push(site(q));
      continue;
    }
    st.out.bitTests.push(site(top.parent ?? top));
  }
}

/** What `fn` and the visible helpers it hands the word to do with flags parameter `param`. */
export function flagsUse(model: PatchModel, fn: FunctionDef, param: string): FlagsUse {
  const st: Walk = { model, out: { rejects: null, read: false, bitTests: [], kept: [], forwarded: [] }, seen: new Set() };
  walk(st, fn, param, [fn.name]);
  return st.out;
}
