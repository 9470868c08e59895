// Copies from BPF memory into a fixed-size kernel array (`char name[16]` on the stack, a member of
// a kernel struct). The array's size is known at compile time; the copy's length must be bounded
// by it, not by anything the program chose: the `__sz` of the source, the length of a BPF string,
// a dynptr's size, or a cap written for another array. For each such copy, in the kfunc or a
// visible helper: the destination's size, the length and where it comes from, and the bounds
// the guards in front of it put on the length.
import type { SyntaxNode } from '../../model/c-parser.js';
import { snippet } from '../../model/c-query.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { FORMATTERS, MEMORY_CALLEES } from '../../knowledge/memory-extents.js';
import { DYNPTR_TYPES } from '../../knowledge/dynptr-memory.js';
import { type FlowContext, type Frame, type Var, emptyFacts } from '../index/flow-types.js';
import { guardsAt } from '../index/guards.js';
import { callArgs, callName, strip } from '../index/syntax.js';
import { parseC } from '../../model/c-parser.js';
import { chargeWork } from '../../model/work.js';
import { cValues, type CValues } from './c-values.js';
import { lastValue, localDecls, typeResolver, valueNames } from './locals.js';

export interface FixedCopy {
  callee: string;
  call: string;
  fn: string;
  file: string;
  line: number;
  entryLine: number;
  chain: string;
  /** The destination as written and its size in bytes. */
  dest: string;
  destBytes: number;
  /** Where the destination's size comes from, for evidence. */
  destDecl: string;
  /** The length argument as written; null for a copy with no count (strcpy, %s). */
  length: string | null;
  /** What makes the copy BPF-controlled: the source argument or the length's origin. */
  bpfSource: string;
  /** The length is (derived from) a BPF scalar argument: the index rules report it when unguarded. */
  fromScalar: boolean;
  /** Upper bounds found on the length, with their values when known. */
  bounds: { text: string; value: number | null }[];
  /** A bound (or the length itself) is known to be at most destBytes. */
  fits: boolean;
}

const UNBOUNDED_COPY: Record<string, { dst: number; src: number }> = {
  strcpy: { dst: 0, src: 1 },
  strcat: { dst: 0, src: 1 },
};

/** Calls whose result is the length of a string or of BPF memory. */
const LENGTH_OF = /^(strlen|strnlen|__bpf_dynptr_size|bpf_dynptr_size)$/;

interface CopyFrame {
  fn: FunctionDef;
  /** Names that point at BPF memory -> the kfunc parameter. */
  ptrs: Map<string, string>;
  /** Names that carry BPF scalars -> the kfunc parameter. */
  scalars: Map<string, string>;
  chain: string;
  depth: number;
  entryLine?: number;
}

const ctxOf = (model: PatchModel): FlowContext => ({
  model,
  ctype: () => ({ name: 'u32', kind: 'int', bits: 32, signed: false }),
});

/** The pointer parameters of a kfunc that are BPF memory: sized buffers, `__str` strings, scalar pointers, dynptrs. */
function bpfPointers(fn: FunctionDef): Map<string, string> {
  const out = new Map<string, string>();
  fn.params.forEach((p, i) => {
    if (!p.pointer || /__user\b/.test(p.type)) return;
    const next = fn.params[i + 1];
    const sized = !!next && (next.suffix === '__sz' || next.suffix === '__szk');
    const scalar = /^(const\s+)?(char|u8|__u8|unsigned char|s8|signed char)\s*\*$/.test(p.type.trim());
    if (sized || p.suffix === '__str' || scalar || DYNPTR_TYPES.test(p.type.trim())) out.set(p.name, p.name);
  });
  return out;
}

/** Every copy from BPF memory into a fixed-size kernel array in kfunc `fn` and its visible helpers. */
export function fixedCopies(model: PatchModel, fn: FunctionDef): FixedCopy[] {
  const out: FixedCopy[] = [];
  const ptrs = bpfPointers(fn);
  const scalars = new Map(fn.params.filter((p) => !p.pointer).map((p) => [p.name, p.name]));
  if (!ptrs.size && !scalars.size) return out;
  walk(model, cValues(model), { fn, ptrs, scalars, chain: `${fn.name}()`, depth: 0 }, out, new Set([fn.name]), new Set());
  return out;
}

const bare = (n: SyntaxNode): SyntaxNode => {
  let v = strip(n);
  while (v.type === 'cast_expression') v = strip(v.childForFieldName('value')!);
  return v;
};

/** The size in bytes of the array a destination names, and where that comes from. */
function destSize(model: PatchModel, cv: CValues, fn: FunctionDef, d: SyntaxNode): { bytes: number; decl: string } | null {
  let e = bare(d);
  // &arr[0] is arr.
  if (e.type === 'pointer_expression' && e.childForFieldName('operator')?.text === '&') {
    const a = bare(e.childForFieldName('argument')!);
    if (a.type === 'subscript_expression' && cv.evaluate(strip(a.childForFieldName('index')!)) === 0n)
      e = bare(a.childForFieldName('argument')!);
    else return null;
  }
  const typeOf = typeResolver(fn);
  if (e.type === 'identifier') {
    const l = localDecls(fn).get(e.text);
    if (!l || l.arrays.length !== 1) return null;
    const n = cv.evaluate(l.arrays[0]!, typeOf);
    const elem = cv.typeSize(l.type);
    if (n === null || elem === null) return null;
    return { bytes: Number(n) * elem, decl: `\`${snippet(l.node.parent ?? l.node, 60)}\` (${fn.file}:${l.node.startPosition.row + 1})` };
  }
  if (e.type === 'field_expression') {
    const base = e.childForFieldName('argument')!;
    const field = e.childForFieldName('field')?.text ?? '';
    let t = cv.typeOfExpr(bare(base), typeOf);
    if (t && e.childForFieldName('operator')?.text === '->') t = t.endsWith('*') ? t.slice(0, -1).trim() : null;
    const s = t ? /^(?:const )?struct (\w+)$/.exec(t) : null;
    const layout = s ? cv.layout(s[1]!) : null;
    const m = layout?.members.find((x) => x.name === field);
    if (m && layout && cv.memberType(layout.name, field) === null)
      return { bytes: m.size, decl: `member ${field} of struct ${layout.name} (${layout.file}:${layout.line}), ${m.size} bytes` };
    return null;
  }
  return null;
}

/**
 * `visited`: helpers already walked with the same BPF-carrying parameters. A helper called from
 * many places (or many times) is walked once per such binding, so a fan-out of calls costs the
 * number of distinct helpers, not the number of call paths.
 */
function walk(model: PatchModel, cv: CValues, f: CopyFrame, out: FixedCopy[], seen: Set<string>, visited: Set<string>): void {
  chargeWork();
  const typeOf = typeResolver(f.fn);
  // Locals that alias BPF memory or carry a BPF scalar.
  for (const d of f.fn.body.descendantsOfType(['init_declarator', 'assignment_expression'])) {
    let l = d.childForFieldName(d.type === 'init_declarator' ? 'declarator' : 'left');
    const r = d.childForFieldName(d.type === 'init_declarator' ? 'value' : 'right');
    while (l?.type === 'pointer_declarator') l = l.childForFieldName('declarator');
    if (l?.type !== 'identifier' || !r) continue;
    const v = bare(r);
    if (v.type === 'identifier' && f.ptrs.has(v.text) && !f.ptrs.has(l.text)) f.ptrs.set(l.text, f.ptrs.get(v.text)!);
  }
  for (const call of f.fn.body.descendantsOfType('call_expression')) {
    const name = callName(call);
    const args = callArgs(call);
    const line = call.startPosition.row + 1;
    const record = (dst: SyntaxNode, len: SyntaxNode | null, srcArg: SyntaxNode | null) => {
      const size = destSize(model, cv, f.fn, dst);
      if (!size) return;
      const srcParam = srcArg ? f.ptrs.get(bare(srcArg).text) : undefined;
      // Where the length comes from, through one local.
      let lenSrc = len;
      const lb = len ? bare(len) : null;
      if (lb?.type === 'identifier' && !f.scalars.has(lb.text)) lenSrc = lastValue(f.fn, lb.text, call) ?? len;
      const names = lenSrc ? valueNames(lenSrc).map((i) => i.text) : [];
      const scalar = names.find((n) => f.scalars.has(n));
      const lengthOf = lenSrc
        ? [lenSrc, ...lenSrc.descendantsOfType('call_expression')].find(
            (c) => c.type === 'call_expression' && LENGTH_OF.test(callName(c)) && callArgs(c).some((a) => f.ptrs.has(bare(a).text)),
          )
        : undefined;
      const bpfSource = scalar
        ? `the length comes from the BPF argument ${f.scalars.get(scalar)}`
        : lengthOf
          ? `the length is \`${snippet(lengthOf, 50)}\` of BPF memory`
          : srcParam && !len
            ? `the source is the BPF argument ${srcParam}`
            : null;
      if (!bpfSource) return;
      const bounds = len ? boundsOf(model, cv, f, len, lenSrc!, call, typeOf) : [];
      const self = len ? cv.evaluate(bare(len), typeOf) : null;
      const mentionsDest = !!len && new RegExp(`(sizeof|ARRAY_SIZE)\\s*\\(?\\s*${escape(bare(dst).text)}\\b`).test((lenSrc ?? len).text);
      const fits =
        mentionsDest ||
        (self !== null && self <= BigInt(size.bytes)) ||
        bounds.some((b) => b.value !== null && b.value <= size.bytes) ||
        bounds.some((b) => new RegExp(`(sizeof|ARRAY_SIZE)\\s*\\(?\\s*${escape(bare(dst).text)}\\b`).test(b.text));
      out.push({
        callee: name,
        call: snippet(call, 90),
        fn: f.fn.name,
        file: f.fn.file,
        line,
        entryLine: f.entryLine ?? line,
        chain: `${f.chain} -> ${name}()`,
        dest: bare(dst).text.replace(/\s+/g, ' '),
        destBytes: size.bytes,
        destDecl: size.decl,
        length: len ? len.text.replace(/\s+/g, ' ') : null,
        bpfSource,
        fromScalar: !!scalar,
        bounds,
        fits,
      });
    };
    const spec = MEMORY_CALLEES[name];
    const w = spec?.find((m) => m.mode === 'write' && m.extent.kind === 'len');
    if (w && w.extent.kind === 'len' && args[w.arg] && args[w.extent.arg]) {
      const r = spec!.find((m) => m.mode === 'read');
      record(args[w.arg]!, args[w.extent.arg]!, r ? (args[r.arg] ?? null) : null);
      continue;
    }
    const u = UNBOUNDED_COPY[name];
    if (u && args[u.dst] && args[u.src] && f.ptrs.has(bare(args[u.src]!).text)) {
      record(args[u.dst]!, null, args[u.src]!);
      continue;
    }
    if (name === 'sprintf' && args[0] && args[1]) {
      const s = args.slice(2).find((a) => f.ptrs.has(bare(a).text));
      if (s && /%s/.test(args[1]!.text)) record(args[0]!, null, s);
      continue;
    }
    if (FORMATTERS[name] !== undefined || MEMORY_CALLEES[name]) continue;
    const callee = model.functions.get(name);
    if (!callee || f.depth >= 3 || seen.has(name) || callee.isKfunc) continue;
    const inner: CopyFrame = {
      fn: callee,
      ptrs: new Map(),
      scalars: new Map(),
      chain: `${f.chain} -> ${name}()`,
      depth: f.depth + 1,
      entryLine: f.entryLine ?? line,
    };
    args.forEach((a, i) => {
      const p = callee.params[i];
      if (!p) return;
      const v = bare(a);
      if (v.type === 'identifier' && f.ptrs.has(v.text) && p.pointer) inner.ptrs.set(p.name, f.ptrs.get(v.text)!);
      else if (!p.pointer) {
        const s = valueNames(a).find((id) => f.scalars.has(id.text));
        if (s) inner.scalars.set(p.name, f.scalars.get(s.text)!);
      }
    });
    if (!inner.ptrs.size && !inner.scalars.size) continue;
    const binding = `${name}\0${[...inner.ptrs].join(',')}\0${[...inner.scalars].join(',')}`;
    if (visited.has(binding)) continue;
    visited.add(binding);
    walk(model, cv, inner, out, new Set([...seen, name]), visited);
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*');

/** Upper bounds on the length at `at`: on the local itself, on the names it is made of, or its min(). */
function boundsOf(
  model: PatchModel,
  cv: CValues,
  f: CopyFrame,
  len: SyntaxNode,
  lenSrc: SyntaxNode,
  at: SyntaxNode,
  typeOf: (n: string) => string | null,
): { text: string; value: number | null }[] {
  const out: { text: string; value: number | null }[] = [];
  const add = (n: SyntaxNode) => {
    const v = cv.evaluate(strip(n), typeOf);
    out.push({ text: n.text.replace(/\s+/g, ' '), value: v === null ? null : Number(v) });
  };
  // min(x, N), strnlen(s, N): the second operand bounds it.
  for (const e of [bare(len), bare(lenSrc)]) {
    if (e.type !== 'call_expression') continue;
    const c = callName(e);
    const a = callArgs(e);
    if (/^(min|umin)$/.test(c)) a.forEach(add);
    else if (c === 'min_t' && a.length === 3) [a[1]!, a[2]!].forEach(add);
    else if (c === 'strnlen' && a[1]) add(a[1]);
  }
  const names = new Set([...valueNames(len), ...valueNames(lenSrc)].map((i) => i.text));
  for (const name of names) {
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
    for (const b of guardsAt(ctxOf(model), frame, at, v).bounds) {
      if (b.relative) continue;
      const n = parseC(`int __v = ${b.rhs};`)?.rootNode.descendantsOfType('init_declarator')[0]?.childForFieldName('value');
      const val = n ? cv.evaluate(n, typeOf) : null;
      // `len < N` allows N - 1 bytes; `len <= N` allows N.
      out.push({ text: b.text.replace(/ \([\w.]+:\d+\)$/, ''), value: val === null ? null : Number(val) - (b.inclusive ? 0 : 1) });
    }
  }
  return out;
}
