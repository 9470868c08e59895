// Pointers to a scalar (`char *name`, `u32 *vals`) that no `__sz`/`__szk` argument sizes and no
// `__str` suffix types. The verifier checks exactly one element behind them: for a
// KF_ARG_PTR_TO_MEM argument it resolves the size of the pointed-to type and checks that many
// bytes (kernel/bpf/verifier.c:12728-12735, 6.12, `check_mem_reg(env, reg, regno, type_size)`);
// only a `__str` suffix makes it a constant string the verifier proved terminated
// (is_kfunc_arg_const_str(), verifier.c:11499). Every use that goes past that element is recorded:
// a string read (a callee that runs to the NUL, a `%s` conversion), a copy or compare with a
// count larger than the element, an index or offset other than 0; in the kfunc or a visible
// helper it hands the pointer to.
import type { SyntaxNode } from '../../model/c-parser.js';
import { snippet } from '../../model/c-query.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { FORMATTERS, MEMORY_CALLEES, STRING_READERS } from '../../knowledge/memory-extents.js';
import { callArgs, callName, strip } from '../index/syntax.js';
import { cValues, scalarBytes, type CValues } from './c-values.js';
import { typeResolver, valueNames } from './locals.js';

export interface OverRead {
  param: string;
  /** The parameter type as written, and the bytes of one element. */
  type: string;
  elemBytes: number;
  /** string: read to the NUL; count: a copy or compare of more bytes; index: an element past the first. */
  how: 'string' | 'count' | 'index';
  /** The count or index is a constant past the element (certain), not just unbounded. */
  certain: boolean;
  /** The callee that reads (string/count), or null for an index. */
  callee: string | null;
  text: string;
  fn: string;
  file: string;
  line: number;
  entryLine: number;
  chain: string;
  depth: number;
}

/** Suffixes that leave an argument plain memory (the verifier checks its pointee's size). */
const PLAIN_SUFFIX = new Set(['', '__nullable']);

/** The pointee of a one-level pointer type to a scalar (`const char *` -> char), or null. */
function scalarPointee(type: string): string | null {
  if (/__user\b/.test(type)) return null;
  const m = /^(?:const\s+)?([\w\s]+?)\s*\*$/.exec(type.trim());
  if (!m) return null;
  const base = m[1]!.replace(/\bconst\b/g, '').trim();
  if (base === 'void') return null;
  return scalarBytes(base) !== null ? base : null;
}

/** The unsized scalar-pointer parameters of kfunc `fn`. */
export function unsizedPointers(fn: FunctionDef): { name: string; type: string; elemBytes: number }[] {
  const out: { name: string; type: string; elemBytes: number }[] = [];
  fn.params.forEach((p, i) => {
    if (!p.pointer || !PLAIN_SUFFIX.has(p.suffix)) return;
    const next = fn.params[i + 1];
    if (next && (next.suffix === '__sz' || next.suffix === '__szk')) return;
    const pointee = scalarPointee(p.type);
    if (!pointee) return;
    out.push({ name: p.name, type: p.type, elemBytes: scalarBytes(pointee)! });
  });
  return out;
}

interface PtrFrame {
  fn: FunctionDef;
  names: Map<string, string>;
  chain: string;
  depth: number;
  entryLine?: number;
}

/** Every use of an unsized scalar pointer of `fn` that reaches past its one element. */
export function unsizedOverReads(model: PatchModel, fn: FunctionDef): OverRead[] {
  const ptrs = unsizedPointers(fn);
  const out: OverRead[] = [];
  if (!ptrs.length) return out;
  const info = new Map(ptrs.map((p) => [p.name, p]));
  walk(
    model,
    cValues(model),
    { fn, names: new Map(ptrs.map((p) => [p.name, p.name])), chain: `${fn.name}()`, depth: 0 },
    info,
    out,
    new Set([fn.name]),
  );
  return out;
}

/** The parameter an expression is (through casts), or undefined. */
function pointerOf(f: PtrFrame, a: SyntaxNode | undefined): string | undefined {
  if (!a) return undefined;
  let v = strip(a);
  while (v.type === 'cast_expression') v = strip(v.childForFieldName('value')!);
  return v.type === 'identifier' ? f.names.get(v.text) : undefined;
}

/** The conversions of a format literal, in order (`%s`, `%d`, ...), or null when it is not a literal. */
function conversions(fmt: SyntaxNode): string[] | null {
  const s = strip(fmt);
  if (s.type !== 'string_literal' && s.type !== 'concatenated_string') return null;
  const text = s.text;
  const out: string[] = [];
  for (const m of text.matchAll(/%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|t|j|L)?([a-zA-Z%])/g)) {
    if (m[5] === '%') continue;
    if (m[2] === '*') out.push('*');
    if (m[3] === '*') out.push('*');
    // %pX takes a pointer, not a string.
    out.push(m[5]!);
  }
  return out;
}

function walk(
  model: PatchModel,
  cv: CValues,
  f: PtrFrame,
  info: Map<string, { name: string; type: string; elemBytes: number }>,
  out: OverRead[],
  seen: Set<string>,
): void {
  const typeOf = typeResolver(f.fn);
  const push = (param: string, how: OverRead['how'], certain: boolean, callee: string | null, node: SyntaxNode) => {
    const p = info.get(param)!;
    const line = node.startPosition.row + 1;
    out.push({
      param,
      type: p.type,
      elemBytes: p.elemBytes,
      how,
      certain,
      callee,
      text: snippet(node, 90),
      fn: f.fn.name,
      file: f.fn.file,
      line,
      entryLine: f.entryLine ?? line,
      chain: callee ? `${f.chain} -> ${callee}()` : f.chain,
      depth: f.depth,
    });
  };
  // The kfunc's own scalar arguments: a count the program chooses certainly can exceed one element.
  const bpfCounts = new Set(f.depth === 0 ? f.fn.params.filter((p) => !p.pointer).map((p) => p.name) : []);
  const beyond = (n: SyntaxNode | undefined, elem: number): { past: boolean; certain: boolean } => {
    if (!n) return { past: true, certain: false };
    const v = cv.evaluate(strip(n), typeOf);
    if (v === null) return { past: true, certain: valueNames(n).some((id) => bpfCounts.has(id.text)) };
    return { past: v > BigInt(elem), certain: v > BigInt(elem) };
  };
  for (const call of f.fn.body.descendantsOfType('call_expression')) {
    const name = callName(call);
    const args = callArgs(call);
    const readers = STRING_READERS[name];
    if (readers) {
      for (const r of readers) {
        const param = pointerOf(f, args[r.arg]);
        if (!param) continue;
        const p = info.get(param)!;
        if (r.bound !== undefined) {
          const b = beyond(args[r.bound], p.elemBytes);
          if (!b.past) continue;
        }
        push(param, 'string', true, name, call);
      }
      continue;
    }
    const fmtPos = FORMATTERS[name];
    if (fmtPos !== undefined) {
      const direct = pointerOf(f, args[fmtPos]);
      if (direct) push(direct, 'string', true, name, call);
      const conv = args[fmtPos] ? conversions(args[fmtPos]!) : null;
      conv?.forEach((c, i) => {
        const param = c === 's' ? pointerOf(f, args[fmtPos + 1 + i]) : undefined;
        if (param) push(param, 'string', true, name, call);
      });
      continue;
    }
    const spec = MEMORY_CALLEES[name];
    if (spec) {
      for (const m of spec) {
        if (m.extent.kind !== 'len') continue;
        const param = pointerOf(f, args[m.arg]);
        if (!param) continue;
        const b = beyond(args[m.extent.arg], info.get(param)!.elemBytes);
        if (b.past) push(param, 'count', b.certain, name, call);
      }
      continue;
    }
    const callee = model.functions.get(name);
    if (!callee || f.depth >= 3 || seen.has(name) || callee.isKfunc) continue;
    const inner: PtrFrame = {
      fn: callee,
      names: new Map(),
      chain: `${f.chain} -> ${name}()`,
      depth: f.depth + 1,
      entryLine: f.entryLine ?? call.startPosition.row + 1,
    };
    args.forEach((a, i) => {
      const param = pointerOf(f, a);
      const cp = callee.params[i];
      if (param && cp?.pointer) inner.names.set(cp.name, param);
    });
    if (inner.names.size) walk(model, cv, inner, info, out, new Set([...seen, name]));
  }
  // Elements past the first: p[i] with i != 0, *(p + i), p++ walks.
  for (const s of f.fn.body.descendantsOfType('subscript_expression')) {
    const param = pointerOf(f, s.childForFieldName('argument') ?? undefined);
    if (!param) continue;
    const idx = s.childForFieldName('index');
    const v = idx ? cv.evaluate(strip(idx), typeOf) : null;
    if (v === 0n) continue;
    push(param, 'index', v !== null, null, s);
  }
  for (const b of f.fn.body.descendantsOfType(['binary_expression', 'update_expression'])) {
    const o = b.childForFieldName('operator')?.text;
    if (b.type === 'binary_expression' && o !== '+') continue;
    const operand = b.type === 'update_expression' ? b.childForFieldName('argument') : b.childForFieldName('left');
    const param = pointerOf(f, operand ?? undefined);
    if (!param) continue;
    if (b.type === 'binary_expression') {
      const v = cv.evaluate(strip(b.childForFieldName('right')!), typeOf);
      if (v === 0n) continue;
      push(param, 'index', v !== null, null, b);
    } else push(param, 'index', false, null, b);
  }
}
