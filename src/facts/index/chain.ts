// Chain following: carries the parameter's value through assignments, casts, arithmetic and
// calls into visible helpers, recording each sink it reaches with the guards in front of it and
// the sink's own reading of them (ordered difference, off-by-one against a declared size, a cap
// through another argument).
import type { SyntaxNode } from '../../model/c-parser.js';
import { parentOf, snippet } from '../../model/c-query.js';
import { chargeWork } from '../../model/work.js';
import type { FunctionDef } from '../../model/model.js';
import {
  type FlowContext,
  type Frame,
  type GuardFacts,
  type GuardStatus,
  type Sink,
  type Var,
  keepsNonneg,
  merge,
  statusOf,
} from './flow-types.js';
import { guardsAt } from './guards.js';
import { belowMinuend, declaredLength, literalAtMost, sameBound } from './arrays.js';
import { type HelperUse, type SinkUse, classifyUse, underflowUse } from './sinks.js';
import { ARITH, op, strip } from './syntax.js';

/** Every sink the frame's variables reach in its function and the helpers it calls. */
export function walk(cx: FlowContext, frame: Frame, sinks: Sink[], seen: Set<string>): void {
  const { fn, vars } = frame;
  propagate(cx, fn, vars);
  const ids = fn.body.descendantsOfType('identifier');
  chargeWork(ids.length);
  for (const id of ids) {
    const v = vars.get(id.text);
    if (!v) continue;
    // Skip the names on the left of an assignment and declarators.
    const par = parentOf(id);
    if (par?.type === 'init_declarator' && par.childForFieldName('declarator')?.id === id.id) continue;
    if (par?.type === 'assignment_expression' && par.childForFieldName('left')?.id === id.id) continue;
    if (par?.type === 'field_expression' && par.childForFieldName('field')?.id === id.id) continue;
    if (par?.type === 'call_expression' && par.childForFieldName('function')?.id === id.id) continue;
    const under = underflowUse(cx, frame, id);
    if (under) record(cx, frame, v, under, sinks);
    const use = classifyUse(cx, frame, id, seen);
    if (!use) continue;
    if ('callee' in use) followInto(cx, frame, use, v, sinks, seen);
    else record(cx, frame, v, use, sinks);
  }
}

function record(cx: FlowContext, frame: Frame, v: Var, use: SinkUse, sinks: Sink[]): void {
  const { kind, node: sinkNode, target, chainEnd } = use;
  const facts = guardsAt(cx, frame, sinkNode, v);
  merge(facts, frame.inherited);
  throughOther(cx, frame, sinkNode, facts);
  const signed = frame.signed;
  sinks.push({
    kind,
    param: v.root,
    fn: frame.fn.name,
    file: frame.fn.file,
    line: sinkNode.startPosition.row + 1,
    text: snippet(sinkNode, 90),
    target,
    chain: `${frame.chain} -> ${chainEnd}`,
    depth: frame.depth,
    entryLine: frame.entryLine ?? sinkNode.startPosition.row + 1,
    facts,
    status: sinkStatus(cx, frame, use, facts, v),
    signed,
    ...(use.args ? { args: use.args } : {}),
    ...(use.sizedBy ? { sizedBy: use.sizedBy } : {}),
    ...(use.iterNext ? { iterNext: use.iterNext } : {}),
  });
}

/**
 * `v <= w` where w is another argument that a guard caps (`start > end || end > cap` rejected):
 * v is capped through w. Adds w's cap to the facts as a cap of v.
 */
function throughOther(cx: FlowContext, frame: Frame, at: SyntaxNode, facts: GuardFacts): void {
  if (facts.upper || facts.complete) return;
  for (const b of facts.bounds) {
    if (!b.relative || !/^\w+$/.test(b.rhs) || !frame.others?.has(b.rhs)) continue;
    const p = frame.fn.params.find((x) => x.name === b.rhs);
    if (!p) continue;
    const ct = cx.ctype(p.type);
    const w: Var = { root: p.name, ctype: ct, nonneg: !ct.signed, exact: true };
    const others = new Set([...frame.others].filter((x) => x !== p.name));
    const g = guardsAt(cx, { ...frame, vars: new Map([[p.name, w]]), others }, at, w);
    if (!g.upper && !g.complete) continue;
    facts.upper = true;
    facts.texts.push(`${b.text.replace(/ \(.*\)$/, '')}, and ${g.texts[0] ?? p.name}`);
    return;
  }
}

/** Counts whose valid indexes stay below them (`nr_cpu_ids`, `NR_ITEMS`, `ARRAY_SIZE(a)`). */
const COUNT_LIKE = /^(?!.*_MAX$)(nr_\w+|NR_\w+|\w+_NR|\w+_COUNT|\w+_CNT|num_\w+\(?\)?|ARRAY_SIZE\(.*\))$/;

/** The guard status of one sink, with the sink-specific readings of the bounds. */
function sinkStatus(cx: FlowContext, frame: Frame, use: SinkUse, facts: GuardFacts, v: Var): GuardStatus {
  if (use.kind === 'underflow') {
    // `m - v` is safe once some guard orders v below m: a bound by m itself, or a literal no
    // larger than a literal m. A validator or a cap by anything else says nothing about m.
    const ordered = facts.bounds.some(
      (b) => sameBound(b.rhs, use.target) || literalAtMost(b.rhs, use.target) || belowMinuend(b.rhs, use.target),
    );
    return ordered ? 'complete' : 'none';
  }
  // A capped span (`end - start > MAX` rejected) caps a count or a size made of the two.
  if ((use.kind === 'loop' || use.kind === 'alloc') && facts.span) return 'complete';
  const status = statusOf(facts, v.nonneg);
  if (status !== 'complete' || facts.complete || !['subscript', 'offset', 'callee', 'bit'].includes(use.kind)) return status;
  // Off by one: the only caps let the value equal the size it indexes (`i > N` before `a[i]`, a[N]).
  const caps = facts.bounds.filter((b) => !b.relative);
  if (caps.some((b) => !b.inclusive)) return status;
  // Only a bound on the value itself, at a sink that uses the value itself, can be off by one.
  if (!use.direct || !v.exact || !caps.some((b) => b.exact)) return status;
  const size = use.kind === 'subscript' ? declaredLength(cx.model, frame.fn, use.target) : null;
  const b = caps.find((x) => x.exact && (size ? sameBound(x.rhs, size) : COUNT_LIKE.test(x.rhs)));
  if (!b) return status;
  facts.offByOne = { bound: b.rhs, size, text: b.text };
  return 'off-by-one';
}

/** Follow into the visible helper; its parameter k carries the value. */
function followInto(cx: FlowContext, frame: Frame, use: HelperUse, v: Var, sinks: Sink[], seen: Set<string>): void {
  const { callee, call, name, k, arg, callText } = use;
  const cp = callee.params[k]!;
  const ct = cx.ctype(cp.type);
  if (cp.pointer || (ct.kind !== 'int' && ct.kind !== 'enum')) return;
  const argVal = valueTaint(cx, arg, frame.vars) ?? v;
  const facts = guardsAt(cx, frame, call, v);
  merge(facts, frame.inherited);
  throughOther(cx, frame, call, facts);
  const inner: Frame = {
    fn: callee,
    vars: new Map([[cp.name, { root: v.root, ctype: ct, nonneg: keepsNonneg(argVal.nonneg, argVal.ctype, ct), exact: !!argVal.exact }]]),
    chain: `${frame.chain} -> ${callText}`,
    depth: frame.depth + 1,
    inherited: facts,
    signed: frame.signed,
    entryLine: frame.entryLine ?? call.startPosition.row + 1,
  };
  const before = sinks.length;
  walk(cx, inner, sinks, new Set([...seen, name]));
  // A helper whose value goes nowhere we can see still counts as a use (an unchecked hand-off).
  if (sinks.length === before) record(cx, frame, v, { kind: 'call', node: call, target: name, chainEnd: callText }, sinks);
}

/** Taint locals assigned from tainted values (in source order, to a fixed point). */
function propagate(cx: FlowContext, fn: FunctionDef, vars: Map<string, Var>): void {
  const body = fn.body;
  // Found once, not once per round: a body of 150k lines makes each search cost.
  const declarators = body.descendantsOfType('init_declarator');
  const assignments = body.descendantsOfType('assignment_expression');
  chargeWork(declarators.length + assignments.length);
  for (let round = 0; round < 3; round++) {
    let grew = false;
    const visit = (lhs: string, rhs: SyntaxNode | null, declType: string | null) => {
      if (!rhs || vars.has(lhs)) return;
      const v = valueTaint(cx, rhs, vars);
      if (!v) return;
      const ct = declType ? cx.ctype(declType) : v.ctype;
      vars.set(lhs, { root: v.root, ctype: ct, nonneg: keepsNonneg(v.nonneg, v.ctype, ct), exact: !!v.exact });
      grew = true;
    };
    for (const d of declarators) {
      const decl = parentOf(d);
      const declType = decl?.type === 'declaration' ? (decl.childForFieldName('type')?.text ?? null) : null;
      const name = d.childForFieldName('declarator');
      if (name?.type === 'identifier') visit(name.text, d.childForFieldName('value'), declType);
    }
    for (const a of assignments) {
      const l = a.childForFieldName('left');
      if (l?.type === 'identifier' && op(a) === '=') visit(l.text, a.childForFieldName('right'), null);
    }
    if (!grew) break;
  }
}

/** Is `expr` a value derived from a tainted variable (through casts and arithmetic)? */
function valueTaint(cx: FlowContext, expr: SyntaxNode, vars: Map<string, Var>): Var | null {
  const e = strip(expr);
  switch (e.type) {
    case 'identifier':
      return vars.get(e.text) ?? null;
    case 'cast_expression': {
      const v = valueTaint(cx, e.childForFieldName('value')!, vars);
      const ct = cx.ctype(e.childForFieldName('type')?.text ?? '');
      return v ? { root: v.root, ctype: ct, nonneg: keepsNonneg(v.nonneg, v.ctype, ct), exact: !!v.exact } : null;
    }
    case 'binary_expression': {
      const o = op(e);
      if (!ARITH.has(o)) return null;
      const v = valueTaint(cx, e.childForFieldName('left')!, vars) ?? valueTaint(cx, e.childForFieldName('right')!, vars);
      // An unsigned difference stays non-negative (it wraps instead; the 'underflow' sink covers that).
      return v ? { ...v, nonneg: v.nonneg && (o !== '-' || !v.ctype.signed), exact: false } : null;
    }
    case 'unary_expression':
      if (!['-', '~', '+'].includes(op(e))) return null;
      {
        const v = valueTaint(cx, e.childForFieldName('argument')!, vars);
        return v ? { ...v, nonneg: v.nonneg && op(e) === '+', exact: false } : null;
      }
    case 'conditional_expression': {
      const v = valueTaint(cx, e.childForFieldName('consequence')!, vars) ?? valueTaint(cx, e.childForFieldName('alternative')!, vars);
      return v ? { ...v, exact: false } : null;
    }
    default:
      return null;
  }
}
