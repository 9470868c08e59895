// The tree-sitter questions the index analysis asks of C: operators, calls, wrappers to see
// through, and whether a branch leaves the function or overwrites the value.
import type { SyntaxNode } from '../../model/c-parser.js';
import { TRANSPARENT } from '../../knowledge/indexing-callees.js';

export const CMP = new Set(['<', '<=', '>', '>=', '==', '!=']);
export const ARITH = new Set(['+', '-', '*', '/', '%', '<<', '>>', '|', '^']);

/** The operator of a binary, unary or assignment expression. */
export const op = (n: SyntaxNode): string => n.childForFieldName('operator')?.text ?? '';

export function callName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  if (!fn) return '';
  if (fn.type === 'field_expression') return fn.childForFieldName('field')?.text ?? fn.text;
  return fn.text;
}

export function callArgs(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
}

/** `n` without parentheses and truth-preserving wrappers (`unlikely(x)` is `x`). */
export const strip = (n: SyntaxNode): SyntaxNode => {
  let x = n;
  for (;;) {
    if (x.type === 'parenthesized_expression' && x.namedChildren.length === 1) x = x.namedChildren[0]!;
    else if (x.type === 'call_expression' && TRANSPARENT.test(x.childForFieldName('function')?.text ?? '')) {
      const a = callArgs(x);
      if (!a.length) return x;
      x = a[0]!;
    } else return x;
  }
};

/** Does `stmt` always leave the enclosing block (return, goto, break, continue, BUG, panic)? */
export function isExit(stmt: SyntaxNode | null): boolean {
  if (!stmt) return false;
  if (['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(stmt.type)) return true;
  if (stmt.type === 'compound_statement') {
    const kids = stmt.namedChildren.filter((c) => c.type !== 'comment');
    return isExit(kids[kids.length - 1] ?? null);
  }
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChildren[0];
    return !!e && e.type === 'call_expression' && /^(BUG|panic|do_exit)$/.test(callName(e));
  }
  return false;
}

/** `if (C) v = <safe>;` (a clamp written out): C acts as a reject condition for v. */
export function reassigns(stmt: SyntaxNode | null, vars: Set<string>): boolean {
  if (!stmt) return false;
  const s = stmt.type === 'compound_statement' ? (stmt.namedChildren.find((c) => c.type !== 'comment') ?? null) : stmt;
  if (!s || s.type !== 'expression_statement') return false;
  const e = s.namedChildren[0];
  return !!e && e.type === 'assignment_expression' && vars.has(e.childForFieldName('left')?.text ?? '');
}

/** Does `n` name any of `names`? */
export function mentions(n: SyntaxNode, names: Set<string>): boolean {
  return n.descendantsOfType('identifier').some((i) => names.has(i.text)) || (n.type === 'identifier' && names.has(n.text));
}

/** `a OP b` is `b MIRROR[OP] a`. */
export const MIRROR: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** `!(a OP b)` is `a NEGATE[OP] b`. */
export const NEGATE: Record<string, string> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' };
