// Sized argument structs: a struct pointer followed by its `__sz`/`__szk` size (`struct x_opts
// *opts, u32 opts__sz`). The verifier checks only `opts__sz` bytes behind the pointer, so every
// field the kfunc reads or writes must be covered by a check of the size that dominates it.
// For each such pair: every access to a field of the struct, in the kfunc and in the visible
// helpers it hands the pointer and its size to, and the size checks in front of it. When the
// struct's layout and the checked sizes are visible, a check covers a field only when the size it
// guarantees reaches offsetofend() of that field (a layout with fields added in a later version
// is checked field by field); otherwise a check covers the fields its text names.
import type { SyntaxNode } from '../../model/c-parser.js';
import { parseC } from '../../model/c-parser.js';
import { snippet } from '../../model/c-query.js';
import type { FunctionDef } from '../../model/model.js';
import { cValues } from '../memory/c-values.js';
import { typeResolver } from '../memory/locals.js';
import { type FlowContext, type Frame, emptyFacts } from './flow-types.js';
import { guardsAt } from './guards.js';
import { callArgs, callName, strip } from './syntax.js';

export interface SizedAccess {
  line: number;
  /** The function holding the access (the kfunc, or a helper it hands the struct to) and its file. */
  fn: string;
  file: string;
  /** Line in the kfunc where the struct goes toward the access (the access itself at depth 0). */
  entryLine: number;
  /** `opts->error = -EINVAL`, folded. */
  text: string;
  field: string;
  write: boolean;
  /** The size checks that dominate it and cover the field (empty: none does). */
  covered: string[];
  /** offsetofend() of the field, when the layout is visible. */
  need: number | null;
  /** The largest size the dominating checks guarantee, when they can be evaluated. */
  have: number | null;
}

export interface SizedArg {
  ptr: string;
  size: string;
  /** The struct type as written, e.g. `struct bpf_xfrm_state_opts *`. */
  type: string;
  accesses: SizedAccess[];
  /** Where the struct's layout is defined, when visible. */
  layout: string | null;
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

interface Minimum {
  rhs: string;
  text: string;
  value: number | null;
}

const parsed = new Map<string, SyntaxNode | null>();
function exprOf(text: string): SyntaxNode | null {
  if (!parsed.has(text))
    parsed.set(text, parseC(`int __v = ${text};`)?.rootNode.descendantsOfType('init_declarator')[0]?.childForFieldName('value') ?? null);
  return parsed.get(text)!;
}

/** One function the struct is followed into: its names for the pointer and the size. */
interface SizedFrame {
  fn: FunctionDef;
  ptr: string;
  size: string | null;
  inherited: Minimum[];
  inheritedTexts: string[];
  depth: number;
  entryLine?: number;
}

/** The minimums the guards in front of `at` put on the frame's size, with their values. */
function minimumsAt(cx: FlowContext, f: SizedFrame, at: SyntaxNode): { mins: Minimum[]; complete: string | null } {
  if (!f.size) return { mins: [], complete: null };
  const ct = cx.ctype('u32');
  const frame: Frame = {
    fn: f.fn,
    vars: new Map([[f.size, { root: f.size, ctype: ct, nonneg: true, exact: true }]]),
    chain: `${f.fn.name}(${f.size})`,
    depth: f.depth,
    inherited: emptyFacts(),
    signed: false,
    others: new Set(),
  };
  const g = guardsAt(cx, frame, at, frame.vars.get(f.size)!);
  const cv = cValues(cx.model);
  const typeOf = typeResolver(f.fn);
  const mins = g.minimum.map((m) => {
    const n = exprOf(m.rhs);
    const v = n ? cv.evaluate(n, typeOf) : null;
    return { rhs: m.rhs, text: m.text, value: v === null ? null : Number(v) };
  });
  // A validator or an exact size (`opts__sz == X_SZ`) pins the size down.
  return { mins, complete: g.complete && g.texts.length ? g.texts[0]! : null };
}

function walkSized(cx: FlowContext, f: SizedFrame, structName: string | null, out: SizedAccess[], seen: Set<string>): void {
  const cv = cValues(cx.model);
  for (const fe of f.fn.body.descendantsOfType('field_expression')) {
    const base = strip(fe.childForFieldName('argument')!);
    if (base.type !== 'identifier' || base.text !== f.ptr || unevaluated(fe, f.fn.body)) continue;
    const field = fe.childForFieldName('field')?.text ?? '';
    const need = structName ? cv.endOf(structName, field) : null;
    const here = minimumsAt(cx, f, fe);
    const mins = [...f.inherited, ...here.mins];
    const known = mins.filter((m) => m.value !== null);
    const have = known.length ? Math.max(...known.map((m) => m.value!)) : null;
    const covered = mins.filter((m) => {
      if (need !== null && m.value !== null) return m.value >= need;
      const only = coveredField(m.rhs);
      return !only || only === field;
    });
    if (!covered.length && here.complete && (need === null || have === null)) covered.push({ rhs: '', text: here.complete, value: null });
    if (!covered.length && !here.mins.length && f.inheritedTexts.length && !f.inherited.length)
      covered.push({ rhs: '', text: f.inheritedTexts[0]!, value: null });
    const line = fe.startPosition.row + 1;
    out.push({
      line,
      fn: f.fn.name,
      file: f.fn.file,
      entryLine: f.entryLine ?? line,
      text: snippet(isWrite(fe) ? (fe.parent?.type === 'assignment_expression' ? fe.parent : fe) : fe, 70),
      field,
      write: isWrite(fe),
      covered: covered.map((m) => m.text),
      need,
      have,
    });
  }
  // Helpers the struct is handed to, with or without its size.
  if (f.depth >= 3) return;
  for (const call of f.fn.body.descendantsOfType('call_expression')) {
    const name = callName(call);
    const callee = cx.model.functions.get(name);
    if (!callee || callee.isKfunc || seen.has(name)) continue;
    const args = callArgs(call);
    const at = (names: string | null) => args.findIndex((a) => names !== null && strip(a).text === names);
    const pi = at(f.ptr);
    if (pi < 0 || !callee.params[pi]?.pointer) continue;
    // Only a helper that takes it as the same struct reads its fields by that layout.
    if (structName && !new RegExp(`\\bstruct\\s+${structName}\\s*\\*`).test(callee.params[pi]!.type)) continue;
    const si = f.size ? at(f.size) : -1;
    const here = minimumsAt(cx, f, call);
    walkSized(
      cx,
      {
        fn: callee,
        ptr: callee.params[pi]!.name,
        size: si >= 0 && callee.params[si] ? callee.params[si]!.name : null,
        inherited: [...f.inherited, ...here.mins],
        inheritedTexts: [...f.inheritedTexts, ...(here.complete ? [here.complete] : [])],
        depth: f.depth + 1,
        entryLine: f.entryLine ?? call.startPosition.row + 1,
      },
      structName,
      out,
      new Set([...seen, name]),
    );
  }
}

/** Every struct-pointer + `__sz` pair of `fn`, with each field access and the size checks covering it. */
export function sizedArgs(cx: FlowContext, fn: FunctionDef): SizedArg[] {
  const out: SizedArg[] = [];
  fn.params.forEach((p, i) => {
    const q = fn.params[i + 1];
    if (!q || (q.suffix !== '__sz' && q.suffix !== '__szk') || !p.pointer) return;
    const m = /^(?:const\s+)?struct\s+(\w+)\s*\*$/.exec(p.type.trim());
    if (!m) return;
    const layout = cValues(cx.model).layout(m[1]!);
    const accesses: SizedAccess[] = [];
    walkSized(cx, { fn, ptr: p.name, size: q.name, inherited: [], inheritedTexts: [], depth: 0 }, m[1]!, accesses, new Set([fn.name]));
    out.push({ ptr: p.name, size: q.name, type: p.type, accesses, layout: layout ? `${layout.file}:${layout.line}` : null });
  });
  return out;
}
