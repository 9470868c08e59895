// Calls in the interpreter: into a visible definition (a new frame running its body), into a
// model summary (with the context summaries see), or recorded as unknown.
import type { FunctionDef } from '../../model/model.js';
import { type CType, TY } from './ctype.js';
import { convertValue } from './conversions.js';
import type { Interpreter } from './interpreter.js';
import type { CalleeSummary, SummaryCtx } from './model-types.js';
import { summary as findSummary, table as findTable } from './registry.js';
import { execFunctionBody } from './statements.js';
import { accessTable } from './table-access.js';
import { type Value, VOID, describe, int, opaque } from './values.js';
import { lnode } from './lnode.js';

export const MAX_DEPTH = 24;

export function callByName(it: Interpreter, name: string, args: Value[], text: string, argTexts: string[]): Value {
  const def = it.input.functions.get(name);
  if (def && def.body && it.frames.length < MAX_DEPTH) return callDefinition(it, def, args, text);
  const s = findSummary(name);
  if (s) return callSummary(it, s, args, text, argTexts);
  const tainted = args.some((a) => a.taint);
  it.unknown(`call to ${name}() has no visible definition and no model summary`, tainted);
  return opaque('unknown', `${name}()`, tainted);
}

export function callDefinition(it: Interpreter, def: FunctionDef, args: Value[], text: string): Value {
  if (it.frames.length >= MAX_DEPTH) it.abort('call depth');
  const locals = new Map<string, { t: CType; v: Value }>();
  def.params.forEach((p, i) => {
    const t = p.pointer ? TY.ptr : it.type(p.type);
    locals.set(p.name, { t, v: convertValue(args[i] ?? opaque('unknown', p.name), t) });
  });
  if (it.frames.length > 0) it.effects.push({ kind: 'call', depth: it.frames.length, callee: def.name, text, via: 'definition' });
  it.frames.push({ fn: def.name, text, locals });
  try {
    const c = execFunctionBody(it, lnode(def.body));
    const v = c.k === 'return' ? c.v : VOID;
    const rt = it.type(def.returnType);
    const out = rt.kind === 'int' || rt.kind === 'enum' || rt.kind === 'bool' ? convertValue(v, rt) : v;
    it.effects.push({ kind: 'return', depth: it.depth, fn: def.name, value: it.classifyReturn(out, def.returnType) });
    return out;
  } finally {
    it.frames.pop();
  }
}

function callSummary(it: Interpreter, s: CalleeSummary, args: Value[], text: string, argTexts: string[]): Value {
  const conv = s.macro
    ? args
    : args.map((a, i) => {
        const p = s.params[i];
        return p ? convertValue(a, p.type.includes('*') ? TY.ptr : it.type(p.type)) : a;
      });
  it.effects.push({ kind: 'call', depth: it.frames.length, callee: s.name, text, via: 'summary' });
  it.frames.push({ fn: s.name, text, locals: new Map() });
  try {
    const out = s.run(summaryCtx(it, argTexts), conv);
    it.effects.push({ kind: 'return', depth: it.depth, fn: s.name, value: it.classifyReturn(out, s.returns) });
    return out;
  } finally {
    it.frames.pop();
  }
}

function summaryCtx(it: Interpreter, argTexts: string[]): SummaryCtx {
  return {
    world: it.world,
    call: (name, args, texts) => callByName(it, name, args, `${name}(${texts.join(', ')})`, texts),
    read: (name, index, indexText) => {
      const spec = findTable(name);
      if (!spec) throw new Error(`semantics: summary reads unknown table ${name}`);
      return accessTable(it, spec, index, indexText, 'read');
    },
    warn: (msg) => it.warn(msg, true),
    maySleep: (via) => it.maySleep(via),
    guard: (text, holds, tainted) => it.guard(text, holds, tainted),
    branch: (text, cond) => it.branch(cond, text),
    cmp: (op, a, b) => {
      const r = it.compare(op, a, b);
      return r === null
        ? opaque('unknown', `${describe(a)} ${op} ${describe(b)}`, a.taint || b.taint, TY.int)
        : int(r ? 1 : 0, TY.int, a.taint || b.taint);
    },
    argText: (i) => argTexts[i] ?? `arg${i}`,
    convert: (v, type) => convertValue(v, it.type(type)),
    int: (v, type, taint) => int(v, type ? it.type(type) : TY.int, taint ?? false),
    counter: (desc, taint) => opaque('counter', desc, taint ?? false),
    constant: (name) => it.lookupConstant(name) ?? opaque('unknown', name),
    type: (text) => it.type(text),
  };
}
