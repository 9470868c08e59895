// Small syntax helpers the argument-contract facts share: unwrap parentheses and casts, name a
// callee, read call arguments, fold a node to one line for evidence, and tell whether a branch
// leaves the function with a failure.
import type { SyntaxNode } from '../../model/c-parser.js';
import { ERRNO_VALUE } from '../../knowledge/flags-words.js';

/** `((x))`, `(void *)x` -> `x`. */
export function strip(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (;;) {
    if (cur.type === 'parenthesized_expression' && cur.namedChildren.length === 1) cur = cur.namedChildren[0];
    else if (cur.type === 'cast_expression' && cur.childForFieldName('value')) cur = cur.childForFieldName('value')!;
    else return cur;
  }
}

/** The called name of a plain call (`foo(...)`), '' for calls through pointers. */
export function calleeOf(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'field_expression') return fn.childForFieldName('field')?.text ?? '';
  return '';
}

export function argsOf(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
}

export function fold(n: SyntaxNode, max = 90): string {
  const t = n.text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

export function lineOf(n: SyntaxNode): number {
  return n.startPosition.row + 1;
}

/** True when `inner` lies inside `outer` (or is it). */
export function within(inner: SyntaxNode, outer: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The identifier a declarator declares (`*p`, `p`, `p[4]`). */
export function declaredName(d: SyntaxNode | null): string | null {
  let cur = d;
  while (cur && cur.type !== 'identifier') cur = cur.childForFieldName('declarator') ?? null;
  return cur?.text ?? null;
}

/**
 * True when the statement leaves on a failure: it returns or jumps away, or it stores a
 * negative errno for a later return (`err = -EINVAL; break;`).
 */
export function failsOut(stmt: SyntaxNode): boolean {
  if (stmt.type === 'return_statement' || stmt.type === 'goto_statement') return true;
  if (stmt.descendantsOfType(['return_statement', 'goto_statement']).length > 0) return true;
  return stmt
    .descendantsOfType('assignment_expression')
    .some((a) => a.childForFieldName('operator')?.text === '=' && ERRNO_VALUE.test(a.childForFieldName('right')?.text ?? ''));
}

/** Inside sizeof()/typeof()/alignof: the operand is never evaluated. */
export function unevaluated(n: SyntaxNode, stop: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'sizeof_expression' || p.type === 'alignof_expression') return true;
    if (p.type === 'call_expression' && /^(typeof|__typeof__|__same_type|sizeof|__alignof__|BUILD_BUG_ON\w*)$/.test(calleeOf(p)))
      return true;
  }
  return false;
}
