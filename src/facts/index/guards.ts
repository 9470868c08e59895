// Guard recognition: which bounds the conditions, switches, clamps and validators that dominate a
// sink establish for the value, read with C semantics (signed or unsigned comparison).
import type { SyntaxNode } from '../../model/c-parser.js';
import { parentOf, snippet } from '../../model/c-query.js';
import { chargeWork } from '../../model/work.js';
import { SANITISER, VALIDATOR_NAME } from '../../knowledge/indexing-callees.js';
import { type FlowContext, type Frame, type GuardFacts, type Var, emptyFacts, merge, statusOf } from './flow-types.js';
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
    if (!(g.upper || g.lower || g.complete)) return g;
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
  }
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
    const pn = def.params[k]!.name;
    const ct = cx.ctype(def.params[k]!.type);
    const inner: Frame = {
      fn: def,
      vars: new Map([[pn, { root: pn, ctype: ct, nonneg: false }]]),
      chain: '',
      depth: frame.depth + 1,
      inherited: emptyFacts(),
      signed: ct.signed,
    };
    // Every accepting return must be guarded: intersect the facts of the returns.
    let sub: GuardFacts | null = null;
    for (const r of def.body.descendantsOfType('return_statement')) {
      const x = r.namedChildren[0];
      if (!x || /^(false|0)$/.test(x.text)) continue;
      const one = accept(cx, x, new Set([pn]), inner, `${def.name}:${x.startPosition.row + 1}`);
      merge(one, guardsAt(cx, inner, r, { root: pn, ctype: ct, nonneg: false }));
      if (!sub) sub = one;
      else {
        sub.upper &&= one.upper;
        sub.lower &&= one.lower;
        sub.complete &&= one.complete;
        sub.texts.push(...one.texts.filter((t) => !sub!.texts.includes(t)));
      }
    }
    sub ??= emptyFacts();
    if (statusOf(sub) === 'complete') {
      f.complete = true;
      f.texts.push(`${snippet(call, 60)} (${where}; ${def.name}() checks ${sub.texts.map((t) => t.replace(/ \(.*\)$/, '')).join(', ')})`);
      return f;
    }
    merge(f, { ...sub, texts: sub.texts.map((t) => `${t} [in ${def.name}()]`) });
    return f;
  }
  if (VALIDATOR_NAME.test(name)) {
    f.complete = true;
    f.texts.push(`${snippet(call, 60)} (${where})`);
    f.assumed.push(name);
  }
  return f;
}

/** A comparison `a OP b` where one side is the value: which bounds does it establish? */
function compare(cx: FlowContext, e: SyntaxNode, names: Set<string>, frame: Frame, where: string, accepting: boolean): GuardFacts {
  const f = emptyFacts();
  let o = op(e);
  let l = e.childForFieldName('left')!;
  let r = e.childForFieldName('right')!;
  const isVal = (n: SyntaxNode) => {
    const s = strip(n);
    if (s.type === 'identifier') return names.has(s.text);
    if (s.type === 'cast_expression') return isVal(s.childForFieldName('value')!);
    return false;
  };
  if (!isVal(l)) {
    if (!isVal(r)) return f;
    [l, r] = [r, l];
    o = MIRROR[o]!;
  }
  if (!accepting) o = NEGATE[o]!;
  // Now: execution continues when `l o r` holds.
  const ls = strip(l);
  const castUnsigned = ls.type === 'cast_expression' && !cx.ctype(ls.childForFieldName('type')?.text ?? '').signed;
  const vName = ls.type === 'cast_expression' ? strip(ls.childForFieldName('value')!).text : ls.text;
  const vt = frame.vars.get(vName)?.ctype;
  const rhs = strip(r).text.replace(/\s+/g, ' ');
  const unsignedCmp = castUnsigned || (vt ? !vt.signed : false) || ((vt?.bits ?? 32) <= 32 && UNSIGNED_BOUND.test(rhs));
  const zeroish = /^(0|0[uU]?|-1)$/.test(rhs);
  const text = `${snippet(e, 70)} (${where})`;
  if (o === '==') {
    f.complete = true;
  } else if (o === '<' || o === '<=') {
    if (!(zeroish && o === '<')) {
      f.upper = true;
      if (unsignedCmp) f.lower = true;
    }
  } else if (o === '>' || o === '>=') {
    if (zeroish) f.lower = true;
  }
  if (f.upper || f.lower || f.complete) f.texts.push(text);
  return f;
}
