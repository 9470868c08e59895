// Sized argument structs: a struct pointer followed by its `__sz`/`__szk` size (`struct x_opts
// *opts, u32 opts__sz`). The verifier checks only `opts__sz` bytes behind the pointer, so every
// field the kfunc reads or writes must be covered by a check of the size that dominates it.
// For each such pair: every access to a field of the struct, and the size checks in front of it.
import type { SyntaxNode } from '../../model/c-parser.js';
import { snippet } from '../../model/c-query.js';
import type { FunctionDef } from '../../model/model.js';
import { type FlowContext, type Frame, emptyFacts } from './flow-types.js';
import { guardsAt } from './guards.js';
import { strip } from './syntax.js';

export interface SizedAccess {
  line: number;
  /** `opts->error = -EINVAL`, folded. */
  text: string;
  field: string;
  write: boolean;
  /** The size checks that dominate it and cover the field (empty: none does). */
  covered: string[];
}

export interface SizedArg {
  ptr: string;
  size: string;
  /** The struct type as written, e.g. `struct bpf_xfrm_state_opts *`. */
  type: string;
  accesses: SizedAccess[];
}

/** Expressions whose operand is not evaluated: a field named there is not accessed. */
function unevaluated(n: SyntaxNode, stop: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'sizeof_expression' || p.type === 'alignof_expression') return true;
    if (
      p.type === 'call_expression' &&
      /^(offsetof|offsetofend|typeof|__typeof__|sizeof_field)$/.test(p.childForFieldName('function')?.text ?? '')
    )
      return true;
  }
  return false;
}

/** Is field access `fe` a store (the left side of an assignment, or ++/--)? */
function isWrite(fe: SyntaxNode): boolean {
  let n = fe;
  while (
    n.parent &&
    (n.parent.type === 'subscript_expression' || n.parent.type === 'field_expression' || n.parent.type === 'parenthesized_expression')
  )
    n = n.parent;
  const p = n.parent;
  if (p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === n.id) return true;
  return p?.type === 'update_expression';
}

/** The field a size check covers: `sizeof(opts->error)`, `offsetofend(struct t, error)` cover one field, other sizes all. */
function coveredField(rhs: string): string | null {
  const m = /^sizeof\s*\(\s*\w+\s*->\s*(\w+)\s*\)$/.exec(rhs) ?? /^offsetofend\s*\([^,]+,\s*(\w+)\s*\)$/.exec(rhs);
  return m ? m[1]! : null;
}

/** Every struct-pointer + `__sz` pair of `fn`, with each field access and the size checks covering it. */
export function sizedArgs(cx: FlowContext, fn: FunctionDef): SizedArg[] {
  const out: SizedArg[] = [];
  fn.params.forEach((p, i) => {
    const q = fn.params[i + 1];
    if (!q || (q.suffix !== '__sz' && q.suffix !== '__szk') || !p.pointer) return;
    if (!/^(const\s+)?struct\s+\w+\s*\*$/.test(p.type.trim())) return;
    const ct = cx.ctype(q.type);
    const frame: Frame = {
      fn,
      vars: new Map([[q.name, { root: q.name, ctype: ct, nonneg: !ct.signed, exact: true }]]),
      chain: `${fn.name}(${q.name})`,
      depth: 0,
      inherited: emptyFacts(),
      signed: ct.signed,
      others: new Set(),
    };
    const accesses: SizedAccess[] = [];
    for (const fe of fn.body.descendantsOfType('field_expression')) {
      const base = strip(fe.childForFieldName('argument')!);
      if (base.type !== 'identifier' || base.text !== p.name || unevaluated(fe, fn.body)) continue;
      const field = fe.childForFieldName('field')?.text ?? '';
      const g = guardsAt(cx, frame, fe, frame.vars.get(q.name)!);
      const covered = g.minimum.filter((m) => {
        const only = coveredField(m.rhs);
        return !only || only === field;
      });
      // A validator or an exact size (`opts__sz == X_SZ`) pins the size down.
      if (!covered.length && g.complete && g.texts.length) covered.push({ rhs: '', text: g.texts[0]! });
      accesses.push({
        line: fe.startPosition.row + 1,
        text: snippet(isWrite(fe) ? (fe.parent?.type === 'assignment_expression' ? fe.parent : fe) : fe, 70),
        field,
        write: isWrite(fe),
        covered: covered.map((m) => m.text),
      });
    }
    out.push({ ptr: p.name, size: q.name, type: p.type, accesses });
  });
  return out;
}
