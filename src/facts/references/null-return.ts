// Can a function return NULL? A `return NULL` (or a `?:` with a NULL branch), or the unchecked
// result of a callee that can return NULL: a registered KF_RET_NULL kfunc, a kernel function
// documented to (knowledge/nullable-callees.ts, the getters and allocators that fail with
// NULL), or a visible helper that itself can. A local counts when the last assignment from
// such a callee is not looked at in a condition afterwards.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { definitionOf, hasFlag, registrationsOf, returnsIn, snippet, usesOf } from '../../model/c-query.js';
import { calleeFact } from '../../knowledge/callee-facts.js';
import { NULL_ON_MISS_CALLEE, NULL_RETURNING_CALLEES } from '../../knowledge/nullable-callees.js';
import { REFERENCE_GETTERS } from '../../knowledge/reference-getters.js';
import { OBJECT_ALLOCATORS } from '../../knowledge/object-allocators.js';
import { MAX_CALL_DEPTH } from './object-effects.js';
import { assignmentsIn, calleeName, isNullValue, sameObjectCall, stripValue } from './object-names.js';

export interface NullReturn {
  /**
   * 'literal': a visible `return NULL`; 'callee': the unchecked result of a callee that can
   * return NULL (a kernel function, a KF_RET_NULL kfunc or a visible helper).
   */
  kind: 'literal' | 'callee';
  file: string;
  line: number;
  /** The return statement and why it can be NULL, for evidence. */
  evidence: string;
  /** For 'callee': the callee, and where it returns NULL when it is a visible helper. */
  callee?: string;
  helperLine?: { file: string; line: number };
}

/** The expression can evaluate to NULL: a NULL literal or a conditional with a NULL branch. */
function nullBranch(n: SyntaxNode): boolean {
  const x = stripValue(n);
  if (isNullValue(x)) return true;
  if (x.type === 'conditional_expression') {
    const a = x.childForFieldName('consequence');
    const b = x.childForFieldName('alternative');
    return (!!a && nullBranch(a)) || (!!b && nullBranch(b));
  }
  return false;
}

/** NULL literal test helpers: `v == NULL`, `NULL != v`. */
function comparesWithNull(bin: SyntaxNode, use: SyntaxNode): boolean {
  const l = bin.childForFieldName('left');
  const r = bin.childForFieldName('right');
  const other = l && l.id === use.id ? r : l;
  return !!other && isNullValue(other);
}

/**
 * Which branch of the `if` runs when `v` (the `use`) is NULL: 'then', 'else', or 'unknown' when
 * the condition does not decide it (`v || x`, `foo(v)`).
 */
function nullSide(cond: SyntaxNode, use: SyntaxNode): 'then' | 'else' | 'unknown' {
  let positive = true; // the sub-expression is true when v is non-NULL
  let x: SyntaxNode = use;
  while (x.id !== cond.id) {
    const p = x.parent;
    if (!p) return 'unknown';
    if (p.type === 'parenthesized_expression') {
      // nothing changes
    } else if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '!') positive = !positive;
    else if (p.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.text ?? '';
      if ((op === '==' || op === '!=') && x.id === use.id && comparesWithNull(p, use)) positive = op === '!=' ? positive : !positive;
      else if (op === '&&') {
        if (!positive) return 'unknown';
      } else if (op === '||') {
        if (positive) return 'unknown';
      } else return 'unknown';
    } else if (p.type === 'call_expression' && /^(IS_ERR_OR_NULL|unlikely|likely)$/.test(calleeName(p))) {
      if (calleeName(p) === 'IS_ERR_OR_NULL') positive = !positive;
    } else if (p.type !== 'argument_list') return 'unknown';
    x = p;
  }
  return positive ? 'else' : 'then';
}

/** The branch leaves the function or the loop, or gives `v` a new value. */
function handlesNull(branch: SyntaxNode, v: string): boolean {
  if (['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(branch.type)) return true;
  if (branch.descendantsOfType(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']).length) return true;
  return branch.descendantsOfType('assignment_expression').some((a) => a.childForFieldName('left')?.text === v);
}

/**
 * `v` is looked at for NULL after byte `from`: an `if` whose NULL branch returns, jumps or
 * reassigns `v` (`if (!v) return ...`), or any other condition on it (loops, `?:`, `&&`, a
 * WARN): those are taken on trust. `if (v) get(v);` with no else lets NULL through.
 */
function checkedAfter(body: SyntaxNode, v: string, from: number): boolean {
  for (const use of usesOf(body, v)) {
    if (use.startIndex < from) continue;
    for (let a: SyntaxNode | null = use.parent; a && a.id !== body.id; a = a.parent) {
      const p = a.parent;
      if (p && p.type === 'if_statement' && p.childForFieldName('condition')?.id === a.id) {
        const cond = a.type === 'parenthesized_expression' && a.namedChildren.length === 1 ? a.namedChildren[0]! : a;
        const side = nullSide(cond, use);
        if (side === 'unknown') return true;
        const branch = p.childForFieldName(side === 'then' ? 'consequence' : 'alternative');
        if (branch && handlesNull(branch, v)) return true;
        break;
      }
      if (
        p &&
        ['while_statement', 'for_statement', 'do_statement', 'conditional_expression'].includes(p.type) &&
        p.childForFieldName('condition')?.id === a.id
      )
        return true;
      if (a.type === 'binary_expression' && /^(&&|\|\|)$/.test(a.childForFieldName('operator')?.text ?? '') && !insideIfCondition(a, body))
        return true;
      // IS_ERR_OR_NULL(v) outside an if, WARN_ON(!v) and the like look at it too.
      if (a.type === 'call_expression' && /NULL|^WARN|^BUG_ON$/.test(calleeName(a)) && !insideIfCondition(a, body)) return true;
    }
  }
  return false;
}

/** `n` is part of the condition of an `if`. */
function insideIfCondition(n: SyntaxNode, body: SyntaxNode): boolean {
  for (let a: SyntaxNode | null = n; a && a.id !== body.id; a = a.parent) {
    const p = a.parent;
    if (p && p.type === 'if_statement' && p.childForFieldName('condition')?.id === a.id) return true;
  }
  return false;
}

export class NullAnalysis {
  private memo = new Map<string, NullReturn | null>();

  constructor(private readonly model: PatchModel) {}

  /** Why a call of `name` may give NULL, or null when it is not known to. */
  nullableCallee(name: string, stack: string[]): { why: string; helperLine?: { file: string; line: number } } | null {
    if (!name) return null;
    if (registrationsOf(this.model, name).some((r) => hasFlag(r, 'KF_RET_NULL')))
      return { why: `${name}() is itself registered with KF_RET_NULL` };
    const doc = calleeFact(NULL_RETURNING_CALLEES, name);
    if (doc) return { why: `${name}() can return NULL (${doc.why})` };
    const getter = calleeFact(REFERENCE_GETTERS, name);
    if (getter && (getter.fails === 'null' || getter.fails === 'null-or-err'))
      return { why: `${name}() returns NULL when it finds nothing (${getter.why})` };
    const alloc = calleeFact(OBJECT_ALLOCATORS, name);
    if (alloc && alloc.fails === 'null') return { why: `${name}() returns NULL when the allocation fails` };
    if (NULL_ON_MISS_CALLEE.test(name)) return { why: `${name}() returns NULL when nothing is found` };
    if (stack.includes(name) || stack.length >= MAX_CALL_DEPTH) return null;
    const helper = definitionOf(this.model, name);
    if (!helper) return null;
    const sub = this.nullReturn(helper, [...stack, name]);
    if (!sub) return null;
    return {
      why: `${name}() returns NULL at ${sub.file}:${sub.line}${sub.kind === 'callee' && sub.callee ? ` (from ${sub.callee}())` : ''}`,
      helperLine: { file: sub.file, line: sub.line },
    };
  }

  /** The first way `fn` can return NULL: a literal first, else an unchecked nullable result. */
  nullReturn(fn: FunctionDef, stack: string[] = [fn.name]): NullReturn | null {
    // Keyed by the whole call stack: what a helper can reach depends on where it was entered.
    const k = `${fn.file}:${fn.line}:${stack.join('>')}`;
    if (this.memo.has(k)) return this.memo.get(k)!;
    const out = this.compute(fn, stack);
    this.memo.set(k, out);
    return out;
  }

  private compute(fn: FunctionDef, stack: string[]): NullReturn | null {
    let assignments: ReturnType<typeof assignmentsIn> | null = null;
    let lookup: NullReturn | null = null;
    const returns = returnsIn(fn.body);
    for (const r of returns) {
      if (r.expr && nullBranch(r.expr))
        return { kind: 'literal', file: fn.file, line: r.line, evidence: `\`${snippet(r.node)}\` at ${fn.file}:${r.line}` };
    }
    for (const r of returns) {
      if (!r.expr || lookup) continue;
      let x = stripValue(r.expr);
      for (let inner = sameObjectCall(x); inner; inner = sameObjectCall(x)) x = stripValue(inner);
      if (x.type === 'call_expression') {
        const name = calleeName(x);
        const why = this.nullableCallee(name, stack);
        if (why)
          lookup = {
            kind: 'callee',
            file: fn.file,
            line: r.line,
            callee: name,
            helperLine: why.helperLine,
            evidence: `\`${snippet(r.node)}\` at ${fn.file}:${r.line}: ${why.why}`,
          };
      } else if (x.type === 'identifier') {
        assignments ??= assignmentsIn(fn.body);
        const list = (assignments.get(x.text) ?? []).filter((a) => a.end <= r.node.startIndex);
        // The last assignment before this return decides (in source order).
        const last = list[list.length - 1];
        if (!last) continue;
        let value = stripValue(last.value);
        for (let inner = sameObjectCall(value); inner; inner = sameObjectCall(value)) value = stripValue(inner);
        if (value.type !== 'call_expression') continue;
        const name = calleeName(value);
        const why = this.nullableCallee(name, stack);
        if (!why || checkedAfter(fn.body, x.text, last.end)) continue;
        lookup = {
          kind: 'callee',
          file: fn.file,
          line: r.line,
          callee: name,
          helperLine: why.helperLine,
          evidence: `\`${snippet(r.node)}\` at ${fn.file}:${r.line} returns \`${x.text}\`, assigned at line ${last.line} where ${why.why}, and not checked after that`,
        };
      }
    }
    return lookup;
  }
}
