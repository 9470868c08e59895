// Which object an expression denotes inside one function, as a key that two expressions share
// when they name the same object. Casts, parentheses, `&x->member` (a member embedded in x
// lives and dies with x), `x + offset`, container_of() and the kernel's to_<type>() /
// <a>_to_<b>() conversions all keep the object; a local assigned only aliases of one object
// stands for that object. Anything else keeps its own name: `x->next` is another object than
// x, and a local assigned from a call is the object that call returned.
//
// The reference facts use this to connect a `return`, a reference grab and a put to one object
// without a full alias analysis: flow-insensitive, per function, cheap.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef } from '../../model/model.js';
import { CONTAINER_OF, CONVERSION, POINTER_READ } from '../../knowledge/object-conversions.js';

/** The value inside parentheses and casts. */
export function stripValue(n: SyntaxNode): SyntaxNode {
  let x = n;
  for (;;) {
    if (x.type === 'parenthesized_expression' && x.namedChildren.length === 1) x = x.namedChildren[0];
    else if (x.type === 'cast_expression' && x.childForFieldName('value')) x = x.childForFieldName('value')!;
    else return x;
  }
}

/** A NULL literal (`NULL`, `0`) after casts. */
export function isNullValue(n: SyntaxNode): boolean {
  const x = stripValue(n);
  return x.type === 'null' || (x.type === 'identifier' && x.text === 'NULL') || (x.type === 'number_literal' && /^0+[uUlL]*$/.test(x.text));
}

/** The name a call expression calls (`ops->fn(...)` gives `fn`), '' for anything else. */
export function calleeName(call: SyntaxNode): string {
  if (call.type !== 'call_expression') return '';
  const fn = call.childForFieldName('function');
  if (!fn) return '';
  return fn.type === 'field_expression' ? (fn.childForFieldName('field')?.text ?? '') : fn.text;
}

/** The arguments of a call expression, comments left out. */
export function callArgs(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
}

/** ERR_PTR(...) / ERR_CAST(...): an error, not an object. */
export function isErrorPointer(n: SyntaxNode): boolean {
  const x = stripValue(n);
  return x.type === 'call_expression' && /^(ERR_PTR|ERR_CAST)$/.test(calleeName(x));
}

/**
 * The values an expression can evaluate to as an object: the branches of `?:` (recursively),
 * without the NULL ones, or the expression itself.
 */
export function valueBranches(n: SyntaxNode): SyntaxNode[] {
  const x = stripValue(n);
  if (x.type === 'conditional_expression') {
    const out: SyntaxNode[] = [];
    for (const f of ['consequence', 'alternative']) {
      const b = x.childForFieldName(f);
      if (b) out.push(...valueBranches(b));
    }
    // `a ?: b` has no consequence field: the condition is the value.
    if (!x.childForFieldName('consequence')) {
      const c = x.childForFieldName('condition');
      if (c) out.push(...valueBranches(c));
    }
    return out;
  }
  if (isNullValue(x)) return [];
  return [x];
}

/** A call that returns (a view of) its first argument. */
export function sameObjectCall(x: SyntaxNode): SyntaxNode | null {
  if (x.type !== 'call_expression') return null;
  const name = calleeName(x);
  const args = callArgs(x);
  if (!args.length) return null;
  if (CONTAINER_OF.test(name) || POINTER_READ.test(name)) return args[0];
  if (CONVERSION.test(name) && args.length === 1) return args[0];
  return null;
}

/** One assignment of a local or parameter: `v = value` or the initialiser of `T v = value`. */
export interface Assignment {
  value: SyntaxNode;
  /** Byte offset just after the assignment, to order it against later uses. */
  end: number;
  line: number;
}

function declaredName(d: SyntaxNode | null): string | null {
  let x = d;
  while (x && (x.type === 'pointer_declarator' || x.type === 'array_declarator' || x.type === 'parenthesized_declarator'))
    x = x.childForFieldName('declarator') ?? x.namedChildren[0] ?? null;
  return x && x.type === 'identifier' ? x.text : null;
}

/** Every plain assignment in `body`, by the name assigned (`+=` and friends are left out). */
export function assignmentsIn(body: SyntaxNode): Map<string, Assignment[]> {
  const out = new Map<string, Assignment[]>();
  const add = (name: string | null, value: SyntaxNode | null, node: SyntaxNode) => {
    if (!name || !value) return;
    const list = out.get(name) ?? [];
    list.push({ value, end: node.endIndex, line: node.startPosition.row + 1 });
    out.set(name, list);
  };
  for (const d of body.descendantsOfType('init_declarator'))
    add(declaredName(d.childForFieldName('declarator')), d.childForFieldName('value'), d);
  for (const a of body.descendantsOfType('assignment_expression')) {
    if (a.childForFieldName('operator')?.text !== '=') continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') add(left.text, a.childForFieldName('right'), a);
  }
  return out;
}

/** Names declared inside `body` (its locals). */
export function declaredLocals(body: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const d of body.descendantsOfType('declaration')) {
    for (const c of d.childrenForFieldName('declarator')) {
      const name = declaredName(c.type === 'init_declarator' ? c.childForFieldName('declarator') : c);
      if (name) out.add(name);
    }
  }
  return out;
}

/** Object keys of one function's expressions. */
export class ObjectNames {
  readonly assignments: Map<string, Assignment[]>;
  readonly params: Set<string>;
  readonly locals: Set<string>;
  private aliases = new Map<string, string>();
  private resolving = new Set<string>();

  constructor(readonly fn: FunctionDef) {
    this.assignments = assignmentsIn(fn.body);
    this.params = new Set(fn.params.map((p) => p.name).filter(Boolean));
    this.locals = declaredLocals(fn.body);
  }

  /** The key of the object `n` denotes, or null when it denotes none we can name (a call result). */
  key(n: SyntaxNode): string | null {
    const x = stripValue(n);
    switch (x.type) {
      case 'identifier':
        return this.aliasOf(x.text);
      case 'pointer_expression': {
        const op = x.childForFieldName('operator')?.text ?? x.child(0)?.text;
        const arg = x.childForFieldName('argument');
        if (!arg) return null;
        const a = stripValue(arg);
        if (op === '&') {
          // A member embedded in an object lives and dies with it.
          if (a.type === 'field_expression') {
            const base = a.childForFieldName('argument');
            return base ? this.key(base) : null;
          }
          // `&obj` points at the object obj itself (a global or on-stack struct).
          if (a.type === 'identifier') return this.key(a);
          return `&${this.key(a) ?? a.text}`;
        }
        return `*${this.key(a) ?? a.text}`;
      }
      case 'field_expression': {
        const base = x.childForFieldName('argument');
        const field = x.childForFieldName('field')?.text ?? '';
        const op = x.childForFieldName('operator')?.text ?? '->';
        return base ? `${this.key(base) ?? stripValue(base).text}${op}${field}` : null;
      }
      case 'subscript_expression': {
        const base = x.childForFieldName('argument');
        const index = x.childForFieldName('index');
        return base ? `${this.key(base) ?? base.text}[${index?.text ?? ''}]` : null;
      }
      case 'binary_expression': {
        // `p + offset`: a pointer into the same object.
        const op = x.childForFieldName('operator')?.text;
        const left = x.childForFieldName('left');
        return (op === '+' || op === '-') && left ? this.key(left) : null;
      }
      case 'call_expression': {
        const inner = sameObjectCall(x);
        return inner ? this.key(inner) : null;
      }
      default:
        return null;
    }
  }

  /** A local that only ever holds aliases of one object stands for it; anything else is itself. */
  aliasOf(name: string): string {
    if (this.params.has(name)) return name;
    const known = this.aliases.get(name);
    if (known !== undefined) return known;
    if (this.resolving.has(name)) return name;
    this.resolving.add(name);
    let out = name;
    const values = (this.assignments.get(name) ?? []).map((a) => a.value).filter((v) => !isNullValue(v));
    if (values.length) {
      const keys = values.map((v) => (this.isAliasExpression(v) ? this.key(v) : null));
      if (keys.every((k) => k !== null && k === keys[0]) && keys[0] !== name) out = keys[0]!;
    }
    this.resolving.delete(name);
    this.aliases.set(name, out);
    return out;
  }

  /** An expression that names an existing object (not a call's new result, a number or a string). */
  private isAliasExpression(v: SyntaxNode): boolean {
    const x = stripValue(v);
    if (x.type === 'call_expression') return sameObjectCall(x) !== null;
    return ['identifier', 'pointer_expression', 'field_expression', 'subscript_expression', 'binary_expression'].includes(x.type);
  }
}
