// What a function body says about its own names: the declared type of a parameter or local, the
// size of a local array, and the expression a local was last set from before a given point.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef } from '../../model/model.js';
import { strip } from '../index/syntax.js';

/** The declarator chain of a declaration down to its identifier: pointer stars and array sizes. */
function unwrap(d: SyntaxNode): { name: string | null; stars: number; arrays: SyntaxNode[] } {
  let n: SyntaxNode | null = d;
  let stars = 0;
  const arrays: SyntaxNode[] = [];
  while (n && n.type !== 'identifier') {
    if (n.type === 'pointer_declarator') stars++;
    if (n.type === 'array_declarator') {
      const s = n.childForFieldName('size');
      if (s) arrays.push(s);
    }
    n = n.childForFieldName('declarator') ?? (n.type === 'init_declarator' ? null : null);
  }
  return { name: n?.text ?? null, stars, arrays };
}

/** Local declarations of `fn` by name: the type as written (with stars) and array sizes. */
export function localDecls(fn: FunctionDef): Map<string, { type: string; arrays: SyntaxNode[]; node: SyntaxNode }> {
  const out = new Map<string, { type: string; arrays: SyntaxNode[]; node: SyntaxNode }>();
  for (const decl of fn.body.descendantsOfType('declaration')) {
    const base = decl.childForFieldName('type')?.text.replace(/\s+/g, ' ');
    if (!base) continue;
    for (const d of decl.childrenForFieldName('declarator')) {
      const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator')! : d;
      const u = unwrap(inner);
      if (!u.name || out.has(u.name)) continue;
      out.set(u.name, { type: `${base}${u.stars ? ' ' + '*'.repeat(u.stars) : ''}`, arrays: u.arrays, node: d });
    }
  }
  return out;
}

/** A `typeOf` for the constant evaluator: parameters, then locals, of `fn`. */
export function typeResolver(fn: FunctionDef): (name: string) => string | null {
  let locals: ReturnType<typeof localDecls> | null = null;
  return (name) => {
    const p = fn.params.find((x) => x.name === name);
    if (p) return p.type;
    locals ??= localDecls(fn);
    const l = locals.get(name);
    return l && !l.arrays.length ? l.type : null;
  };
}

/**
 * The expression `name` was last set from before `at` in `fn` (`len = strlen(s)`, `int n = x`),
 * or null when it is a parameter, is set more than once on the way, or is changed by `+=`.
 */
export function lastValue(fn: FunctionDef, name: string, at: SyntaxNode): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  for (const a of fn.body.descendantsOfType(['assignment_expression', 'init_declarator', 'update_expression'])) {
    if (a.startIndex >= at.startIndex) break;
    if (a.type === 'update_expression') {
      if (strip(a.childForFieldName('argument')!).text === name) found = null;
      continue;
    }
    const l = a.childForFieldName(a.type === 'assignment_expression' ? 'left' : 'declarator');
    if (l?.type !== 'identifier' || l.text !== name) continue;
    if (a.type === 'assignment_expression' && a.childForFieldName('operator')?.text !== '=') {
      found = null;
      continue;
    }
    found = a.childForFieldName(a.type === 'assignment_expression' ? 'right' : 'value');
  }
  return found;
}

/** Identifiers of `n` that are not called (`f` in `f(x)` is not one) and not member names. */
export function valueNames(n: SyntaxNode): SyntaxNode[] {
  const ids = n.type === 'identifier' ? [n] : n.descendantsOfType('identifier');
  return ids.filter((i) => {
    const p = i.parent;
    if (p?.type === 'call_expression' && p.childForFieldName('function')?.id === i.id) return false;
    // `sizeof(u64)`: a type name parsed as an identifier.
    for (let q = i.parent; q && q.id !== n.id; q = q.parent) if (q.type === 'sizeof_expression') return false;
    return !(n.type === 'sizeof_expression');
  });
}
