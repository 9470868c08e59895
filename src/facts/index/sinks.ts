// Sink detection: what one use of the parameter's value is (a subscript, pointer offset, bit,
// loop bound, or an argument to an indexing, copy, allocation or visible helper callee; a store
// into memory, an open-coded iterator's bound, a conversion to a pointer, and an unsigned
// difference that can wrap).
import type { SyntaxNode } from '../../model/c-parser.js';
import { parentOf, snippet } from '../../model/c-query.js';
import type { FunctionDef } from '../../model/model.js';
import {
  ALLOC_CALLEES,
  BIT_CALLEES,
  INDEXING_CALLEES,
  LENGTH_CALLEES,
  LENGTH_DEST,
  SAFE_CALLEE,
  SANITISER,
  TRANSPARENT,
} from '../../knowledge/indexing-callees.js';
import { iterKfuncName, iterKfuncParts } from '../../knowledge/iterator-naming.js';
import type { FlowContext, Frame, SinkKind } from './flow-types.js';
import { ARITH, CMP, callArgs, callName, op, strip } from './syntax.js';

/** A use that ends at a sink: `node` is where its guards are looked up. */
export interface SinkUse {
  kind: SinkKind;
  node: SyntaxNode;
  target: string;
  /** Last link of the sink's chain, e.g. `tbl[idx]`. */
  chainEnd: string;
  /** The sink uses the variable itself (through casts only), not an expression of it. */
  direct?: boolean;
  /** For a call sink: the argument texts. */
  args?: string[];
  /** For a 'length' sink: the call that produced the destination with the same length. */
  sizedBy?: string;
  /** For a 'loop' sink that stores an iterator's bound: the _next kfunc that compares it. */
  iterNext?: string;
}

/** A use that passes the value as argument `k` of a visible helper, to follow into. */
export interface HelperUse {
  callee: FunctionDef;
  call: SyntaxNode;
  name: string;
  k: number;
  /** The argument expression carrying the value. */
  arg: SyntaxNode;
  callText: string;
}

/** Where a climb through value-preserving wrappers ends: the outermost wrapper, or null when masked. */
interface Climb {
  top: SyntaxNode | null;
  viaArith: boolean;
}

/** Climbs already made, per tree and start node: every use of a 1,000-term sum shares one climb. */
const climbs = new WeakMap<object, Map<number, Climb>>();

/** One step up through a value-preserving wrapper, 'masked', or null at the last wrapper. */
function wrapperStep(node: SyntaxNode): { up: SyntaxNode; arith: boolean } | 'masked' | 'root' | null {
  const p = parentOf(node);
  if (!p) return 'root';
  if (p.type === 'parenthesized_expression' || p.type === 'cast_expression') return { up: p, arith: false };
  if (p.type === 'binary_expression') {
    const o = op(p);
    if (ARITH.has(o)) return { up: p, arith: true };
    if (o === '&') return 'masked'; // bounded by the mask
    return null;
  }
  if (p.type === 'unary_expression' && ['-', '~', '+'].includes(op(p))) return { up: p, arith: false };
  if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id !== node.id) return { up: p, arith: false };
  return null;
}

/** The climb from `id` through value-preserving wrappers, sharing what earlier climbs found. */
function climbFrom(id: SyntaxNode): Climb {
  let memo = climbs.get(id.tree);
  if (!memo) {
    memo = new Map();
    climbs.set(id.tree, memo);
  }
  const path: { node: SyntaxNode; arith: boolean }[] = [];
  let node = id;
  let end: Climb;
  for (;;) {
    const known = memo.get(node.id);
    if (known) {
      end = known;
      break;
    }
    const step = wrapperStep(node);
    if (step === 'masked' || step === 'root') {
      end = { top: null, viaArith: false };
      path.push({ node, arith: false });
      break;
    }
    if (step === null) {
      end = { top: node, viaArith: false };
      path.push({ node, arith: false });
      break;
    }
    path.push({ node, arith: step.arith });
    node = step.up;
  }
  // Each node on the path ends where this climb ends, via arithmetic if any step above it was.
  let arith = end.viaArith;
  for (let k = path.length - 1; k >= 0; k--) {
    arith = arith || path[k].arith;
    memo.set(path[k].node.id, { top: end.top, viaArith: arith });
  }
  return memo.get(id.id)!;
}

/** Classify one use `id` of a tainted variable: a sink, a helper to follow, or neither. */
export function classifyUse(cx: FlowContext, frame: Frame, id: SyntaxNode, seen: Set<string>): SinkUse | HelperUse | null {
  const functions = cx.model.functions;
  // Climb through value-preserving wrappers.
  // A conversion to a pointer before any arithmetic makes the value an address.
  for (let n = id, q = parentOf(n); q; n = q, q = parentOf(q)) {
    if (q.type === 'cast_expression' && (q.childForFieldName('type')?.text ?? '').includes('*')) {
      const type = q.childForFieldName('type')!.text.replace(/\s+/g, ' ');
      return madePointer(cx, frame, q) ? { kind: 'pointer', node: q, target: type, chainEnd: snippet(q, 60) } : null;
    }
    const passes =
      q.type === 'parenthesized_expression' ||
      q.type === 'cast_expression' ||
      (q.type === 'unary_expression' && ['-', '~', '+'].includes(op(q))) ||
      (q.type === 'conditional_expression' && q.childForFieldName('condition')?.id !== n.id);
    if (!passes) break;
  }
  const climb = climbFrom(id);
  if (!climb.top) return null;
  const node = climb.top;
  const viaArith = climb.viaArith;
  const p = parentOf(node)!;
  const sink = (kind: SinkKind, sinkNode: SyntaxNode, target: string, chainEnd: string): SinkUse => ({
    kind,
    node: sinkNode,
    target,
    chainEnd,
    direct: !viaArith && node.type !== 'unary_expression' && node.type !== 'conditional_expression',
  });
  if (p.type === 'subscript_expression' && p.childForFieldName('index')?.id === node.id) {
    const arr = p.childForFieldName('argument')?.text ?? '?';
    return sink('subscript', p, arr, `${arr}[${id.text}]`);
  }
  if (p.type === 'pointer_expression' && op(p) === '*' && viaArith) {
    return sink('offset', p, node.text, p.text.replace(/\s+/g, ' '));
  }
  if (p.type === 'binary_expression' && CMP.has(op(p))) {
    const loop = parentOf(p);
    if (loop && (loop.type === 'for_statement' || loop.type === 'while_statement') && loop.childForFieldName('condition')?.id === p.id) {
      const other = p.childForFieldName('left')?.id === node.id ? p.childForFieldName('right') : p.childForFieldName('left');
      // `i < n` with n tainted: n is the loop count.
      if (other && !frame.vars.has(other.text)) return sink('loop', p, other.text, `loop ${snippet(p, 40)}`);
    }
    return null;
  }
  if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === node.id) {
    // A local is followed by the chain; a store into memory is a sink of its own.
    const left = strip(p.childForFieldName('left')!);
    if (left.type === 'identifier') return null;
    const lv = left.text.replace(/\s+/g, ' ');
    const next = iteratorBound(functions, frame, left);
    const s = sink(next ? 'loop' : 'store', p, lv, `${lv} ${op(p)} ${id.text}`);
    return next ? { ...s, iterNext: next } : s;
  }
  if (p.type !== 'argument_list') return null;
  const call = parentOf(p)!;
  const name = callName(call);
  const args = callArgs(call);
  const k = args.findIndex((a) => a.id === node.id);
  if (k < 0) return null;
  const callText = `${name}(${args.map((a) => snippet(a, 30)).join(', ')})`;
  if (SANITISER.test(name) || (SAFE_CALLEE.test(name) && !(name in INDEXING_CALLEES))) return null;
  if (name in BIT_CALLEES && BIT_CALLEES[name] === k) return sink('bit', call, name, callText);
  const argTexts = args.map((a) => a.text.replace(/\s+/g, ' '));
  const callSink = (kind: SinkKind): SinkUse => ({ ...sink(kind, call, name, callText), args: argTexts });
  // Copy and allocation primitives are known by name: their tree bodies (lib/string.c, slab)
  // say nothing more about the caller's value than the table does.
  if (LENGTH_CALLEES[name] === k) {
    const s = callSink('length');
    const by = producedWith(frame.fn, call, args[LENGTH_DEST[name] ?? -1], args[k]!);
    return by ? { ...s, sizedBy: by } : s;
  }
  if (ALLOC_CALLEES[name]?.includes(k) && !INDEXING_CALLEES[name]?.includes(k)) return callSink('alloc');
  const callee = functions.get(name);
  if (callee && callee.body && frame.depth < 4 && !seen.has(name) && k < callee.params.length) {
    return { callee, call, name, k, arg: node, callText };
  }
  if (INDEXING_CALLEES[name]?.includes(k)) return callSink('callee');
  if (ALLOC_CALLEES[name]?.includes(k)) return callSink('alloc');
  if (!TRANSPARENT.test(name)) return callSink('call');
  return null;
}

/**
 * `st->f = v` in an open-coded iterator's constructor, where the iterator's _next kfunc compares
 * field f: v bounds the BPF program's loop (kernel/bpf/bpf_iter.c caps bpf_iter_num's range
 * with BPF_MAX_LOOPS for this reason).
 */
function iteratorBound(functions: Map<string, FunctionDef>, frame: Frame, left: SyntaxNode): string | null {
  if (frame.depth !== 0 || left.type !== 'field_expression') return null;
  const parts = iterKfuncParts(frame.fn.name);
  if (parts?.kind !== 'new') return null;
  const next = functions.get(iterKfuncName(parts.type, 'next'));
  const field = left.childForFieldName('field')?.text;
  if (!next || !field) return null;
  // The field itself, or a local the _next kfunc reads it into, in a relational comparison.
  const names = new Set<string>();
  for (const d of next.body.descendantsOfType('init_declarator')) {
    const v = d.childForFieldName('value');
    const n = d.childForFieldName('declarator');
    if (v && n?.type === 'identifier' && v.descendantsOfType('field_identifier').some((f) => f.text === field)) names.add(n.text);
  }
  for (const c of next.body.descendantsOfType('binary_expression')) {
    if (!['<', '<=', '>', '>='].includes(op(c))) continue;
    if (c.descendantsOfType('field_identifier').some((f) => f.text === field)) return next.name;
    if (c.descendantsOfType('identifier').some((i) => names.has(i.text))) return next.name;
  }
  return null;
}

/**
 * `m - v` computed in unsigned arithmetic whose result is used (not only compared): it wraps to
 * a huge value when v > m. The sink's node is the difference, its target the minuend.
 */
export function underflowUse(cx: FlowContext, frame: Frame, id: SyntaxNode): SinkUse | null {
  let node = id;
  let type = frame.vars.get(id.text)?.ctype;
  for (;;) {
    const p = node.parent;
    if (!p) return null;
    if (p.type === 'parenthesized_expression') node = p;
    else if (p.type === 'cast_expression') {
      type = cx.ctype(p.childForFieldName('type')?.text ?? '');
      node = p;
    } else break;
  }
  const p = node.parent!;
  if (p.type !== 'binary_expression' || op(p) !== '-' || p.childForFieldName('right')?.id !== node.id) return null;
  // u8/u16 promote to int, and a signed or wider minuend makes the difference signed.
  if (!type || type.signed || (type.kind !== 'int' && type.kind !== 'enum') || type.bits < 32) return null;
  const m = p.childForFieldName('left')!;
  const ms = strip(m);
  if (ms.type === 'cast_expression' && cx.ctype(ms.childForFieldName('type')?.text ?? '').signed) return null;
  // `ptr - off` is pointer arithmetic (container_of-style), not an unsigned difference.
  if (isPointerExpr(frame.fn, ms)) return null;
  if (
    /^\(?\s*0[uUlL]*\s*\)?$/.test(ms.text) ||
    ms.descendantsOfType('identifier').some((i) => frame.vars.get(i.text)?.root === frame.vars.get(id.text)?.root)
  )
    return null;
  // Only a value that goes somewhere: a difference that is merely compared is a check.
  let up = p;
  while (up.parent && (up.parent.type === 'parenthesized_expression' || up.parent.type === 'cast_expression')) up = up.parent;
  const use = up.parent;
  if (!use || (use.type === 'binary_expression' && CMP.has(op(use))) || use.type === 'expression_statement') return null;
  const minuend = ms.text.replace(/\s+/g, ' ');
  return { kind: 'underflow', node: p, target: minuend, chainEnd: snippet(p, 60) };
}

/**
 * `dst = producer(..., len, ...)` before `copy(dst, ..., len)`: the call that produced the copy's
 * destination was given the same length, so the destination holds that many bytes (a slice, a
 * buffer allocated for it). Returns the producer's call text, or null.
 */
function producedWith(fn: FunctionDef, copy: SyntaxNode, dst: SyntaxNode | undefined, len: SyntaxNode): string | null {
  const d = dst ? strip(dst) : null;
  if (d?.type !== 'identifier') return null;
  const want = strip(len).text.replace(/\s+/g, '');
  let found: string | null = null;
  for (const a of fn.body.descendantsOfType(['assignment_expression', 'init_declarator'])) {
    if (a.startIndex >= copy.startIndex) break;
    const l = a.childForFieldName(a.type === 'assignment_expression' ? 'left' : 'declarator');
    if (l?.type !== 'identifier' || l.text !== d.text) continue;
    const r = a.childForFieldName(a.type === 'assignment_expression' ? 'right' : 'value');
    const c = r ? strip(r) : null;
    found = c?.type === 'call_expression' && callArgs(c).some((x) => strip(x).text.replace(/\s+/g, '') === want) ? snippet(c, 70) : null;
  }
  return found;
}

/** A pointer-valued expression: a cast to a pointer type, `&x`, or a pointer parameter or local. */
function isPointerExpr(fn: FunctionDef, e: SyntaxNode): boolean {
  if (e.type === 'cast_expression') return (e.childForFieldName('type')?.text ?? '').includes('*');
  if (e.type === 'pointer_expression') return op(e) === '&';
  if (e.type !== 'identifier') return false;
  if (fn.params.some((p) => p.name === e.text)) return fn.params.some((p) => p.name === e.text && p.pointer);
  return fn.body
    .descendantsOfType('pointer_declarator')
    .some((d) => d.parent?.type !== 'pointer_declarator' && d.descendantsOfType('identifier')[0]?.text === e.text);
}

/** Callees that read or write through an address without trusting it (they handle faults). */
const FAULT_TOLERANT =
  /(_nofault|_user|_user_str|_user_task)$|^(copy_(from|to)_user\w*|get_user|put_user|__get_user|__put_user|access_process_vm|access_ok|probe_read\w*|bpf_probe_read\w*)$/;

/**
 * Is the scalar-to-pointer conversion `cast` a pointer the kernel may dereference? Not for a user
 * pointer (`__user`, checked by the uaccess routines; the model masks the annotation, so the
 * original line is read), a pointer handed straight to a fault-tolerant accessor, or one only
 * compared.
 */
function madePointer(cx: FlowContext, frame: Frame, cast: SyntaxNode): boolean {
  const line = cx.model.files.find((f) => f.path === frame.fn.file)?.lineText(cast.startPosition.row + 1) ?? '';
  if (/\(\s*(const\s+)?[\w\s]*\b__user\s*\*\s*\)/.test(line)) return false;
  let n = cast;
  while (n.parent?.type === 'parenthesized_expression' || n.parent?.type === 'cast_expression') n = n.parent;
  const p = n.parent;
  if (!p) return true;
  if (p.type === 'binary_expression' && CMP.has(op(p))) return false;
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression' && FAULT_TOLERANT.test(callName(p.parent))) return false;
  return true;
}
