// The sign of a returned value, read from the if-guards that dominate the `return` (for the
// return-convention rules: can a success path return 0, the value the kfunc also uses for failure?).
import type { SyntaxNode } from '../model/c-parser.js';
import { parentOf } from '../model/c-query.js';
import { MIRROR, NEGATE } from './index/syntax.js';

type Sign = 'neg' | 'pos' | 'nonneg' | null;

function unwrap(n: SyntaxNode): SyntaxNode {
  let x = n;
  for (;;) {
    if (x.type === 'parenthesized_expression' && x.namedChildren.length === 1) x = x.namedChildren[0]!;
    else if (x.type === 'call_expression' && /^(likely|unlikely)$/.test(x.childForFieldName('function')?.text ?? '')) {
      const a = x.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (a.length !== 1) return x;
      x = a[0]!;
    } else return x;
  }
}

/** What `cond` being true says about the sign of `v` (`v < 0`, `0 > v`, `v <= 0`, `v > 0`, `v >= 0`). */
function signIf(cond: SyntaxNode, v: string, truth: boolean): Sign {
  const c = unwrap(cond);
  if (c.type !== 'binary_expression') return null;
  let o = c.childForFieldName('operator')?.text ?? '';
  let l = unwrap(c.childForFieldName('left')!);
  let r = unwrap(c.childForFieldName('right')!);
  if (r.type === 'identifier' && r.text === v) {
    [l, r] = [r, l];
    o = MIRROR[o] ?? o;
  }
  if (l.type !== 'identifier' || l.text !== v || r.text !== '0') return null;
  if (!truth) o = NEGATE[o] ?? '';
  return o === '<' ? 'neg' : o === '>' ? 'pos' : o === '>=' ? 'nonneg' : null;
}

function exits(stmt: SyntaxNode | null): boolean {
  if (!stmt) return false;
  if (stmt.type === 'return_statement' || stmt.type === 'goto_statement') return true;
  if (stmt.type !== 'compound_statement') return false;
  const last = stmt.namedChildren.filter((c) => c.type !== 'comment').at(-1);
  return !!last && exits(last);
}

function assigns(n: SyntaxNode, v: string): boolean {
  return n.descendantsOfType(['assignment_expression', 'update_expression']).some((a) => {
    const t = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('argument');
    return t?.type === 'identifier' && t.text === v;
  });
}

/** The sign of variable `v` at `at`, from the if-guards that dominate it in its function. */
function signAt(at: SyntaxNode, v: string): Sign {
  let node = at;
  for (let p = parentOf(node); p; p = parentOf(node)) {
    if (p.type === 'if_statement') {
      const c = p.childForFieldName('condition');
      if (c && p.childForFieldName('consequence')?.id === node.id) {
        const s = signIf(c, v, true);
        if (s) return s;
      }
      if (c && p.childForFieldName('alternative')?.id === node.id) {
        const s = signIf(c, v, false);
        if (s) return s;
      }
    } else if (p.type === 'compound_statement') {
      const kids = p.namedChildren;
      const i = kids.findIndex((k) => k.id === node.id);
      for (let j = i - 1; j >= 0; j--) {
        const s = kids[j]!;
        if (s.type === 'if_statement' && !s.childForFieldName('alternative') && exits(s.childForFieldName('consequence'))) {
          const g = signIf(s.childForFieldName('condition')!, v, false);
          if (g) return g;
        }
        // An assignment between the guard and the use voids it.
        if (assigns(s, v)) return null;
      }
      if (parentOf(p)?.type === 'function_definition') return null;
    }
    node = p;
  }
  return null;
}

/**
 * True when a `return` cannot return 0: `return v;` where a dominating guard makes v negative or
 * positive, or `return v + c;` (c a positive literal) where v is known to be non-negative.
 */
export function neverZero(ret: SyntaxNode): boolean {
  const e0 = ret.namedChildren.find((c) => c.type !== 'comment');
  if (!e0) return false;
  const e = unwrap(e0);
  if (e.type === 'identifier') {
    const s = signAt(ret, e.text);
    return s === 'neg' || s === 'pos';
  }
  if (e.type === 'binary_expression' && e.childForFieldName('operator')?.text === '+') {
    const l = unwrap(e.childForFieldName('left')!),
      r = unwrap(e.childForFieldName('right')!);
    const [v, c] = l.type === 'identifier' ? [l, r] : [r, l];
    if (v.type !== 'identifier' || c.type !== 'number_literal' || !/^[1-9]\d*[uUlL]*$/.test(c.text)) return false;
    const s = signAt(ret, v.text);
    return s === 'nonneg' || s === 'pos';
  }
  return false;
}
