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

/** A use of `v` inside a condition (if/while/for/?:, && or ||) that starts after byte `from`. */
function checkedAfter(body: SyntaxNode, v: string, from: number): boolean {
  for (const use of usesOf(body, v)) {
    if (use.startIndex < from) continue;
    for (let a: SyntaxNode | null = use.parent; a && a.id !== body.id; a = a.parent) {
      const p = a.parent;
      if (
        p &&
        ['if_statement', 'while_statement', 'for_statement', 'do_statement', 'conditional_expression'].includes(p.type) &&
        p.childForFieldName('condition')?.id === a.id
      )
        return true;
      if (a.type === 'binary_expression' && /^(&&|\|\||==|!=)$/.test(a.childForFieldName('operator')?.text ?? '')) return true;
      // IS_ERR_OR_NULL(v), WARN_ON(!v) and the like look at it too.
      if (a.type === 'call_expression' && /NULL|^WARN|^BUG_ON$/.test(calleeName(a))) return true;
    }
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
    const k = `${fn.file}:${fn.line}:${fn.name}`;
    if (this.memo.has(k)) return this.memo.get(k)!;
    this.memo.set(k, null); // a recursive call sees "not known" while this one runs
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
