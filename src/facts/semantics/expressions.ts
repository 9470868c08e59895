// Expression evaluation in the interpreter: literals, names, operators with C's conversions,
// assignments, subscripts into modelled tables, casts, and calls (builtins or by name).
import { BUILTIN_FUNCS } from './builtins.js';
import { TY, commonType, literalType, promote, wrap } from './ctype.js';
import { type CmpOp, convertValue } from './conversions.js';
import type { Interpreter } from './interpreter.js';
import type { LNode } from './lnode.js';
import { tableByAccess } from './registry.js';
import { accessTable } from './table-access.js';
import { type Value, describe, int, mergeOrigin, opaque, typeOf } from './values.js';

export function evalExpr(it: Interpreter, n: LNode): Value {
  it.tick();
  switch (n.type) {
    case 'number_literal': {
      const lit = literalType(n.text);
      return lit ? int(lit.value, lit.type) : opaque('unknown', n.text);
    }
    case 'char_literal':
      return int(n.text.length >= 3 ? n.text.charCodeAt(1) : 0);
    case 'string_literal':
      return { k: 'str', s: n.namedChildren.map((c) => c.text).join(''), taint: false };
    case 'concatenated_string':
      return { k: 'str', s: n.namedChildren.map((c) => c.namedChildren.map((x) => x.text).join('')).join(''), taint: false };
    case 'true':
      return int(1, TY.bool);
    case 'false':
      return int(0, TY.bool);
    case 'null':
      return int(0, TY.ptr);
    case 'identifier':
      return identifier(it, n.text);
    case 'parenthesized_expression':
      return evalExpr(it, n.namedChild(0)!);
    case 'comma_expression': {
      evalExpr(it, n.childForFieldName('left')!);
      return evalExpr(it, n.childForFieldName('right')!);
    }
    case 'binary_expression':
      return binary(it, n);
    case 'unary_expression':
      return unary(it, n);
    case 'cast_expression': {
      const t = it.type(n.childForFieldName('type')!.text);
      return convertValue(evalExpr(it, n.childForFieldName('value')!), t);
    }
    case 'conditional_expression': {
      const holds = condition(it, n.childForFieldName('condition')!);
      return evalExpr(it, n.childForFieldName(holds ? 'consequence' : 'alternative')!);
    }
    case 'call_expression':
      return call(it, n);
    case 'subscript_expression':
      return subscript(it, n, 'read');
    case 'pointer_expression': {
      const op = n.child(0)?.type;
      const arg = n.childForFieldName('argument')!;
      if (op === '&') {
        if (arg.type === 'subscript_expression') return subscript(it, arg, 'address');
        return { ...opaque('pointer', `&${arg.text}`, false, TY.ptr), nonNull: true };
      }
      const p = evalExpr(it, arg);
      return opaque('unknown', `*${arg.text}`, p.taint);
    }
    case 'field_expression':
      return opaque('unknown', n.text.replace(/\s+/g, ''), false);
    case 'assignment_expression':
      return assign(it, n);
    case 'update_expression': {
      const arg = n.childForFieldName('argument')!;
      const old = evalExpr(it, arg);
      const delta = n.text.includes('++') ? 1n : -1n;
      const nv = old.k === 'int' ? { ...old, v: wrap(old.v + delta, old.t) } : old;
      store(it, arg, nv);
      return n.text.trim().startsWith('++') || n.text.trim().startsWith('--') ? nv : old;
    }
    case 'sizeof_expression':
      return opaque('unknown', n.text, false, TY.ulong);
    default:
      it.unknown(`unsupported expression ${n.type}: ${n.text.slice(0, 60)}`, false);
      return opaque('unknown', n.text.slice(0, 40));
  }
}

/** Evaluate and decide a branch condition, recording it as a guard. */
export function condition(it: Interpreter, node: LNode): boolean {
  const text = stripParens(node.text);
  return it.branch(evalExpr(it, node), text);
}

function identifier(it: Interpreter, name: string): Value {
  const hit = it.frames.at(-1)?.locals.get(name);
  if (hit) return hit.v;
  const c = it.lookupConstant(name);
  if (c) return c;
  if (name === '__func__') return { k: 'str', s: it.frames.at(-1)?.fn ?? '', taint: false };
  return opaque('unknown', name);
}

function store(it: Interpreter, lhs: LNode, v: Value): void {
  if (lhs.type === 'identifier') {
    const slot = it.frame().locals.get(lhs.text);
    if (slot) slot.v = convertValue(v, slot.t);
    else it.frame().locals.set(lhs.text, { t: typeOf(v), v });
    return;
  }
  if (lhs.type === 'subscript_expression') {
    subscript(it, lhs, 'write');
    return;
  }
  // Stores through pointers and into fields are outside the modelled state.
}

function assign(it: Interpreter, n: LNode): Value {
  const left = n.childForFieldName('left')!;
  const op = n.childForFieldName('operator')?.text ?? n.child(1)?.text ?? '=';
  let v = evalExpr(it, n.childForFieldName('right')!);
  if (op !== '=') v = arith(op.slice(0, -1), evalExpr(it, left), v);
  store(it, left, v);
  return v;
}

function call(it: Interpreter, n: LNode): Value {
  const fnNode = n.childForFieldName('function')!;
  const argNodes = n.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  const name = fnNode.type === 'identifier' ? fnNode.text : null;
  const texts = argNodes.map((a) => a.text.replace(/\s+/g, ' '));
  if (name === 'IS_ENABLED' || name === 'ARRAY_SIZE') return BUILTIN_FUNCS[name]!(it, [], texts);
  const args = argNodes.map((a) => evalExpr(it, a));
  if (!name) {
    const tainted = args.some((a) => a.taint);
    it.unknown(`indirect call through ${fnNode.text}`, tainted);
    return opaque('unknown', fnNode.text, tainted);
  }
  const b = BUILTIN_FUNCS[name];
  if (b && !it.input.functions.has(name)) return b(it, args, texts);
  return it.callByName(name, args, n.text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')'), texts);
}

function subscript(it: Interpreter, n: LNode, mode: 'read' | 'write' | 'address'): Value {
  const arr = n.childForFieldName('argument')!;
  const idxNode = n.childForFieldName('index')!;
  const idx = evalExpr(it, idxNode);
  const spec = tableByAccess(arr.text);
  if (!spec) {
    if (idx.taint) it.unknown(`index into ${arr.text}[], an array no model describes`, true);
    return opaque('unknown', `${arr.text}[${idxNode.text}]`, idx.taint);
  }
  return accessTable(it, spec, idx, idxNode.text, mode);
}

function unary(it: Interpreter, n: LNode): Value {
  const op = n.childForFieldName('operator')?.text ?? n.child(0)?.text;
  const v = evalExpr(it, n.childForFieldName('argument')!);
  if (op === '!') {
    const t = it.truthy(v);
    if (t === null) return opaque('unknown', `!${describe(v)}`, v.taint, TY.int);
    return int(t ? 0 : 1, TY.int, v.taint);
  }
  if (v.k !== 'int') return v.k === 'opaque' ? v : opaque('unknown', n.text);
  const t = promote(v.t);
  if (op === '-') return int(-v.v, t, v.taint);
  if (op === '~') return int(~v.v, t, v.taint);
  return { ...v, t };
}

function binary(it: Interpreter, n: LNode): Value {
  const op = n.childForFieldName('operator')?.text ?? n.child(1)?.text ?? '?';
  const ln = n.childForFieldName('left')!;
  const rn = n.childForFieldName('right')!;
  if (op === '&&' || op === '||') {
    const l = evalExpr(it, ln);
    const lt = it.decide(l, stripParens(ln.text));
    if (op === '&&' ? !lt : lt) return int(lt ? 1 : 0, TY.int, l.taint);
    const r = evalExpr(it, rn);
    const rt = it.decide(r, stripParens(rn.text));
    return int(rt ? 1 : 0, TY.int, l.taint || r.taint);
  }
  const l = evalExpr(it, ln);
  const r = evalExpr(it, rn);
  if (['<', '<=', '>', '>=', '==', '!='].includes(op)) {
    const res = it.compare(op as CmpOp, l, r);
    if (res === null) return opaque('unknown', n.text, l.taint || r.taint, TY.int);
    return int(res ? 1 : 0, TY.int, l.taint || r.taint);
  }
  return arith(op, l, r);
}

function arith(op: string, l: Value, r: Value): Value {
  const taint = l.taint || r.taint;
  if (l.k !== 'int' || r.k !== 'int') {
    // 0 * anything stays 0: a WARN path's `return 0` scaled by a unit is still 0.
    if (op === '*' && ((l.k === 'int' && l.v === 0n) || (r.k === 'int' && r.v === 0n))) return int(0, TY.ulong, taint);
    return opaque(mergeOrigin(l, r), `${describe(l)} ${op} ${describe(r)}`, taint, l.k === 'opaque' ? l.t : TY.ulong);
  }
  if (op === '<<' || op === '>>') {
    const t = promote(l.t);
    const s = r.v;
    if (s < 0n || s >= BigInt(t.bits)) return opaque('unknown', 'shift out of range', taint);
    return int(op === '<<' ? wrap(l.v, t) << s : wrap(l.v, t) >> s, t, taint);
  }
  const t = commonType(l.t, r.t);
  const a = wrap(l.v, t);
  const b = wrap(r.v, t);
  let v: bigint;
  switch (op) {
    case '+':
      v = a + b;
      break;
    case '-':
      v = a - b;
      break;
    case '*':
      v = a * b;
      break;
    case '/':
      if (b === 0n) return opaque('unknown', 'division by zero', taint);
      v = a / b;
      break;
    case '%':
      if (b === 0n) return opaque('unknown', 'modulo by zero', taint);
      v = a % b;
      break;
    case '&':
      v = a & b;
      break;
    case '|':
      v = a | b;
      break;
    case '^':
      v = a ^ b;
      break;
    default:
      return opaque('unknown', `operator ${op}`, taint);
  }
  return int(v, t, taint);
}

/** Condition text for effects: white space folded, redundant outer parentheses dropped. */
export function stripParens(text: string): string {
  let t = text.replace(/\s+/g, ' ').trim();
  while (t.startsWith('(') && t.endsWith(')') && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
}

function balanced(s: string): boolean {
  let d = 0;
  for (const ch of s) {
    if (ch === '(') d++;
    else if (ch === ')' && --d < 0) return false;
  }
  return d === 0;
}
