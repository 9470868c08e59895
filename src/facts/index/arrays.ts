// Declared array sizes and bound comparison, for the readings of a guard that need to know what it
// is compared with: `i > N` before `a[i]` is off by one when `a` is declared `T a[N]`, and
// `m - v` is ordered when a guard bounds v by the same `m`.
import type { SyntaxNode, Tree } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { normText } from '../expr-text.js';

/** The parsed regions the model can see: the trees its function bodies come from. */
function visibleTrees(model: PatchModel, fn: FunctionDef): Tree[] {
  const trees = new Set<Tree>([fn.body.tree]);
  for (const f of model.functions.values()) trees.add(f.body.tree);
  return [...trees];
}

/** The declarator name of an array declarator (`a` in `a[N]`, `slots` in a struct member). */
function declaredName(d: SyntaxNode): string | null {
  const inner = d.childForFieldName('declarator');
  if (!inner) return null;
  if (inner.type === 'identifier' || inner.type === 'field_identifier') return inner.text;
  return null;
}

/**
 * The size expression `T name[SIZE]` declares for the array a subscript target names (`tbl`,
 * `st->slots`, `obj.items`): the last member name is looked up in every visible declaration
 * (locals, globals, struct members). Null when it is not declared visibly, or when declarations
 * of that name disagree.
 */
export function declaredLength(model: PatchModel, fn: FunctionDef, target: string): string | null {
  const m = /(?:^|->|\.)\s*([A-Za-z_]\w*)\s*$/.exec(target);
  if (!m || /[()[\]]/.test(target)) return null;
  const name = m[1]!;
  const sizes = new Set<string>();
  for (const t of visibleTrees(model, fn)) {
    for (const d of t.rootNode.descendantsOfType('array_declarator')) {
      if (declaredName(d) !== name) continue;
      const size = d.childForFieldName('size');
      if (size) sizes.add(normText(size.text));
    }
  }
  return sizes.size === 1 ? [...sizes][0]! : null;
}

/** Do two bound expressions name the same value (textually, or as equal literals)? */
export function sameBound(a: string, b: string): boolean {
  const x = normText(a);
  const y = normText(b);
  if (x === y) return true;
  const nx = literal(x);
  const ny = literal(y);
  return nx !== null && nx === ny;
}

function literal(s: string): bigint | null {
  const m = /^(0x[0-9a-fA-F]+|\d+)[uUlL]*$/.exec(s);
  return m ? BigInt(m[1]!) : null;
}

/** Are both literals, the first no larger than the second? */
export function literalAtMost(a: string, b: string): boolean {
  const x = literal(normText(a));
  const y = literal(normText(b));
  return x !== null && y !== null && x <= y;
}

/**
 * A bound `m - x` (`off > size - len` rejected, after `len > size` was): it orders the value
 * below m as well.
 */
export function belowMinuend(bound: string, minuend: string): boolean {
  const b = normText(bound);
  const m = normText(minuend);
  return b.startsWith(`${m}-`) && b.length > m.length + 1;
}
