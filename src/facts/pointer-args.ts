// How the verifier checks each pointer argument of a kfunc, and what the kfunc's code does with
// it: dereference it, hand it to other kernel code, keep it for later, test it for NULL, or only
// take a conditional (RCU-safe) reference. The trusted-argument rules read these facts to decide
// whether a kfunc needs KF_TRUSTED_ARGS or KF_RCU; what each argument kind gains from the
// flags is knowledge/trusted-arg-kinds.ts.
//
// The reading is syntactic: copies of the pointer into locals (`struct x *p = arg;`, casts,
// container_of(), pointer arithmetic, `&arg->field`) are followed, and so are visible helpers
// (model.functions, the patch's files and with --tree the callee regions of other files) to a
// depth of three, binding arguments to parameters. A call into code that is not visible counts
// as a use: kernel code is entitled to dereference what it is given.
import type { SyntaxNode } from '../model/c-parser.js';
import { bareType, callsIn, isScalarType, structPointee } from '../model/c-query.js';
import type { FunctionDef, Param, PatchModel, Registration } from '../model/model.js';
import { argSuffix, isSizeSuffix } from '../knowledge/arg-suffixes.js';
import { isIterStruct } from '../knowledge/iterator-naming.js';
import { holdsBtfPointers, isAnyProgContext, isProgContext } from '../knowledge/prog-contexts.js';
import { CONDITIONAL_GET } from '../knowledge/reference-gets.js';
import { RCU_READER } from '../knowledge/rcu-read-side.js';
import {
  NAMED_STRUCT_KIND,
  POINTER_ARG_EFFECT,
  SUFFIX_ARG_KIND,
  type PointerArgKind,
  type TrustedArgEffect,
} from '../knowledge/trusted-arg-kinds.js';
import { setReach } from './set-reach.js';

export interface PointerArg {
  param: Param;
  /** 0-based position among the C parameters. */
  index: number;
  kind: PointerArgKind;
  /** What KF_TRUSTED_ARGS/KF_RCU add for it (a __nullable argument gains no NULL check). */
  effect: TrustedArgEffect;
  /** Why a context-typed argument is a kernel object here: the program types whose context differs. */
  notContextIn?: string[];
}

/**
 * The pointer parameters of `def` as the verifier sorts them for the registrations `regs`
 * (the program types of their sets decide whether a context type is a context). `bpfParams`
 * are the parameters BPF passes (an implicit trailing argument already removed).
 */
export function pointerArgs(model: PatchModel, bpfParams: Param[], regs: Registration[]): PointerArg[] {
  const progTypes = [...new Set(regs.flatMap((r) => setReach(model, r.set).progTypes))];
  const out: PointerArg[] = [];
  bpfParams.forEach((p, index) => {
    const type = bareType(p.type);
    if (!type.includes('*') && !type.includes('[')) return;
    const arg: PointerArg = { param: p, index, kind: 'other', effect: 'none' };
    const bySuffix = argSuffix(p.suffix);
    const suffixKind = bySuffix ? SUFFIX_ARG_KIND[bySuffix.kind] : undefined;
    const next = bpfParams[index + 1];
    const struct = structPointee(type) ?? /^union (\w+) \*$/.exec(type)?.[1] ?? null;
    if (suffixKind) arg.kind = suffixKind;
    else if (next && isSizeSuffix(next.suffix)) arg.kind = 'sized-memory';
    else if (struct && NAMED_STRUCT_KIND[struct]) arg.kind = NAMED_STRUCT_KIND[struct];
    else if (struct && isIterStruct(struct)) arg.kind = 'iterator';
    else if (struct && isAnyProgContext(struct)) {
      // The context of every program type the set is registered for (or none visible): checked
      // as PTR_TO_CTX. A program type with another context that hands its programs kernel
      // objects as BTF pointers (tracing, struct_ops, netfilter) passes a kernel object there.
      const others = progTypes.filter((t) => !isProgContext(struct, t) && holdsBtfPointers(t));
      if (others.length) {
        arg.kind = 'kernel-object';
        arg.notContextIn = others;
      } else arg.kind = 'context';
    } else if (struct) arg.kind = 'kernel-object';
    else if (isScalarType(type.replace(/\s*\*$/, ''))) arg.kind = 'memory';
    arg.effect = POINTER_ARG_EFFECT[arg.kind];
    if (bySuffix?.kind === 'nullable' && arg.effect === 'null') arg.effect = 'none';
    // A map argument after a workqueue must be the map the workqueue lives in (check_kfunc_args()
    // compares map_ptr and map_uid), which a maybe-NULL register cannot be.
    if (arg.kind === 'map' && out.some((a) => a.kind === 'workqueue')) arg.effect = 'none';
    out.push(arg);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the code does with one pointer
// ---------------------------------------------------------------------------------------------

export interface UseSite {
  /** `deref`: read or written through; `call`: handed to code that is not visible; `store`: kept in an object for later. */
  how: 'deref' | 'call' | 'store';
  /** A NULL test of the pointer comes first (earlier in the same function, or before the call that leads here). */
  guarded: boolean;
  /** The expression as written, folded to one line. */
  text: string;
  file: string;
  line: number;
  /** Functions from the kfunc down to the use (the kfunc first). */
  chain: string[];
}

export interface ArgUse {
  /** The first use that needs a valid pointer, or null when the code never relies on it. */
  use: UseSite | null;
  /** Every such use, unguarded and deref first (at most a few). */
  uses: UseSite[];
  /** The first use that no NULL test precedes, or null. */
  unguarded: UseSite | null;
  /** A NULL test of the pointer or a copy of it, anywhere on the way. */
  nullTest: { text: string; file: string; line: number } | null;
  /** A sign that RCU protection is enough: a conditional reference grab or an RCU read on it. */
  rcu: { text: string; file: string; line: number } | null;
}

const MAX_DEPTH = 3;

/** Macros that compute a pointer from their first argument (an alias, not a use). */
const ALIAS_MACRO = /^(container_of|container_of_const|PTR_ALIGN|untagged_addr)$/;
/** Calls that only test their argument for NULL (or hint the branch). */
const NULL_TEST_CALL = /^(IS_ERR_OR_NULL|likely|unlikely|WARN_ON|WARN_ON_ONCE|WARN|WARN_ONCE|BUG_ON)$/;
/**
 * Calls that do not fault on a bad pointer they are given: printing or classifying it, and the
 * _nofault accessors, which catch the fault (mm/maccess.c).
 */
const NO_DEREF_CALL =
  /^(pr_\w+|printk\w*|dev_(err|warn|info|dbg)\w*|IS_ERR|PTR_ERR|ERR_CAST|sizeof|typeof|__same_type|\w+_nofault|probe_read\w*)$/;

const fold = (n: SyntaxNode, max = 80): string => {
  const t = n.text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
};
const lineOf = (n: SyntaxNode): number => n.startPosition.row + 1;

function strip(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (;;) {
    if (cur.type === 'parenthesized_expression' && cur.namedChildren.length === 1) cur = cur.namedChildren[0];
    else if (cur.type === 'cast_expression' && cur.childForFieldName('value')) cur = cur.childForFieldName('value')!;
    else return cur;
  }
}

function calleeOf(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  return fn?.type === 'identifier' ? fn.text : '';
}

/** `(u32)(x)` parses as a call of `(u32)`: a cast of a parenthesised value, not a call. */
function isCastCall(call: SyntaxNode): boolean {
  const fn = call.childForFieldName('function');
  return (
    fn?.type === 'parenthesized_expression' &&
    fn.namedChildren.length === 1 &&
    fn.namedChildren[0].type === 'identifier' &&
    argsOf(call).length === 1
  );
}

function argsOf(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
}

/** True when `n` evaluates to the pointer (or a pointer derived from it without reading through it). */
function carries(n: SyntaxNode, names: ReadonlySet<string>): boolean {
  const s = strip(n);
  if (s.type === 'identifier') return names.has(s.text);
  if (s.type === 'binary_expression') {
    const op = s.childForFieldName('operator')?.text;
    return (op === '+' || op === '-') && carries(s.childForFieldName('left')!, names);
  }
  if (s.type === 'call_expression' && (ALIAS_MACRO.test(calleeOf(s)) || isCastCall(s))) {
    const a = argsOf(s)[0];
    return !!a && carries(a, names);
  }
  if (s.type === 'pointer_expression' && s.child(0)?.text === '&') {
    const inner = strip(s.childForFieldName('argument')!);
    if (inner.type === 'field_expression' && inner.child(1)?.text === '->') return carries(inner.childForFieldName('argument')!, names);
    if (inner.type === 'subscript_expression') return carries(inner.childForFieldName('argument')!, names);
  }
  return false;
}

/** The identifier a declarator declares (`*p`, `p`, `p[4]`). */
function declaredName(d: SyntaxNode | null): string | null {
  let cur = d;
  while (cur && cur.type !== 'identifier') cur = cur.childForFieldName('declarator') ?? null;
  return cur?.text ?? null;
}

/** The pointer's names in `fn`: the parameter and every local that copies it (to a fixed point). */
function aliasesIn(fn: FunctionDef, start: ReadonlySet<string>): Set<string> {
  const names = new Set(start);
  const inits = fn.body.descendantsOfType('init_declarator');
  const assigns = fn.body.descendantsOfType('assignment_expression').filter((a) => a.childForFieldName('operator')?.text === '=');
  for (let changed = true; changed;) {
    changed = false;
    for (const d of inits) {
      const v = d.childForFieldName('value');
      const name = declaredName(d.childForFieldName('declarator'));
      if (v && name && !names.has(name) && carries(v, names)) {
        names.add(name);
        changed = true;
      }
    }
    for (const a of assigns) {
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (left?.type === 'identifier' && right && !names.has(left.text) && carries(right, names)) {
        names.add(left.text);
        changed = true;
      }
    }
  }
  return names;
}

/** Inside sizeof()/typeof(): the operand is never evaluated. */
function unevaluated(n: SyntaxNode, stop: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'sizeof_expression' || p.type === 'alignof_expression') return true;
    if (p.type === 'call_expression' && /^(typeof|__typeof__|__same_type|sizeof)$/.test(calleeOf(p))) return true;
  }
  return false;
}

/** `p` as the whole condition of an if/while/?:, or an operand of && / ||: a NULL test. */
function isTruthTest(n: SyntaxNode): boolean {
  let cur = n;
  while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  const p = cur.parent;
  if (!p) return false;
  if (p.type === 'if_statement' || p.type === 'while_statement' || p.type === 'do_statement')
    return p.childForFieldName('condition')?.id === cur.id;
  if (p.type === 'conditional_expression') return p.childForFieldName('condition')?.id === cur.id;
  if (p.type === 'binary_expression') return /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? '');
  if (p.type === 'unary_expression') return p.child(0)?.text === '!';
  return false;
}

const NULL_LITERAL = /^(NULL|0|\(void \*\)0)$/;

interface WalkState {
  model: PatchModel;
  uses: UseSite[];
  nullTest: ArgUse['nullTest'];
  rcu: ArgUse['rcu'];
  seen: Set<string>;
}

function walk(st: WalkState, fn: FunctionDef, start: ReadonlySet<string>, chain: string[], guarded: boolean): void {
  const key = `${fn.file}:${fn.name}:${[...start].sort().join(',')}:${guarded}`;
  if (st.seen.has(key)) return;
  st.seen.add(key);
  const names = aliasesIn(fn, start);
  const body = fn.body;
  // Where the first NULL test of the pointer sits in this function (byte offset).
  let firstTest = Infinity;
  const test = (n: SyntaxNode): void => {
    st.nullTest ??= { text: fold(n), file: fn.file, line: lineOf(n) };
    firstTest = Math.min(firstTest, n.startIndex);
  };
  const site = (how: UseSite['how'], n: SyntaxNode): UseSite => ({
    how,
    guarded: guarded || firstTest < n.startIndex,
    text: fold(n),
    file: fn.file,
    line: lineOf(n),
    chain,
  });
  const opensRcu = callsIn(body).some((c) => /^rcu_read_lock\w*$/.test(c.name) || (c.name === 'guard' && c.args[0]?.text.trim() === 'rcu'));
  // Source order, so that a test earlier in the body is seen before the uses it guards.
  const ids = body.descendantsOfType('identifier').sort((a, b) => a.startIndex - b.startIndex);
  for (const id of ids) {
    if (!names.has(id.text) || unevaluated(id, body)) continue;
    // Climb from the identifier through what still evaluates to the pointer.
    let top: SyntaxNode = id;
    for (;;) {
      const up = top.parent;
      if (!up || up.id === body.id) break;
      // `&p->field` and `&p[i]` only compute an address: still the pointer, not a read.
      const addrOf = up.parent?.type === 'pointer_expression' && up.parent.child(0)?.text === '&';
      const member = up.type === 'field_expression' && up.child(1)?.text === '->' && up.childForFieldName('argument')?.id === top.id;
      const element = up.type === 'subscript_expression' && up.childForFieldName('argument')?.id === top.id;
      if (addrOf && (member || element)) top = up.parent!;
      else if (carries(up, names)) top = up;
      else break;
    }
    const p = top.parent;
    if (!p) continue;
    if (isTruthTest(top)) {
      test(p);
      continue;
    }
    if (p.type === 'binary_expression' && /^(==|!=)$/.test(p.childForFieldName('operator')?.text ?? '')) {
      const other = p.childForFieldName('left')?.id === top.id ? p.childForFieldName('right') : p.childForFieldName('left');
      if (other && NULL_LITERAL.test(strip(other).text)) test(p);
      continue;
    }
    if (p.type === 'field_expression' && p.child(1)?.text === '->' && p.childForFieldName('argument')?.id === top.id) {
      st.uses.push(site('deref', p));
      if (opensRcu) st.rcu ??= { text: `${fold(p)} inside rcu_read_lock()`, file: fn.file, line: lineOf(p) };
      continue;
    }
    if (
      (p.type === 'pointer_expression' && p.child(0)?.text === '*') ||
      (p.type === 'subscript_expression' && p.childForFieldName('argument')?.id === top.id)
    ) {
      st.uses.push(site('deref', p));
      continue;
    }
    if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === top.id) {
      const left = p.childForFieldName('left');
      if (left && left.type !== 'identifier') st.uses.push(site('store', p));
      continue;
    }
    if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
      const call = p.parent;
      const callee = calleeOf(call);
      if (NULL_TEST_CALL.test(callee)) {
        test(call);
        continue;
      }
      if (NO_DEREF_CALL.test(callee) || ALIAS_MACRO.test(callee) || isCastCall(call)) continue;
      if (CONDITIONAL_GET.test(callee)) st.rcu ??= { text: fold(call), file: fn.file, line: lineOf(call) };
      if (RCU_READER.test(callee)) st.rcu ??= { text: fold(call), file: fn.file, line: lineOf(call) };
      const index = argsOf(call).findIndex((a) => a.id === top.id);
      const def = callee ? st.model.functions.get(callee) : undefined;
      if (def && def.side === 'new' && def.name !== fn.name && chain.length < MAX_DEPTH && def.params[index]?.name) {
        walk(st, def, new Set([def.params[index].name]), [...chain, def.name], guarded || firstTest < call.startIndex);
        continue;
      }
      st.uses.push({ ...site('call', call), text: `${callee || fold(call.childForFieldName('function')!)}()` });
      if (opensRcu) st.rcu ??= { text: `${fold(call)} inside rcu_read_lock()`, file: fn.file, line: lineOf(call) };
    }
  }
}

/** What `fn` (and the visible helpers it hands the pointer to) does with parameter `param`. */
export function argUse(model: PatchModel, fn: FunctionDef, param: string): ArgUse {
  const st: WalkState = { model, uses: [], nullTest: null, rcu: null, seen: new Set() };
  walk(st, fn, new Set([param]), [fn.name], false);
  const order = { deref: 0, call: 1, store: 2 } as const;
  const uses = [...st.uses].sort((a, b) => Number(a.guarded) - Number(b.guarded) || order[a.how] - order[b.how]);
  return {
    use: uses[0] ?? null,
    uses: uses.slice(0, 3),
    unguarded: uses.find((u) => !u.guarded) ?? null,
    nullTest: st.nullTest,
    rcu: st.rcu,
  };
}
