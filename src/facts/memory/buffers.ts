// Sized BPF buffers and what the kernel moves through them. A pointer followed by its `__sz`/
// `__szk` size (`void *buf, u32 buf__sz`) is memory the verifier checked for exactly `buf__sz`
// bytes, whatever the program chose. Every call that reads or writes the buffer through a known
// callee (knowledge/memory-extents.ts), in the kfunc or a visible helper it hands the buffer to,
// is an access with an extent; the fact records the extent, where its length comes from, and
// whether the size checks in front of it (`buf__sz < X` rejected) or a clamp of the length
// (`min(len, buf__sz)`) cover it.
import type { SyntaxNode } from '../../model/c-parser.js';
import { snippet } from '../../model/c-query.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { MEMORY_CALLEES, type MemoryArg } from '../../knowledge/memory-extents.js';
import { SANITISER } from '../../knowledge/indexing-callees.js';
import { type FlowContext, type Frame, type Var, emptyFacts } from '../index/flow-types.js';
import { guardsAt } from '../index/guards.js';
import { callArgs, callName, strip } from '../index/syntax.js';
import { parseC } from '../../model/c-parser.js';
import { cValues, type CValues } from './c-values.js';
import { lastValue, localDecls, typeResolver, valueNames } from './locals.js';
import { type SizeExpr, covers, parseSize } from './size-expr.js';
import { normText } from '../expr-text.js';

/** Where the length of an access comes from. */
export type LengthOrigin =
  /** The verified size itself, or an expression that cannot exceed it (`min(n, sz)`, `sz - 1`). */
  | 'size'
  /** Constants, types and kernel-wide values (`sizeof(x)`, `bitmap_size(nr_cpu_ids)`). */
  | 'constant'
  /** Computed by the kernel: a callee's result, a field of a kernel object, a local set from those. */
  | 'kernel'
  /** Another BPF-controlled scalar (the index rules' business). */
  | 'bpf'
  /** A helper's parameter: its caller decides. */
  | 'unknown'
  /** The verified size of another buffer of the kfunc (the index rules compare it with this one). */
  | 'other-size';

export interface SizeCheck {
  /** The kfunc size parameter the check bounds. */
  param: string;
  size: SizeExpr;
  /** The check as written, with its place. */
  text: string;
}

export interface BufferAccess {
  /** The kfunc parameter of the buffer and of its verified size. */
  buf: string;
  sizeParam: string;
  suffix: '__sz' | '__szk';
  mode: 'read' | 'write';
  callee: string;
  /** The call, folded, and where it is (the helper's file and line at depth > 0). */
  call: string;
  fn: string;
  file: string;
  line: number;
  /** Line in the kfunc where the buffer goes toward the access. */
  entryLine: number;
  chain: string;
  depth: number;
  /** Bytes the callee moves through the buffer. */
  extent: SizeExpr;
  /** The length expression as written (the count or bit-count argument). */
  lengthText: string;
  /** The extent as a C size expression a check can compare with (`bitmap_size(n)`, `sizeof(x)`). */
  need: string;
  origin: LengthOrigin;
  /** For an 'other-size' length: the buffer that size belongs to. */
  otherBuffer: string | null;
  /** Where a kernel length comes from: `len = strlen(name)` (line). */
  originNote: string | null;
  /** The size checks that dominate the access. */
  checks: SizeCheck[];
  /** A guard or clamp bounds the length by the verified size. */
  clamped: boolean;
  /** Do the checks cover the extent? 'unchecked': no check of the size at all. */
  covered: 'yes' | 'no' | 'unknown' | 'unchecked';
}

interface BufFrame {
  fn: FunctionDef;
  /** Local names of the buffer -> kfunc buffer parameter. */
  bufs: Map<string, string>;
  /** Local names of the size -> kfunc size parameter. */
  sizes: Map<string, string>;
  /** Names that carry other BPF-controlled scalars. */
  bpf: Set<string>;
  inherited: SizeCheck[];
  chain: string;
  depth: number;
  entryLine?: number;
}

const ctxOf = (model: PatchModel): FlowContext => ({
  model,
  ctype: () => ({ name: 'u32', kind: 'int', bits: 32, signed: false }),
});

/** Every access of every sized buffer of kfunc `fn`. */
export function bufferAccesses(model: PatchModel, fn: FunctionDef): BufferAccess[] {
  const out: BufferAccess[] = [];
  const bufs = new Map<string, string>();
  const sizes = new Map<string, string>();
  const suffix = new Map<string, '__sz' | '__szk'>();
  fn.params.forEach((p, i) => {
    const q = fn.params[i + 1];
    if (!p.pointer || !q || (q.suffix !== '__sz' && q.suffix !== '__szk')) return;
    bufs.set(p.name, p.name);
    sizes.set(q.name, q.name);
    suffix.set(p.name, q.suffix);
  });
  if (!bufs.size) return out;
  const bpf = new Set(fn.params.filter((p) => !p.pointer && !sizes.has(p.name)).map((p) => p.name));
  const pairOf = new Map([...bufs.keys()].map((b) => [b, fn.params[fn.params.findIndex((p) => p.name === b) + 1]!.name]));
  walk(
    model,
    cValues(model),
    { fn, bufs, sizes, bpf, inherited: [], chain: `${fn.name}()`, depth: 0 },
    out,
    pairOf,
    suffix,
    new Set([fn.name]),
  );
  return out;
}

/** Locals that alias a buffer (`u8 *b = buf;`, `p = (u32 *)buf;`) or copy its size. */
function aliases(f: BufFrame): void {
  for (const d of f.fn.body.descendantsOfType(['init_declarator', 'assignment_expression'])) {
    let l = d.childForFieldName(d.type === 'init_declarator' ? 'declarator' : 'left');
    const r = d.childForFieldName(d.type === 'init_declarator' ? 'value' : 'right');
    while (l?.type === 'pointer_declarator') l = l.childForFieldName('declarator');
    if (l?.type !== 'identifier' || !r) continue;
    let v = strip(r);
    while (v.type === 'cast_expression') v = strip(v.childForFieldName('value')!);
    if (v.type === 'identifier' && f.bufs.has(v.text) && !f.bufs.has(l.text)) f.bufs.set(l.text, f.bufs.get(v.text)!);
    // `size_t size = buf__sz;`: a copy of the size is the size (a later clamp only shrinks it).
    if (v.type === 'identifier' && f.sizes.has(v.text) && !f.sizes.has(l.text)) f.sizes.set(l.text, f.sizes.get(v.text)!);
  }
}

function walk(
  model: PatchModel,
  cv: CValues,
  f: BufFrame,
  out: BufferAccess[],
  pairOf: Map<string, string>,
  suffix: Map<string, '__sz' | '__szk'>,
  seen: Set<string>,
): void {
  aliases(f);
  const typeOf = typeResolver(f.fn);
  for (const call of f.fn.body.descendantsOfType('call_expression')) {
    const name = callName(call);
    const args = callArgs(call);
    const spec = MEMORY_CALLEES[name];
    if (spec) {
      for (const m of spec) {
        const a = args[m.arg];
        if (!a) continue;
        let v = strip(a);
        while (v.type === 'cast_expression') v = strip(v.childForFieldName('value')!);
        const buf = v.type === 'identifier' ? f.bufs.get(v.text) : undefined;
        if (!buf) continue;
        const acc = access(model, cv, f, call, name, args, m, buf, pairOf.get(buf)!, typeOf, pairOf);
        if (acc) out.push({ ...acc, suffix: suffix.get(buf)! });
      }
      continue;
    }
    const callee = model.functions.get(name);
    if (!callee || f.depth >= 3 || seen.has(name) || callee.isKfunc) continue;
    const inner: BufFrame = {
      fn: callee,
      bufs: new Map(),
      sizes: new Map(),
      bpf: new Set(),
      inherited: [...f.inherited, ...checksAt(model, cv, f, call)],
      chain: `${f.chain} -> ${name}()`,
      depth: f.depth + 1,
      entryLine: f.entryLine ?? call.startPosition.row + 1,
    };
    args.forEach((a, i) => {
      const p = callee.params[i];
      if (!p) return;
      let v = strip(a);
      while (v.type === 'cast_expression') v = strip(v.childForFieldName('value')!);
      if (v.type === 'identifier' && f.bufs.has(v.text) && p.pointer) inner.bufs.set(p.name, f.bufs.get(v.text)!);
      else if (v.type === 'identifier' && f.sizes.has(v.text) && !p.pointer) inner.sizes.set(p.name, f.sizes.get(v.text)!);
      else if (!p.pointer && valueNames(a).some((id) => f.bpf.has(id.text))) inner.bpf.add(p.name);
    });
    if (inner.bufs.size) walk(model, cv, inner, out, pairOf, suffix, new Set([...seen, name]));
  }
}

const parsedChecks = new Map<string, SyntaxNode | null>();
function exprNode(text: string): SyntaxNode | null {
  if (!parsedChecks.has(text)) {
    const d = parseC(`int __v = ${text};`)?.rootNode.descendantsOfType('init_declarator')[0];
    parsedChecks.set(text, d?.childForFieldName('value') ?? null);
  }
  return parsedChecks.get(text)!;
}

/** Where an access happens: the call, the function it is in and the chain from the kfunc. */
function callSite(f: BufFrame, call: SyntaxNode, callee: string) {
  const line = call.startPosition.row + 1;
  return {
    callee,
    call: snippet(call, 90),
    fn: f.fn.name,
    file: f.fn.file,
    line,
    entryLine: f.entryLine ?? line,
    chain: `${f.chain} -> ${callee}()`,
    depth: f.depth,
  };
}

/** The guards in front of `at` on `name`, read as a verified size (a u32 that cannot be negative). */
function sizeGuardsAt(model: PatchModel, f: BufFrame, name: string, at: SyntaxNode) {
  const v: Var = { root: name, ctype: { name: 'u32', kind: 'int', bits: 32, signed: false }, nonneg: true, exact: true };
  const frame: Frame = {
    fn: f.fn,
    vars: new Map([[name, v]]),
    chain: '',
    depth: f.depth,
    inherited: emptyFacts(),
    signed: false,
    others: new Set(),
  };
  return guardsAt(ctxOf(model), frame, at, v);
}

/** The lower bounds the guards in front of `at` put on the sizes of the frame. */
function checksAt(model: PatchModel, cv: CValues, f: BufFrame, at: SyntaxNode): SizeCheck[] {
  const out: SizeCheck[] = [];
  const typeOf = typeResolver(f.fn);
  for (const [local, param] of f.sizes) {
    const g = sizeGuardsAt(model, f, local, at);
    for (const m of g.minimum) {
      const n = exprNode(m.rhs);
      if (n) out.push({ param, size: parseSize(n, cv, typeOf), text: m.text });
    }
    // A validator, a switch on the size or a whitelist pins the size down in a way the
    // comparison cannot read: a check of unknown reach, not no check.
    if (!g.minimum.length && g.complete && g.texts.length)
      out.push({ param, size: { kind: 'bytes', text: g.texts[0]!.replace(/ \([\w.]+:\d+\)$/, '') }, text: g.texts[0]! });
  }
  return out;
}

/** A write with no count (strcpy, sprintf) into the buffer: as long as the source, whatever the size. */
function unbounded(
  model: PatchModel,
  cv: CValues,
  f: BufFrame,
  call: SyntaxNode,
  callee: string,
  buf: string,
  sizeParam: string,
): Omit<BufferAccess, 'suffix'> {
  const checks = [...f.inherited, ...checksAt(model, cv, f, call)].filter((c) => c.param === sizeParam);
  const text = `the whole ${callee === 'sprintf' ? 'formatted text' : 'source string'}`;
  return {
    buf,
    sizeParam,
    mode: 'write',
    ...callSite(f, call, callee),
    extent: { kind: 'bytes', text },
    lengthText: text,
    need: text,
    origin: 'kernel',
    otherBuffer: null,
    originNote: `${callee}() takes no count: it writes until its input ends`,
    checks,
    clamped: false,
    covered: checks.length ? 'unknown' : 'unchecked',
  };
}

/** The buffer whose size one of `names` is. */
function otherBufferOf(names: string[], f: BufFrame, pairOf: Map<string, string>): string | null {
  const size = names.map((n) => f.sizes.get(n)).find((x) => x !== undefined);
  return [...pairOf].find(([, s]) => s === size)?.[0] ?? null;
}

/** The smallest constant operand of a min() the length is (directly or through one local), or null. */
function minCap(
  n: SyntaxNode,
  cv: CValues,
  typeOf: (name: string) => string | null,
  resolve: (id: SyntaxNode) => SyntaxNode | null,
): number | null {
  let e = strip(n);
  if (e.type === 'identifier') e = strip(resolve(e) ?? e);
  if (e.type !== 'call_expression' || !/^(min|min_t|umin|min3)$/.test(callName(e))) return null;
  const vals = callArgs(e)
    .slice(callName(e) === 'min_t' ? 1 : 0)
    .map((a) => cv.evaluate(strip(a), typeOf))
    .filter((v): v is bigint => v !== null && v >= 0n);
  return vals.length ? Number(vals.reduce((a, b) => (a < b ? a : b))) : null;
}

/** Does `n` stay within the size (`sz`, `sz - 1`, `min(x, sz)`, `sz / 2`)? */
function withinSize(n: SyntaxNode, sizes: Map<string, string>): boolean {
  const e = strip(n);
  if (e.type === 'identifier') return sizes.has(e.text);
  if (e.type === 'cast_expression') return withinSize(e.childForFieldName('value')!, sizes);
  if (e.type === 'call_expression' && SANITISER.test(callName(e)) && /^(min|min_t|umin|min3|clamp|clamp_t|clamp_val)$/.test(callName(e)))
    return callArgs(e).some((a) => valueNames(a).some((id) => sizes.has(id.text)));
  if (e.type === 'binary_expression') {
    const o = e.childForFieldName('operator')?.text;
    if (o === '-' || o === '/' || o === '>>' || o === '&') return withinSize(e.childForFieldName('left')!, sizes);
  }
  if (e.type === 'conditional_expression')
    return withinSize(e.childForFieldName('consequence')!, sizes) && withinSize(e.childForFieldName('alternative')!, sizes);
  return false;
}

function access(
  model: PatchModel,
  cv: CValues,
  f: BufFrame,
  call: SyntaxNode,
  callee: string,
  args: SyntaxNode[],
  m: MemoryArg,
  buf: string,
  sizeParam: string,
  typeOf: (name: string) => string | null,
  pairOf: Map<string, string>,
): Omit<BufferAccess, 'suffix'> | null {
  if (m.extent.kind === 'string')
    return m.mode === 'write' && m.extent.arg === undefined ? unbounded(model, cv, f, call, callee, buf, sizeParam) : null;
  const lenNode = args[m.extent.arg];
  if (!lenNode) return null;
  const resolve = (id: SyntaxNode) => (f.sizes.has(id.text) || f.bufs.has(id.text) ? null : lastValue(f.fn, id.text, call));
  let extent: SizeExpr;
  const lt = lenNode.text.replace(/\s+/g, ' ');
  let need = lt;
  if (m.extent.kind === 'len') {
    extent = parseSize(lenNode, cv, typeOf, resolve);
    // `min(obj->len, CAP)` moves at most CAP bytes: the cap is what a check must cover.
    const cap = extent.kind === 'bytes' ? minCap(lenNode, cv, typeOf, resolve) : null;
    if (cap !== null) extent = { kind: 'const', value: cap, text: `${lt} (at most ${cap})` };
  } else {
    need =
      m.extent.round === 64 ? `bitmap_size(${lt})` : m.extent.round === 32 ? `BITS_TO_U32(${lt}) * sizeof(u32)` : `BITS_TO_BYTES(${lt})`;
    const nv = cv.evaluate(strip(lenNode), typeOf);
    const { round, unitBytes } = m.extent;
    extent =
      nv !== null
        ? { kind: 'const', value: Math.ceil(Number(nv) / round) * unitBytes, text: `${callee}(..., ${lenNode.text})` }
        : { kind: 'bits', n: normText(lenNode.text), round, unitBytes, text: `${callee}(..., ${lenNode.text})` };
  }
  const checks = [...f.inherited, ...checksAt(model, cv, f, call)].filter((c) => c.param === sizeParam);
  // The names of this buffer's own size; another buffer's size is no bound for it.
  const own = new Map([...f.sizes].filter(([, p]) => p === sizeParam));
  // Where the length comes from, through one local.
  let src: SyntaxNode = lenNode;
  let originNote: string | null = null;
  const s0 = strip(lenNode);
  if (s0.type === 'identifier' && !f.sizes.has(s0.text)) {
    const r = lastValue(f.fn, s0.text, call);
    if (r) {
      src = r;
      originNote = `\`${s0.text}\` = \`${snippet(r, 60)}\` (${f.fn.file}:${r.startPosition.row + 1})`;
    }
  }
  const origin = originOf(f, own, src, lenNode);
  let clamped = origin === 'size' || withinSize(lenNode, own) || (src !== lenNode && withinSize(src, own));
  if (!clamped && s0.type === 'identifier') clamped = boundedBySize(model, cv, f, own, s0.text, call, checks, typeOf);
  // `if (buf__sz < len) return ...;`: a check of the size against the length itself.
  if (!clamped && s0.type === 'identifier' && m.extent.kind === 'len')
    clamped = checks.some((c) => normText(c.size.text) === s0.text || normText(c.size.text).startsWith(`${s0.text}+`));
  let covered: BufferAccess['covered'];
  if (clamped) covered = 'yes';
  else if (!checks.length) covered = 'unchecked';
  else {
    const verdicts = checks.map((c) => covers(c.size, extent));
    covered = verdicts.includes('yes') ? 'yes' : verdicts.includes('unknown') ? 'unknown' : 'no';
  }
  return {
    buf,
    sizeParam,
    mode: m.mode,
    ...callSite(f, call, callee),
    extent,
    lengthText: lt,
    need,
    origin,
    otherBuffer:
      origin === 'other-size'
        ? otherBufferOf(
            valueNames(src).map((i) => i.text),
            f,
            pairOf,
          )
        : null,
    originNote,
    checks,
    clamped,
    covered,
  };
}

/** Calls that compute a size from constants and types rather than reading kernel state. */
const SIZE_CALLS =
  /^(sizeof|offsetof|offsetofend|sizeof_field|BITS_TO_\w+|bitmap_size|DIV_ROUND_UP|ALIGN|round_up|ARRAY_SIZE|BIT|BIT_ULL|min|max|min_t|max_t)$/;

/** Is `n` inside a sizeof (not evaluated) below `top`? */
function inSizeof(n: SyntaxNode, top: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== top.parent?.id; p = p.parent) if (p.type === 'sizeof_expression') return true;
  return false;
}

function originOf(f: BufFrame, own: Map<string, string>, src: SyntaxNode, len: SyntaxNode): LengthOrigin {
  if (withinSize(len, own)) return 'size';
  const names = valueNames(src).map((id) => id.text);
  if (names.some((n) => own.has(n))) return 'size';
  if (names.some((n) => f.sizes.has(n))) return 'other-size';
  if (names.some((n) => f.bpf.has(n))) return 'bpf';
  // A helper's own parameter carries whatever its caller passed: not decided here.
  if (f.depth > 0 && names.some((n) => f.fn.params.some((p) => p.name === n && !p.pointer))) return 'unknown';
  const locals = localDecls(f.fn);
  const calls =
    src.type === 'call_expression' ? [src, ...src.descendantsOfType('call_expression')] : src.descendantsOfType('call_expression');
  const fields = src.type === 'field_expression' ? [src] : src.descendantsOfType('field_expression');
  if (calls.some((c) => !SIZE_CALLS.test(callName(c)) && !inSizeof(c, src))) return 'kernel';
  if (fields.some((fe) => !inSizeof(fe, src))) return 'kernel';
  if (names.some((n) => locals.has(n))) return 'kernel';
  return 'constant';
}

/** A guard on local `name` in front of `at` that bounds it by the size, or by a value a size check covers. */
function boundedBySize(
  model: PatchModel,
  cv: CValues,
  f: BufFrame,
  own: Map<string, string>,
  name: string,
  at: SyntaxNode,
  checks: SizeCheck[],
  typeOf: (name: string) => string | null,
): boolean {
  const g = sizeGuardsAt(model, f, name, at);
  for (const b of g.bounds) {
    const n = exprNode(b.rhs);
    if (!n) continue;
    if (valueNames(n).some((id) => own.has(id.text))) return true;
    const bound = parseSize(n, cv, typeOf);
    if (checks.some((c) => covers(c.size, bound) === 'yes')) return true;
  }
  return false;
}
