// Concrete interpreter over tree-sitter-c syntax for one probe and one fork-choice prefix.
// It runs the kfunc body, follows calls into visible definitions or model summaries, and
// records effects. Forks (unknown bytes, unknown conditions) are resolved by the `prefix`
// handed in; explore.ts re-runs with every prefix to enumerate paths.
import type { FunctionDef } from '../model.js';
import { BUILTIN_CONSTANTS, BUILTIN_FUNCS, type BuiltinHost } from './builtins.js';
import { type CType, TY, classifyType, commonType, literalType, promote, wrap } from './ctype.js';
import type { Effect, ReturnValue } from './effects.js';
import type { Budget } from './budget.js';
import type { CalleeSummary, SummaryCtx, World } from './model-types.js';
import { enumSpec, summary as findSummary, tableByAccess, table as findTable } from './registry.js';
import { type Value, VOID, describe, int, mergeOrigin, opaque, typeOf } from './values.js';
import { accessTable } from './table-access.js';
import { type LNode, lnode } from './lnode.js';

const MAX_DEPTH = 24;
const MAX_FORKS = 16;
const MAX_STEPS = 20000;
const MAX_LOOP = 256;

/** Thrown to stop a path: unsupported construct, budget, BUG_ON. */
export class Abort extends Error {}

type Completion =
  | { k: 'normal' }
  | { k: 'return'; v: Value }
  | { k: 'break' }
  | { k: 'continue' }
  | { k: 'goto'; label: string };

const NORMAL: Completion = { k: 'normal' };

interface Frame {
  fn: string;
  text: string;
  locals: Map<string, { t: CType; v: Value }>;
}

export interface RunInput {
  kfunc: FunctionDef;
  functions: Map<string, FunctionDef>;
  world: World;
  param: string;
  /** The 64-bit register value BPF passes. */
  register: bigint;
  prefix: number[];
  /** Shared work budget of the evaluation (every step of every path is charged). */
  budget?: Budget;
  /** Enums the patch defines (name -> has a negative enumerator); they win over the models. */
  enums?: PatchEnums;
  /** Memo of classified type spellings, shared by the runs of one evaluation. */
  types?: Map<string, CType>;
}

/** Enums visible in the patch: a negative enumerator makes the enum signed. */
export type PatchEnums = ReadonlyMap<string, { hasNegative: boolean }>;

export interface RunOutput {
  effects: Effect[];
  forks: string[];
  assumed: boolean;
  result: ReturnValue;
  aborted?: string;
  /** Arity and pick at each fork point, for the explorer. */
  choices: { pick: number; n: number }[];
  /** Constants the tainted value was compared against (probe discovery). */
  thresholds: bigint[];
  argValue: bigint;
}

export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * Is enum `name` signed? An enum the patch defines decides by its own enumerators; our model
 * enums carry no negative enumerators; unknown enums (undefined) fall back to GCC's rule.
 */
export function enumIsSigned(name: string, enums?: PatchEnums): boolean | undefined {
  const e = enums?.get(name);
  if (e) return e.hasNegative;
  return enumSpec(name) ? false : undefined;
}

export function typeFromText(text: string, enums?: PatchEnums): CType {
  return classifyType(text, (n) => enumIsSigned(n, enums));
}

/** C comparison after the usual arithmetic conversions; null when either side is not concrete. */
export function compareValues(op: CmpOp, a: Value, b: Value): boolean | null {
  if (a.k === 'int' && b.k === 'int') {
    const ct = commonType(a.t, b.t);
    const x = wrap(a.v, ct);
    const y = wrap(b.v, ct);
    switch (op) {
      case '<': return x < y;
      case '<=': return x <= y;
      case '>': return x > y;
      case '>=': return x >= y;
      case '==': return x === y;
      case '!=': return x !== y;
    }
  }
  // A trusted kfunc pointer is never NULL.
  const ptrVsZero = (p: Value, z: Value): boolean =>
    p.k === 'opaque' && p.nonNull === true && z.k === 'int' && z.v === 0n;
  if ((op === '==' || op === '!=') && (ptrVsZero(a, b) || ptrVsZero(b, a))) return op === '!=';
  return null;
}

export function convertValue(v: Value, t: CType): Value {
  if (t.kind === 'void') return v.k === 'int' ? v : v;
  if (v.k === 'int') return { k: 'int', v: wrap(v.v, t), t, taint: v.taint };
  if (v.k === 'opaque') return { ...v, t };
  return v;
}

export class Interpreter implements BuiltinHost {
  readonly effects: Effect[] = [];
  readonly forks: string[] = [];
  readonly choices: { pick: number; n: number }[] = [];
  readonly thresholds: bigint[] = [];
  assumed = false;
  private frames: Frame[] = [];
  private steps = 0;

  constructor(private readonly input: RunInput) {}

  /** Classify a C type spelling (memoised per evaluation; patch enums taken into account). */
  type(text: string): CType {
    const memo = this.input.types;
    let t = memo?.get(text);
    if (!t) {
      t = typeFromText(text, this.input.enums);
      memo?.set(text, t);
    }
    return t;
  }

  get world(): World {
    return this.input.world;
  }

  private get depth(): number {
    return Math.max(0, this.frames.length - 1);
  }

  chain(): string[] {
    return this.frames.map((f) => f.text);
  }

  // ---- entry ----------------------------------------------------------------------

  run(): RunOutput {
    const k = this.input.kfunc;
    const args: Value[] = [];
    let argValue = 0n;
    for (const p of k.params) {
      const t = this.type(p.type);
      if (p.pointer || t.kind === 'ptr') {
        // KF_TRUSTED_ARGS (or the v7.0 default) makes pointer arguments non-NULL and valid.
        args.push({ ...opaque('pointer', p.name, false, TY.ptr), nonNull: true });
      } else if (p.name === this.input.param) {
        const v = int(this.input.register, t, true);
        argValue = v.v;
        args.push(v);
      } else args.push(int(0, t));
    }
    let result: ReturnValue = { kind: 'unknown', text: '?' };
    let aborted: string | undefined;
    try {
      const v = this.callDefinition(k, args, `${k.name}(${this.input.param})`);
      result = this.classifyReturn(v, k.returnType);
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      aborted = e.message;
      this.effects.push({ kind: 'unknown', depth: this.depth, what: `stopped: ${e.message}`, tainted: true, chain: this.chain() });
    }
    return {
      effects: this.effects,
      forks: this.forks,
      assumed: this.assumed,
      result,
      ...(aborted !== undefined ? { aborted } : {}),
      choices: this.choices,
      thresholds: this.thresholds,
      argValue,
    };
  }

  classifyReturn(v: Value, returnType: string): ReturnValue {
    const t = this.type(returnType);
    if (t.kind === 'void' && returnType.trim() === 'void') return { kind: 'void', text: 'void' };
    if (v.k === 'int') {
      const x = wrap(v.v, t.kind === 'ptr' || t.kind === 'void' ? v.t : t);
      const all = wrap(-1n, t.kind === 'ptr' || t.kind === 'void' ? v.t : t);
      if (x === 0n) return { kind: 'zero', text: '0' };
      // Only word-sized all-ones is the kernel's `-1` error convention (not a u8 0xFF).
      if (x === all && (t.bits >= 32 || v.t.bits >= 32) && t.kind !== 'bool') return { kind: 'sentinel', text: t.signed ? '-1' : `(${t.name})-1` };
      return { kind: 'value', text: String(x) };
    }
    if (v.k === 'opaque') {
      const kind = v.origin === 'counter' ? 'counter' : v.origin === 'garbage' ? 'garbage' : v.origin === 'pointer' ? 'value' : 'unknown';
      return { kind, text: describe(v) };
    }
    return { kind: 'void', text: 'void' };
  }

  // ---- forks and effects ------------------------------------------------------------

  choose(labels: string[], reason: 'byte' | 'assume'): number {
    const d = this.choices.length;
    if (d >= MAX_FORKS) throw new Abort('fork budget exhausted');
    const pick = d < this.input.prefix.length ? this.input.prefix[d]! : 0;
    this.choices.push({ pick, n: labels.length });
    const label = labels[pick] ?? '?';
    this.forks.push(label);
    if (reason === 'assume') this.assumed = true;
    this.effects.push({ kind: 'fork', depth: this.depth, reason, label });
    return pick;
  }

  decide(v: Value, text: string): boolean {
    const t = this.truthy(v);
    if (t !== null) return t;
    if (v.taint) this.effects.push({ kind: 'unknown', depth: this.depth, what: `condition \`${text}\` depends on an unknown value`, tainted: true, chain: this.chain() });
    return this.choose([`assume \`${text}\` is true`, `assume \`${text}\` is false`], 'assume') === 0;
  }

  warn(msg: string, once: boolean): void {
    this.effects.push({ kind: 'warn', depth: this.depth, once, msg, chain: this.chain() });
  }

  maySleep(via: string): void {
    this.effects.push({ kind: 'may-sleep', depth: this.depth, via, chain: this.chain() });
  }

  guard(text: string, holds: boolean, tainted: boolean): void {
    this.effects.push({ kind: 'guard', depth: this.depth, fn: this.frames.at(-1)?.fn ?? '?', text, holds, tainted });
  }

  unknown(what: string, tainted: boolean): void {
    this.effects.push({ kind: 'unknown', depth: this.depth, what, tainted, chain: this.chain() });
  }

  abort(why: string): never {
    throw new Abort(why);
  }

  has(flag: string): boolean {
    return this.world.has(flag);
  }

  tableLen(text: string): bigint | undefined {
    const t = tableByAccess(text);
    return t ? this.world.constant(t.len) : undefined;
  }

  truthy(v: Value): boolean | null {
    if (v.k === 'int') return v.v !== 0n;
    if (v.k === 'str') return true;
    if (v.k === 'opaque' && v.nonNull) return true;
    return null;
  }

  compare(op: CmpOp, a: Value, b: Value): boolean | null {
    // Record what a tainted value is compared against: those constants become probes.
    if (a.taint && !b.taint && b.k === 'int') this.thresholds.push(b.v);
    if (b.taint && !a.taint && a.k === 'int') this.thresholds.push(a.v);
    return compareValues(op, a, b);
  }

  // ---- calls ------------------------------------------------------------------------

  callByName(name: string, args: Value[], text: string, argTexts: string[]): Value {
    const def = this.input.functions.get(name);
    if (def && def.body && this.frames.length < MAX_DEPTH) return this.callDefinition(def, args, text);
    const s = findSummary(name);
    if (s) return this.callSummary(s, args, text, argTexts);
    const tainted = args.some((a) => a.taint);
    this.unknown(`call to ${name}() has no visible definition and no model summary`, tainted);
    return opaque('unknown', `${name}()`, tainted);
  }

  callDefinition(def: FunctionDef, args: Value[], text: string): Value {
    if (this.frames.length >= MAX_DEPTH) this.abort('call depth');
    const locals = new Map<string, { t: CType; v: Value }>();
    def.params.forEach((p, i) => {
      const t = p.pointer ? TY.ptr : this.type(p.type);
      locals.set(p.name, { t, v: convertValue(args[i] ?? opaque('unknown', p.name), t) });
    });
    if (this.frames.length > 0) this.effects.push({ kind: 'call', depth: this.frames.length, callee: def.name, text, via: 'definition' });
    this.frames.push({ fn: def.name, text, locals });
    try {
      const c = this.execFunctionBody(lnode(def.body));
      const v = c.k === 'return' ? c.v : VOID;
      const rt = this.type(def.returnType);
      const out = rt.kind === 'int' || rt.kind === 'enum' || rt.kind === 'bool' ? convertValue(v, rt) : v;
      this.effects.push({ kind: 'return', depth: this.depth, fn: def.name, value: this.classifyReturn(out, def.returnType) });
      return out;
    } finally {
      this.frames.pop();
    }
  }

  callSummary(s: CalleeSummary, args: Value[], text: string, argTexts: string[]): Value {
    const conv = s.macro ? args : args.map((a, i) => {
      const p = s.params[i];
      return p ? convertValue(a, p.type.includes('*') ? TY.ptr : this.type(p.type)) : a;
    });
    this.effects.push({ kind: 'call', depth: this.frames.length, callee: s.name, text, via: 'summary' });
    this.frames.push({ fn: s.name, text, locals: new Map() });
    try {
      const out = s.run(this.summaryCtx(argTexts), conv);
      this.effects.push({ kind: 'return', depth: this.depth, fn: s.name, value: this.classifyReturn(out, s.returns) });
      return out;
    } finally {
      this.frames.pop();
    }
  }

  private summaryCtx(argTexts: string[]): SummaryCtx {
    return {
      world: this.world,
      call: (name, args, texts) => this.callByName(name, args, `${name}(${texts.join(', ')})`, texts),
      read: (name, index, indexText) => {
        const spec = findTable(name);
        if (!spec) throw new Error(`semantics: summary reads unknown table ${name}`);
        return accessTable(this, spec, index, indexText, 'read');
      },
      warn: (msg) => this.warn(msg, true),
      maySleep: (via) => this.maySleep(via),
      guard: (text, holds, tainted) => this.guard(text, holds, tainted),
      branch: (text, cond) => {
        const holds = this.decide(cond, text);
        this.guard(text, holds, cond.taint);
        return holds;
      },
      cmp: (op, a, b) => {
        const r = this.compare(op, a, b);
        return r === null ? opaque('unknown', `${describe(a)} ${op} ${describe(b)}`, a.taint || b.taint, TY.int) : int(r ? 1 : 0, TY.int, a.taint || b.taint);
      },
      argText: (i) => argTexts[i] ?? `arg${i}`,
      convert: (v, type) => convertValue(v, this.type(type)),
      int: (v, type, taint) => int(v, type ? this.type(type) : TY.int, taint ?? false),
      counter: (desc, taint) => opaque('counter', desc, taint ?? false),
      constant: (name) => this.lookupConstant(name) ?? opaque('unknown', name),
      type: (text) => this.type(text),
    };
  }

  // ---- statements -------------------------------------------------------------------

  private tick(): void {
    if (++this.steps > MAX_STEPS) this.abort('step budget');
    const b = this.input.budget;
    if (b && ++b.used > b.limit) b.exhaust(`step budget of ${b.limit} exhausted`);
  }

  private execFunctionBody(body: LNode): Completion {
    const c = this.execBlock(body);
    if (c.k === 'goto') this.abort(`goto ${c.label}: label not found at block level`);
    return c;
  }

  private execBlock(block: LNode): Completion {
    const stmts = block.namedChildren;
    let i = 0;
    while (i < stmts.length) {
      const c = this.exec(stmts[i]!);
      if (c.k === 'goto') {
        // Kernel `goto out;` style: continue at a label of this block, if it is here.
        const j = stmts.findIndex((s) => s.type === 'labeled_statement' && s.childForFieldName('label')?.text === c.label);
        if (j < 0) return c;
        i = j;
        continue;
      }
      if (c.k !== 'normal') return c;
      i++;
    }
    return NORMAL;
  }

  private exec(n: LNode): Completion {
    this.tick();
    switch (n.type) {
      case 'compound_statement':
        return this.execBlock(n);
      case 'expression_statement': {
        const e = n.namedChild(0);
        if (e) this.eval(e);
        return NORMAL;
      }
      case 'declaration':
        this.declare(n);
        return NORMAL;
      case 'return_statement': {
        const e = n.namedChild(0);
        return { k: 'return', v: e ? this.eval(e) : VOID };
      }
      case 'if_statement': {
        const cond = n.childForFieldName('condition')!;
        if (this.condition(cond)) return this.exec(n.childForFieldName('consequence')!);
        const alt = n.childForFieldName('alternative');
        if (!alt) return NORMAL;
        return this.exec(alt.type === 'else_clause' ? alt.namedChild(0)! : alt);
      }
      case 'labeled_statement': {
        const s = n.namedChildren.filter((c) => c.type !== 'statement_identifier').at(-1);
        return s ? this.exec(s) : NORMAL;
      }
      case 'goto_statement':
        return { k: 'goto', label: n.childForFieldName('label')?.text ?? '' };
      case 'break_statement':
        return { k: 'break' };
      case 'continue_statement':
        return { k: 'continue' };
      case 'while_statement':
      case 'do_statement':
      case 'for_statement':
        return this.loop(n);
      case 'switch_statement':
        return this.switchStmt(n);
      case 'comment':
      case ';':
        return NORMAL;
      default:
        if (n.type.startsWith('preproc')) {
          this.unknown(`preprocessor block inside a function body is skipped`, false);
          return NORMAL;
        }
        this.unknown(`unsupported statement ${n.type}`, false);
        return NORMAL;
    }
  }

  private condition(node: LNode): boolean {
    const text = stripParens(node.text);
    const v = this.eval(node);
    const holds = this.decide(v, text);
    this.guard(text, holds, v.taint);
    return holds;
  }

  private loop(n: LNode): Completion {
    const init = n.childForFieldName('initializer');
    if (init) init.type === 'declaration' ? this.declare(init) : this.eval(init);
    const cond = n.childForFieldName('condition');
    const update = n.childForFieldName('update');
    const body = n.childForFieldName('body');
    let first = n.type === 'do_statement';
    for (let i = 0; i < MAX_LOOP; i++) {
      if (!first && cond && !this.condition(cond)) return NORMAL;
      first = false;
      const c = body ? this.exec(body) : NORMAL;
      if (c.k === 'break') return NORMAL;
      if (c.k === 'return' || c.k === 'goto') return c;
      if (update) this.eval(update);
    }
    this.abort('loop iteration budget');
  }

  private switchStmt(n: LNode): Completion {
    const v = this.eval(n.childForFieldName('condition')!);
    const body = n.childForFieldName('body');
    if (!body) return NORMAL;
    const cases = body.namedChildren.filter((c) => c.type === 'case_statement');
    let start = -1;
    if (v.k === 'int') {
      start = cases.findIndex((c) => {
        const val = c.childForFieldName('value');
        if (!val) return false;
        const cv = this.eval(val);
        return compareValues('==', v, cv) === true;
      });
      if (start < 0) start = cases.findIndex((c) => !c.childForFieldName('value'));
      if (start < 0) return NORMAL;
    } else {
      this.unknown(`switch on an unknown value \`${stripParens(n.childForFieldName('condition')!.text)}\``, v.taint);
      this.abort('switch on unknown value');
    }
    for (let i = start; i < cases.length; i++) {
      for (const s of cases[i]!.namedChildren) {
        if (s === cases[i]!.childForFieldName('value')) continue;
        const c = this.exec(s);
        if (c.k === 'break') return NORMAL;
        if (c.k !== 'normal') return c;
      }
    }
    return NORMAL;
  }

  private declare(n: LNode): void {
    const baseType = n.childForFieldName('type')?.text ?? 'int';
    for (const d of n.childrenForFieldName('declarator')) {
      let decl = d;
      let init: LNode | null = null;
      if (d.type === 'init_declarator') {
        decl = d.childForFieldName('declarator')!;
        init = d.childForFieldName('value');
      }
      const isPtr = decl.type === 'pointer_declarator' || decl.type === 'array_declarator';
      const name = identifierOf(decl);
      if (!name) continue;
      const t = isPtr ? TY.ptr : this.type(baseType);
      const v = init ? convertValue(this.eval(init), t) : opaque('unknown', `uninitialised ${name}`, false, t);
      this.frame().locals.set(name, { t, v });
    }
  }

  private frame(): Frame {
    const f = this.frames.at(-1);
    if (!f) throw new Abort('no frame');
    return f;
  }

  // ---- expressions ------------------------------------------------------------------

  lookupConstant(name: string): Value | undefined {
    const c = this.world.constant(name);
    if (c !== undefined) return int(c, c > 0x7fffffffn || c < -0x80000000n ? TY.long : TY.int);
    return BUILTIN_CONSTANTS[name];
  }

  eval(n: LNode): Value {
    this.tick();
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
        return this.identifier(n.text);
      case 'parenthesized_expression':
        return this.eval(n.namedChild(0)!);
      case 'comma_expression': {
        this.eval(n.childForFieldName('left')!);
        return this.eval(n.childForFieldName('right')!);
      }
      case 'binary_expression':
        return this.binary(n);
      case 'unary_expression':
        return this.unary(n);
      case 'cast_expression': {
        const t = this.type(n.childForFieldName('type')!.text);
        return convertValue(this.eval(n.childForFieldName('value')!), t);
      }
      case 'conditional_expression': {
        const holds = this.condition(n.childForFieldName('condition')!);
        return this.eval(n.childForFieldName(holds ? 'consequence' : 'alternative')!);
      }
      case 'call_expression':
        return this.call(n);
      case 'subscript_expression':
        return this.subscript(n, 'read');
      case 'pointer_expression': {
        const op = n.child(0)?.type;
        const arg = n.childForFieldName('argument')!;
        if (op === '&') {
          if (arg.type === 'subscript_expression') return this.subscript(arg, 'address');
          return { ...opaque('pointer', `&${arg.text}`, false, TY.ptr), nonNull: true };
        }
        const p = this.eval(arg);
        return opaque('unknown', `*${arg.text}`, p.taint);
      }
      case 'field_expression':
        return opaque('unknown', n.text.replace(/\s+/g, ''), false);
      case 'assignment_expression':
        return this.assign(n);
      case 'update_expression': {
        const arg = n.childForFieldName('argument')!;
        const old = this.eval(arg);
        const delta = n.text.includes('++') ? 1n : -1n;
        const nv = old.k === 'int' ? { ...old, v: wrap(old.v + delta, old.t) } : old;
        this.store(arg, nv);
        return n.text.trim().startsWith('++') || n.text.trim().startsWith('--') ? nv : old;
      }
      case 'sizeof_expression':
        return opaque('unknown', n.text, false, TY.ulong);
      default:
        this.unknown(`unsupported expression ${n.type}: ${n.text.slice(0, 60)}`, false);
        return opaque('unknown', n.text.slice(0, 40));
    }
  }

  private identifier(name: string): Value {
    for (let i = this.frames.length - 1; i >= 0 && i >= this.frames.length - 1; i--) {
      const hit = this.frames[i]!.locals.get(name);
      if (hit) return hit.v;
    }
    const c = this.lookupConstant(name);
    if (c) return c;
    if (name === '__func__') return { k: 'str', s: this.frames.at(-1)?.fn ?? '', taint: false };
    return opaque('unknown', name);
  }

  private store(lhs: LNode, v: Value): void {
    if (lhs.type === 'identifier') {
      const slot = this.frame().locals.get(lhs.text);
      if (slot) slot.v = convertValue(v, slot.t);
      else this.frame().locals.set(lhs.text, { t: typeOf(v), v });
      return;
    }
    if (lhs.type === 'subscript_expression') {
      this.subscript(lhs, 'write');
      return;
    }
    // Stores through pointers and into fields are outside the modelled state.
  }

  private assign(n: LNode): Value {
    const left = n.childForFieldName('left')!;
    const op = n.childForFieldName('operator')?.text ?? n.child(1)?.text ?? '=';
    let v = this.eval(n.childForFieldName('right')!);
    if (op !== '=') v = this.arith(op.slice(0, -1), this.eval(left), v);
    this.store(left, v);
    return v;
  }

  private call(n: LNode): Value {
    const fnNode = n.childForFieldName('function')!;
    const argNodes = n.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
    const name = fnNode.type === 'identifier' ? fnNode.text : null;
    const texts = argNodes.map((a) => a.text.replace(/\s+/g, ' '));
    if (name === 'IS_ENABLED' || name === 'ARRAY_SIZE') return BUILTIN_FUNCS[name]!(this, [], texts);
    const args = argNodes.map((a) => this.eval(a));
    if (!name) {
      const tainted = args.some((a) => a.taint);
      this.unknown(`indirect call through ${fnNode.text}`, tainted);
      return opaque('unknown', fnNode.text, tainted);
    }
    const b = BUILTIN_FUNCS[name];
    if (b && !this.input.functions.has(name)) return b(this, args, texts);
    return this.callByName(name, args, n.text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')'), texts);
  }

  private subscript(n: LNode, mode: 'read' | 'write' | 'address'): Value {
    const arr = n.childForFieldName('argument')!;
    const idxNode = n.childForFieldName('index')!;
    const idx = this.eval(idxNode);
    const spec = tableByAccess(arr.text);
    if (!spec) {
      if (idx.taint) this.unknown(`index into ${arr.text}[], an array no model describes`, true);
      return opaque('unknown', `${arr.text}[${idxNode.text}]`, idx.taint);
    }
    return accessTable(this, spec, idx, idxNode.text, mode);
  }

  private unary(n: LNode): Value {
    const op = n.childForFieldName('operator')?.text ?? n.child(0)?.text;
    const v = this.eval(n.childForFieldName('argument')!);
    if (op === '!') {
      const t = this.truthy(v);
      if (t === null) return opaque('unknown', `!${describe(v)}`, v.taint, TY.int);
      return int(t ? 0 : 1, TY.int, v.taint);
    }
    if (v.k !== 'int') return v.k === 'opaque' ? v : opaque('unknown', n.text);
    const t = promote(v.t);
    if (op === '-') return int(-v.v, t, v.taint);
    if (op === '~') return int(~v.v, t, v.taint);
    return { ...v, t };
  }

  private binary(n: LNode): Value {
    const op = n.childForFieldName('operator')?.text ?? n.child(1)?.text ?? '?';
    const ln = n.childForFieldName('left')!;
    const rn = n.childForFieldName('right')!;
    if (op === '&&' || op === '||') {
      const l = this.eval(ln);
      const lt = this.decide(l, stripParens(ln.text));
      if (op === '&&' ? !lt : lt) return int(lt ? 1 : 0, TY.int, l.taint);
      const r = this.eval(rn);
      const rt = this.decide(r, stripParens(rn.text));
      return int(rt ? 1 : 0, TY.int, l.taint || r.taint);
    }
    const l = this.eval(ln);
    const r = this.eval(rn);
    if (['<', '<=', '>', '>=', '==', '!='].includes(op)) {
      const res = this.compare(op as CmpOp, l, r);
      if (res === null) return opaque('unknown', n.text, l.taint || r.taint, TY.int);
      return int(res ? 1 : 0, TY.int, l.taint || r.taint);
    }
    return this.arith(op, l, r);
  }

  arith(op: string, l: Value, r: Value): Value {
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
      case '+': v = a + b; break;
      case '-': v = a - b; break;
      case '*': v = a * b; break;
      case '/': if (b === 0n) return opaque('unknown', 'division by zero', taint); v = a / b; break;
      case '%': if (b === 0n) return opaque('unknown', 'modulo by zero', taint); v = a % b; break;
      case '&': v = a & b; break;
      case '|': v = a | b; break;
      case '^': v = a ^ b; break;
      default: return opaque('unknown', `operator ${op}`, taint);
    }
    return int(v, t, taint);
  }
}

function stripParens(text: string): string {
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

function identifierOf(n: LNode): string | null {
  if (n.type === 'identifier') return n.text;
  const inner = n.childForFieldName('declarator');
  return inner ? identifierOf(inner) : null;
}
