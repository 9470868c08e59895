// Guard recognition: which bounds the conditions, switches, clamps and validators that dominate a
// sink establish for the value, read with C semantics (signed or unsigned comparison). Also read
// as the kernel writes them: a bound by another argument is a relation, not a cap; a capped span
// (`end - start > MAX`) caps a count; `off + len > size` bounds off; errno checkers
// (`if (x_check(v)) return`, `err = x_check(v); if (err)`) and sentinel tests pass like
// validators; a visible helper's checks are read and its bounds put in the caller's words.
import type { SyntaxNode } from '../../model/c-parser.js';
import { parentOf, snippet } from '../../model/c-query.js';
import { chargeWork } from '../../model/work.js';
import { CHECKER_NAME, SANITISER, VALIDATOR_NAME } from '../../knowledge/indexing-callees.js';
import type { FunctionDef } from '../../model/model.js';
import { type Bound, type FlowContext, type Frame, type GuardFacts, type Var, emptyFacts, merge, statusOf } from './flow-types.js';
import { CMP, MIRROR, NEGATE, callArgs, callName, isExit, mentions, op, reassigns, strip } from './syntax.js';

/** Bounds that have an unsigned type, making `int_param >= X` an unsigned comparison. */
const UNSIGNED_BOUND =
  /^(nr_cpu_ids|nr_node_ids|nr_cpumask_bits|num_possible_cpus\(\)|num_online_cpus\(\)|U8_MAX|U16_MAX|U32_MAX|UINT_MAX|U64_MAX|ULONG_MAX|sizeof\b.*|ARRAY_SIZE\(.*\)|\d+[uU][lL]*|0x[0-9a-fA-F]+[uU][lL]*|\(\s*(u8|u16|u32|u64|unsigned[\w ]*|size_t)\s*\).*)$/;

/** Guards that dominate `at` inside the frame's function, for the variables of v's root. */
export function guardsAt(cx: FlowContext, frame: Frame, at: SyntaxNode, v: Var): GuardFacts {
  const names = new Set([...frame.vars].filter(([, x]) => x.root === v.root).map(([n]) => n));
  const facts = emptyFacts();
  const where = (n: SyntaxNode) => `${frame.fn.name}:${n.startPosition.row + 1}`;
  // Quote whole conditions: `idx < 0 || idx >= N` reads better than its halves.
  const whole = (c: SyntaxNode, g: GuardFacts): GuardFacts => {
    if (!(g.upper || g.lower || g.complete || g.span)) return g;
    const inner = g.texts.filter((t) => t.includes('() checks'));
    return { ...g, texts: [`${snippet(strip(c), 90)} (${where(c)})`, ...inner] };
  };
  let node = at;
  for (let p = parentOf(node); p && node.id !== frame.fn.body.id; p = parentOf(node)) {
    if (p.type === 'if_statement' || p.type === 'conditional_expression') {
      const c = p.childForFieldName('condition');
      if (c && p.childForFieldName('consequence')?.id === node.id) merge(facts, whole(c, accept(cx, c, names, frame, where(c))));
      if (c && p.childForFieldName('alternative')?.id === node.id) merge(facts, whole(c, reject(cx, c, names, frame, where(c))));
    } else if (p.type === 'binary_expression' && p.childForFieldName('right')?.id === node.id) {
      const l = p.childForFieldName('left')!;
      if (op(p) === '&&') merge(facts, whole(l, accept(cx, l, names, frame, where(l))));
      if (op(p) === '||') merge(facts, whole(l, reject(cx, l, names, frame, where(l))));
    } else if (p.type === 'case_statement' || p.type === 'compound_statement') {
      if (p.type === 'case_statement') {
        const up = parentOf(p);
        const sw = up ? parentOf(up) : null;
        const cond = sw?.type === 'switch_statement' ? sw.childForFieldName('condition') : null;
        if (cond && p.childForFieldName('value') && names.has(strip(cond).text)) {
          facts.complete = true;
          facts.texts.push(`switch (${strip(cond).text}) case ${p.childForFieldName('value')!.text} (${where(p)})`);
        }
      }
      // The statements before the sink in the same block, or in the same case (a case's
      // statements are its own children, not a nested block): early exits and clamps.
      for (const s of p.namedChildren) {
        if (s.id === node.id) break;
        chargeWork();
        if (s.type === 'if_statement' && !s.childForFieldName('alternative')) {
          const cons = s.childForFieldName('consequence');
          const c = s.childForFieldName('condition');
          if (c && (isExit(cons) || reassigns(cons, names))) merge(facts, whole(c, reject(cx, c, names, frame, where(c))));
        } else if (s.type === 'expression_statement') {
          // v = array_index_nospec(v, N); v = min(v, N - 1); v = clamp(...)
          const e = s.namedChildren[0];
          if (e?.type === 'assignment_expression' && names.has(e.childForFieldName('left')?.text ?? '')) {
            const r = strip(e.childForFieldName('right')!);
            const fresh = op(e) === '=' && !mentions(r, names);
            if ((r.type === 'call_expression' && SANITISER.test(callName(r))) || fresh) {
              facts.complete = true;
              facts.texts.push(`${snippet(e, 60)} (${where(e)})`);
            }
          }
        }
      }
    }
    node = p;
  }
  return facts;
}

/** Facts established when condition `c` is true and execution continues to the sink. */
function accept(cx: FlowContext, c: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
  const e = strip(c);
  const f = emptyFacts();
  if (e.type === 'binary_expression' && op(e) === '&&') {
    merge(f, accept(cx, e.childForFieldName('left')!, names, frame, where));
    merge(f, accept(cx, e.childForFieldName('right')!, names, frame, where));
    return f;
  }
  if (e.type === 'binary_expression' && op(e) === '||') {
    // `v == A || v == B`: what both alternatives establish holds.
    const a = accept(cx, e.childForFieldName('left')!, names, frame, where);
    const b = accept(cx, e.childForFieldName('right')!, names, frame, where);
    f.complete = a.complete && b.complete;
    f.upper = (a.upper || a.complete) && (b.upper || b.complete);
    f.lower = (a.lower || a.complete) && (b.lower || b.complete);
    // Either alternative may hold: the size is at least the smaller of their minimums.
    if (a.minimum.length && b.minimum.length) f.minimum.push(eitherMinimum(a, b, `${snippet(e, 70)} (${where})`));
    if (f.complete || f.upper || f.lower || f.minimum.length) f.texts.push(`${snippet(e, 70)} (${where})`);
    return f;
  }
  if (e.type === 'unary_expression' && op(e) === '!') return reject(cx, e.childForFieldName('argument')!, names, frame, where);
  if (e.type === 'call_expression') return validatorCall(cx, e, names, frame, where);
  if (e.type === 'binary_expression' && CMP.has(op(e))) return compare(cx, e, names, frame, where, true);
  return f;
}

/** Facts established when execution continues because `c` was false (`if (c) return;`). */
function reject(cx: FlowContext, c: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
  const e = strip(c);
  const f = emptyFacts();
  if (e.type === 'binary_expression' && op(e) === '||') {
    merge(f, reject(cx, e.childForFieldName('left')!, names, frame, where));
    merge(f, reject(cx, e.childForFieldName('right')!, names, frame, where));
    return f;
  }
  if (e.type === 'unary_expression' && op(e) === '!') return accept(cx, e.childForFieldName('argument')!, names, frame, where);
  if (e.type === 'binary_expression' && CMP.has(op(e))) return compare(cx, e, names, frame, where, false);
  // `if (check(v)) return ...;` or `err = check(v); if (err) return err;`: the check returned 0.
  const call = checkCall(e, frame);
  if (call) return checkerCall(cx, call, names, frame, where);
  if (e.type === 'binary_expression' && op(e) === '&&') {
    // `v < 0 && v != NUMA_NO_NODE`, `v != NUMA_NO_NODE && ((unsigned int)v >= nr_node_ids ||
    // !node_online(v))` (6.12 arena_alloc_pages): out-of-range values are rejected except one
    // named sentinel, which by kernel convention the callees accept ("any node").
    const l = strip(e.childForFieldName('left')!);
    const r = strip(e.childForFieldName('right')!);
    for (const [a, b] of [
      [l, r],
      [r, l],
    ] as const) {
      if (b.type !== 'binary_expression' || op(b) !== '!=' || !mentions(b, names)) continue;
      const other = [strip(b.childForFieldName('left')!), strip(b.childForFieldName('right')!)].find((x) => !mentions(x, names));
      if (!other || other.type !== 'identifier' || !/^[A-Z][A-Z0-9_]*$/.test(other.text)) continue;
      const g = reject(cx, a, names, frame, where);
      if (g.lower || g.upper || g.complete) return { ...g, texts: [`${snippet(e, 70)} (${where})`] };
    }
    // `v != A && v != B` rejected: v is one of A, B. What both negations establish holds.
    const ra = reject(cx, l, names, frame, where);
    const rb = reject(cx, r, names, frame, where);
    f.complete = ra.complete && rb.complete;
    f.upper = (ra.upper || ra.complete) && (rb.upper || rb.complete);
    f.lower = (ra.lower || ra.complete) && (rb.lower || rb.complete);
    if (ra.minimum.length && rb.minimum.length) f.minimum.push(eitherMinimum(ra, rb, `${snippet(e, 70)} (${where})`));
    if (f.complete || f.upper || f.lower) f.texts.push(`${snippet(e, 70)} (${where})`);
  }
  return f;
}

/**
 * The minimum two alternatives establish together (`sz == A || sz == B`): the smaller of what
 * each one establishes, written `min(max(...), max(...))` so the size readers can evaluate it.
 */
function eitherMinimum(a: GuardFacts, b: GuardFacts, text: string): { rhs: string; text: string } {
  const side = (g: GuardFacts) => (g.minimum.length === 1 ? g.minimum[0]!.rhs : `max(${g.minimum.map((m) => m.rhs).join(', ')})`);
  return { rhs: `min(${side(a)}, ${side(b)})`, text };
}

/** A return of a constant that says "rejected": a checker's nonzero errno or true. */
const CHECK_FAILS = /^\(?\s*(-\s*\w+|[1-9]\d*|true|[A-Z_][A-Z0-9_]*)\s*\)?$/;

/**
 * What a visible helper establishes about its parameter `k` on the paths that end in a passing
 * return (a validator's non-false value, a checker's 0): the facts every such return has, or null
 * when the helper never passes (a stub that always rejects).
 */
function helperFacts(
  cx: FlowContext,
  def: FunctionDef,
  k: number,
  frame: Frame,
  kind: 'validator' | 'checker',
  call: SyntaxNode,
): GuardFacts | null {
  const pn = def.params[k]!.name;
  const ct = cx.ctype(def.params[k]!.type);
  // The helper's other parameters that receive BPF-controlled values: a bound by one of them
  // is a relation, not a cap, in the helper too.
  const args = callArgs(call);
  const others = new Set(
    def.params.filter((p, j) => j !== k && args[j] && boundNames(args[j]!).some((n) => frame.others?.has(n))).map((p) => p.name),
  );
  const inner: Frame = {
    fn: def,
    vars: new Map([[pn, { root: pn, ctype: ct, nonneg: false }]]),
    chain: '',
    depth: frame.depth + 1,
    inherited: emptyFacts(),
    signed: ct.signed,
    others,
  };
  // Every passing return must be guarded: intersect the facts of the returns.
  let sub: GuardFacts | null = null;
  for (const r of def.body.descendantsOfType('return_statement')) {
    const x = r.namedChildren[0];
    if (!x) continue;
    const at = `${def.name}:${x.startPosition.row + 1}`;
    let one: GuardFacts;
    if (kind === 'validator') {
      // The returned expression is the accepting condition (`return idx < N && ...;`).
      if (/^(false|0)$/.test(x.text)) continue;
      one = accept(cx, x, new Set([pn]), inner, at);
    } else {
      // A checker passes with 0; a returned call passes when that checker passes.
      if (CHECK_FAILS.test(x.text)) continue;
      const c = strip(x);
      one = c.type === 'call_expression' ? checkerCall(cx, c, new Set([pn]), inner, at) : emptyFacts();
    }
    merge(one, guardsAt(cx, inner, r, { root: pn, ctype: ct, nonneg: false }));
    if (!sub) sub = one;
    else {
      sub.upper &&= one.upper;
      sub.lower &&= one.lower;
      sub.complete &&= one.complete;
      sub.span &&= one.span;
      sub.texts.push(...one.texts.filter((t) => !sub!.texts.includes(t)));
    }
  }
  return sub;
}

/** The facts a helper's verdict gives at its call site, with the helper's own checks quoted. */
/**
 * A helper's bounds said in the caller's words: its parameters replaced by the arguments of the
 * call (`b` becomes `last` for `range_ok(first, last)`), so the caller can compare them with its
 * own expressions (an ordering `first <= last`, an array size).
 */
function callerBounds(call: SyntaxNode, def: FunctionDef, sub: GuardFacts, frame: Frame): Bound[] {
  const args = callArgs(call);
  const map = new Map(def.params.map((p, i) => [p.name, args[i] ? strip(args[i]!).text.replace(/\s+/g, ' ') : null]));
  const out: Bound[] = [];
  for (const b of sub.bounds) {
    let ok = true;
    const rhs = b.rhs.replace(/\b[A-Za-z_]\w*\b/g, (id) => {
      if (!map.has(id)) return id;
      const a = map.get(id);
      if (!a) ok = false;
      return a && /^[\w>.-]+$/.test(a) ? a : `(${a ?? id})`;
    });
    if (!ok) continue;
    const ids = (rhs.match(/\b[a-z_]\w*\b/g) ?? []).filter((x) => !/^[A-Z_][A-Z0-9_]*$/.test(x));
    const relative = ids.length > 0 && ids.every((x) => frame.others?.has(x));
    out.push({ ...b, rhs, relative, exact: false });
  }
  return out;
}

function helperVerdict(call: SyntaxNode, def: FunctionDef, sub: GuardFacts | null, where: string, frame: Frame): GuardFacts {
  const f = emptyFacts();
  if (sub) f.bounds.push(...callerBounds(call, def, sub, frame));
  // A helper that never passes (a config stub returning false) rejects everything.
  if (!sub || statusOf(sub) === 'complete') {
    f.complete = true;
    const checks = sub ? sub.texts.map((t) => t.replace(/ \(.*\)$/, '')).join(', ') : 'nothing (it never passes)';
    f.texts.push(`${snippet(call, 60)} (${where}; ${def.name}() checks ${checks})`);
    return f;
  }
  merge(f, { ...sub, bounds: [], minimum: [], texts: sub.texts.map((t) => `${t} [in ${def.name}()]`) });
  return f;
}

/** `valid(v)` in an accepting position: a validator establishes both bounds. */
function validatorCall(cx: FlowContext, call: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
  const f = emptyFacts();
  const name = callName(call);
  const args = callArgs(call);
  const k = args.findIndex((a) => mentions(a, names));
  if (k < 0) return f;
  const def = cx.model.functions.get(name);
  if (def && def.params[k]) {
    // A visible helper: it validates if it returns an accepting condition on its parameter
    // or rejects out-of-range input before returning true.
    const sub = helperFacts(cx, def, k, frame, 'validator', call);
    return helperVerdict(call, def, sub, where, frame);
  }
  if (VALIDATOR_NAME.test(name)) {
    f.complete = true;
    f.texts.push(`${snippet(call, 60)} (${where})`);
    f.assumed.push(name);
  }
  return f;
}

/**
 * `check(v)` returned 0 (`if (check(v)) return`, `if (check(v) < 0) return`): an errno-style
 * checker, or a predicate that says the value is bad (`BAD_STAT_IDX(i)`), passed.
 */
function checkerCall(cx: FlowContext, call: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
  const f = emptyFacts();
  const name = callName(call);
  const args = callArgs(call);
  const k = args.findIndex((a) => mentions(a, names));
  if (k < 0) return f;
  const def = cx.model.functions.get(name);
  if (def && def.params[k] && frame.depth < 4 && strip(args[k]!).type !== 'call_expression') {
    const sub = helperFacts(cx, def, k, frame, 'checker', call);
    return helperVerdict(call, def, sub, where, frame);
  }
  if (CHECKER_NAME.test(name)) {
    f.complete = true;
    f.texts.push(`${snippet(call, 60)} (${where})`);
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) f.assumed.push(name);
  }
  return f;
}

/**
 * The checker call a condition tests: `check(v)` itself, or the local an earlier statement of
 * the same function set from it (`err = check(v); ... if (err)`).
 */
function checkCall(e: SyntaxNode, frame: Frame): SyntaxNode | null {
  if (e.type === 'call_expression') return e;
  if (e.type !== 'identifier') return null;
  let found: SyntaxNode | null = null;
  const before = e.startIndex;
  for (const a of frame.fn.body.descendantsOfType(['assignment_expression', 'init_declarator'])) {
    if (a.startIndex >= before) break;
    const l = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('declarator');
    if (l?.type !== 'identifier' || l.text !== e.text) continue;
    if (a.type === 'assignment_expression' && op(a) !== '=') continue;
    const r = a.childForFieldName(a.type === 'assignment_expression' ? 'right' : 'value');
    found = r && strip(r).type === 'call_expression' ? strip(r) : null;
  }
  return found;
}

/** The identifiers a bound is made of, without called names and constants (ALL_CAPS). */
function boundNames(n: SyntaxNode): string[] {
  const ids = n.type === 'identifier' ? [n] : n.descendantsOfType('identifier');
  return ids
    .filter((i) => !(i.parent?.type === 'call_expression' && i.parent.childForFieldName('function')?.id === i.id))
    .filter((i) => !/^[A-Z_][A-Z0-9_]*$/.test(i.text))
    .map((i) => i.text);
}

/** A bound made only of other BPF-controlled values (`start > end`): a relation, not a cap. */
function isRelative(n: SyntaxNode, frame: Frame): boolean {
  const ids = boundNames(n);
  return ids.length > 0 && ids.every((i) => frame.others?.has(i));
}

/** A comparison `a OP b` where one side is the value: which bounds does it establish? */
function compare(cx: FlowContext, e: SyntaxNode, names: Set<string>, frame: Frame, where: string, accepting: boolean): GuardFacts {
  const f = emptyFacts();
  let o = op(e);
  let l = e.childForFieldName('left')!;
  let r = e.childForFieldName('right')!;
  const isVal = (n: SyntaxNode): boolean => {
    const s = strip(n);
    if (s.type === 'identifier') return names.has(s.text);
    if (s.type === 'cast_expression') return isVal(s.childForFieldName('value')!);
    return false;
  };
  const isOther = (n: SyntaxNode): boolean => {
    const s = strip(n);
    if (s.type === 'identifier') return !!frame.others?.has(s.text);
    if (s.type === 'cast_expression') return isOther(s.childForFieldName('value')!);
    return false;
  };
  // `end - start` with the value on one side and another argument on the other: a span.
  const isSpan = (n: SyntaxNode): boolean => {
    const s = strip(n);
    if (s.type !== 'binary_expression' || op(s) !== '-') return false;
    const a = s.childForFieldName('left')!;
    const b = s.childForFieldName('right')!;
    return (isVal(a) && isOther(b)) || (isOther(a) && isVal(b));
  };
  const zero = (n: SyntaxNode) => /^\(?\s*0[uUlL]*\s*\)?$/.test(strip(n).text);
  // `v + x` with x not the value: `off + len > size` rejected bounds off by size too (the usual
  // kernel spelling of a range check; a wrapping sum is a separate bug).
  const sumOf = (n: SyntaxNode): SyntaxNode | null => {
    const s = strip(n);
    if (s.type !== 'binary_expression' || op(s) !== '+') return null;
    const a = s.childForFieldName('left')!;
    const b = s.childForFieldName('right')!;
    if (isVal(a) && !mentions(b, names)) return a;
    if (isVal(b) && !mentions(a, names)) return b;
    return null;
  };
  let viaSum = false;
  if (!isVal(l) && !isVal(r) && (sumOf(l) || sumOf(r))) {
    viaSum = true;
    if (sumOf(l)) l = sumOf(l)!;
    else r = sumOf(r)!;
  }
  if (!isVal(l)) {
    if (isVal(r)) {
      [l, r] = [r, l];
      o = MIRROR[o]!;
    } else if (isSpan(l) || isSpan(r)) {
      const bound = isSpan(l) ? r : l;
      if (!isSpan(l)) o = MIRROR[o]!;
      if (!accepting) o = NEGATE[o]!;
      if ((o === '<' || o === '<=') && !isRelative(strip(bound), frame) && !mentions(bound, names)) {
        f.span = true;
        f.texts.push(`${snippet(e, 70)} (${where})`);
      }
      return f;
    } else {
      // `check(v) < 0`, `check(v) != 0` rejecting, `check(v) == 0` accepting: the checker passed.
      const [c, z] = zero(r) ? [l, r] : zero(l) ? [r, l] : [null, null];
      const call = c ? checkCall(strip(c), frame) : null;
      if (!call || !z) return f;
      let oo = c === l ? o : MIRROR[o]!;
      if (!accepting) oo = NEGATE[oo]!;
      // Now: execution continues when `call oo 0`.
      if (oo === '==' || oo === '>=') return checkerCall(cx, call, names, frame, where);
      return f;
    }
  }
  if (!accepting) o = NEGATE[o]!;
  // Now: execution continues when `l o r` holds. Through a sum only an upper bound carries over.
  if (viaSum && o !== '<' && o !== '<=') return f;
  const ls = strip(l);
  const castUnsigned = ls.type === 'cast_expression' && !cx.ctype(ls.childForFieldName('type')?.text ?? '').signed;
  const vName = ls.type === 'cast_expression' ? strip(ls.childForFieldName('value')!).text : ls.text;
  const vt = frame.vars.get(vName)?.ctype;
  const rs = strip(r);
  const rhs = rs.text.replace(/\s+/g, ' ');
  const unsignedCmp = castUnsigned || (vt ? !vt.signed : false) || ((vt?.bits ?? 32) <= 32 && UNSIGNED_BOUND.test(rhs));
  const zeroish = /^(0|0[uU]?|-1)$/.test(rhs);
  const relative = isRelative(rs, frame);
  const text = `${snippet(e, 70)} (${where})`;
  const nonzero = !/^\(?\s*0[uUlL]*\s*\)?$/.test(rhs) && !relative && !/^-/.test(rhs);
  if ((o === '==' || o === '>=' || o === '>') && nonzero) f.minimum.push({ rhs, text });
  if (o === '==') {
    if (!relative) f.complete = true;
  } else if (o === '<' || o === '<=') {
    if (!(zeroish && o === '<')) {
      f.bounds.push({ rhs, inclusive: o === '<=', relative, text, exact: !viaSum && !!frame.vars.get(vName)?.exact });
      if (!relative) {
        f.upper = true;
        if (unsignedCmp) f.lower = true;
      }
    }
  } else if (o === '>' || o === '>=') {
    if (zeroish) f.lower = true;
  }
  if (f.upper || f.lower || f.complete || f.minimum.length) f.texts.push(text);
  return f;
}
