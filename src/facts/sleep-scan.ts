// Which calls of a function may sleep, following visible helpers, and which atomic sections
// the function body opens itself. The tables it reads are kernel knowledge:
// knowledge/sleepers.ts (sleeping and non-sleeping callees), knowledge/atomic-sections.ts
// (section openers and closers) and knowledge/gfp.ts (blocking and non-blocking masks).
import type { SyntaxNode } from '../model/c-parser.js';
import { callsIn, parentOf, type CallSite } from '../model/c-query.js';
import { chargeWork } from '../model/work.js';
import type { FunctionDef, PatchModel } from '../model/model.js';
import { isTrivialCall, nonSleeperFor, sleeperFor, type SleeperEntry } from '../knowledge/sleepers.js';
import { atomicAcquire, atomicGuard, atomicRelease, type AtomicKind } from '../knowledge/atomic-sections.js';
import { BLOCKING_GFP, NONBLOCKING_GFP, type GfpClass } from '../knowledge/gfp.js';

// ---------------------------------------------------------------------------------------------
// GFP expressions
// ---------------------------------------------------------------------------------------------

function stripParens(t: string): string {
  let s = t.trim();
  while (s.startsWith('(') && s.endsWith(')')) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')') depth--;
      if (depth === 0 && i < s.length - 1) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    s = s.slice(1, -1).trim();
  }
  return s;
}

/** Splits on `sep` at paren depth 0 (`sep` is a single character; `&&`/`||` are not split on). */
function splitTop(t: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth === 0 && c === sep && t[i + 1] !== sep && t[i - 1] !== sep) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * Classifies a gfp_t expression. `resolve` maps an identifier (a parameter or local) to the
 * expression it holds, or undefined when it is not known.
 */
export function classifyGfp(expr: string, resolve: (ident: string) => string | undefined = () => undefined, depth = 0): GfpClass {
  const t = stripParens(expr.replace(/\(\s*gfp_t\s*\)/g, '').replace(/\s+/g, ' '));
  if (depth > 6 || t === '') return 'unknown';
  const tern = /^(.+?)\?(.+):(.+)$/.exec(t);
  if (tern) {
    const a = classifyGfp(tern[2], resolve, depth + 1);
    const b = classifyGfp(tern[3], resolve, depth + 1);
    return a === b ? a : 'unknown';
  }
  // `|` binds loosest: any blocking term makes the mask blocking.
  const orParts = splitTop(t, '|');
  if (orParts.length > 1) {
    const cls = orParts.map((p) => classifyGfp(p, resolve, depth + 1));
    return cls.includes('blocking') ? 'blocking' : cls.includes('unknown') ? 'unknown' : 'nonblocking';
  }
  const andParts = splitTop(t, '&');
  if (andParts.length > 1) {
    // `mask & ~__GFP_DIRECT_RECLAIM` removes the blocking bit.
    if (andParts.slice(1).some((p) => /^~\s*\(?[^)]*__GFP_(DIRECT_)?RECLAIM\b/.test(p))) return 'nonblocking';
    return classifyGfp(andParts[0], resolve, depth + 1);
  }
  if (BLOCKING_GFP.includes(t)) return 'blocking';
  if (NONBLOCKING_GFP.includes(t)) return 'nonblocking';
  if (/^\w+$/.test(t)) {
    const r = resolve(t);
    return r === undefined ? 'unknown' : classifyGfp(r, resolve, depth + 1);
  }
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// Scanning a function for sleeping calls
// ---------------------------------------------------------------------------------------------

export interface ChainStep {
  /** Function the call sits in. */
  fn: string;
  file: string;
  line: number;
  /** The callee as written (`guard(mutex)` for lock guards). */
  callee: string;
}

export interface SleepHit {
  entry: SleeperEntry;
  /** The sleeping callee, as matched (`kzalloc`, `guard(mutex)`). */
  callee: string;
  /** For allocations: the gfp expression as written at the allocation (or the implicit mask). */
  gfp: string | null;
  /** From the scanned function down to the sleeping call. */
  chain: ChainStep[];
  /** The call in the scanned function that starts the chain. */
  top: CallSite;
  certain: boolean;
}

export interface SleepScan {
  hits: SleepHit[];
  /** Callees we could not judge: not in the tables, not visible, indirect, too deep, or an
   *  allocation whose gfp mask could not be evaluated. */
  unknown: string[];
  /** Visible helpers that were followed. */
  followed: string[];
}

export const MAX_SLEEP_DEPTH = 3;

interface Binding {
  text: string;
  env: Env;
  fn: FunctionDef;
}
type Env = Map<string, Binding>;

/** The canonical name of a call: `guard(mutex)` for cleanup.h guards, else the identifier. */
export function calleeName(c: CallSite): string | null {
  const fn = c.node.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier') {
    if (/^(scoped_guard|guard|scoped_cond_guard)$/.test(fn.text) && c.args[0]) return `${fn.text}(${c.args[0].text.trim()})`;
    return fn.text;
  }
  return null;
}

/** A call through a pointer (`ops->fn()`, `(*fp)()`), not the outer call of `guard(x)(&l)`. */
function isIndirect(c: CallSite): boolean {
  const fn = c.node.childForFieldName('function');
  return !!fn && fn.type !== 'identifier' && fn.type !== 'call_expression';
}

/** Expressions assigned to a local `name` inside `body` (declaration initialisers and `name = x`). */
function localValues(body: SyntaxNode, name: string): string[] {
  const out: string[] = [];
  for (const d of body.descendantsOfType('init_declarator')) {
    if (d.childForFieldName('declarator')?.text === name) {
      const v = d.childForFieldName('value');
      if (v) out.push(v.text);
    }
  }
  for (const a of body.descendantsOfType('assignment_expression')) {
    if (a.childForFieldName('left')?.text === name && a.childForFieldName('operator')?.text === '=') {
      const v = a.childForFieldName('right');
      if (v) out.push(v.text);
    }
  }
  return out;
}

function resolverFor(fn: FunctionDef, env: Env): (ident: string) => string | undefined {
  return (ident) => {
    const b = env.get(ident);
    if (b) {
      // Evaluate the argument in the caller's scope and hand back a canonical mask.
      const c = classifyGfp(b.text, resolverFor(b.fn, b.env));
      return c === 'blocking' ? 'GFP_KERNEL' : c === 'nonblocking' ? 'GFP_NOWAIT' : undefined;
    }
    const vals = localValues(fn.body, ident);
    if (!vals.length) return undefined;
    const classes = new Set(vals.map((v) => classifyGfp(v, resolverFor(fn, env))));
    if (classes.size !== 1) return undefined;
    const c = [...classes][0];
    return c === 'blocking' ? 'GFP_KERNEL' : c === 'nonblocking' ? 'GFP_NOWAIT' : undefined;
  };
}

/** The gfp expression as the reader should see it: a helper parameter shows what the caller passed. */
function gfpText(text: string, env: Env): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const b = /^\w+$/.test(t) ? env.get(t) : undefined;
  return b ? `${gfpText(b.text, b.env)} (as ${t})` : t;
}

/** Implicit mask of allocators without a gfp argument, for messages. */
function implicitGfp(entry: SleeperEntry): string {
  return `${entry.implicitGfp ?? 'GFP_KERNEL'} (implicit)`;
}

/**
 * Follows the calls of `fn` through visible helpers (model.functions, depth <= 3, cycle-safe)
 * and collects every call that may sleep, with the chain that reaches it. Arguments are bound
 * to helper parameters, so a helper that allocates with its caller's gfp mask is judged by
 * the mask the caller passes.
 */
export function scanSleeps(model: PatchModel, fn: FunctionDef): SleepScan {
  const out: SleepScan = { hits: [], unknown: [], followed: [] };
  const seenHit = new Set<string>();
  const unknown = new Set<string>();
  // A helper called again from the same walk with the same arguments finds the same hits (they
  // are kept per top call and call site, first one wins): walking it once per call site made
  // 80 calls to a helper making 80 calls... grow as 80^depth.
  const walked = new Set<string>();
  const envIds = new Map<Env, number>();
  const envId = (e: Env) => {
    let n = envIds.get(e);
    if (n === undefined) {
      n = envIds.size;
      envIds.set(e, n);
    }
    return n;
  };
  const walk = (cur: FunctionDef, env: Env, chain: ChainStep[], stack: Set<string>, top: CallSite | null): void => {
    const calls = callsIn(cur.body);
    chargeWork(calls.length + 1);
    for (const c of calls) {
      const name = calleeName(c);
      const topCall = top ?? c;
      if (!name) {
        if (isIndirect(c)) unknown.add(`indirect call ${c.node.childForFieldName('function')?.text ?? '?'}()`);
        continue;
      }
      const step: ChainStep = { fn: cur.name, file: cur.file, line: c.line, callee: name };
      if (nonSleeperFor(name)) continue;
      const entry = sleeperFor(name);
      const seen = model.functions.get(name);
      // A callee that sleeps only on some paths: when its code is visible (a patch file, or a
      // --tree callee region), follow it; a sleeper it reaches makes the call a certain sleep.
      if (entry && entry.certainty === 'may' && seen && seen.side === 'new' && !stack.has(name) && chain.length + 1 <= MAX_SLEEP_DEPTH) {
        const before = out.hits.length;
        if (!out.followed.includes(name)) out.followed.push(name);
        const inner: Env = new Map();
        seen.params.forEach((p, i) => {
          if (p.name && c.args[i]) inner.set(p.name, { text: c.args[i].text, env, fn: cur });
        });
        stack.add(name);
        walk(seen, inner, [...chain, step], stack, topCall);
        stack.delete(name);
        if (out.hits.slice(before).some((h) => h.certain)) continue;
      }
      if (entry) {
        let gfp: string | null = null;
        const certain = entry.certainty === 'always';
        const gi = entry.gfpArg?.[name];
        if (gi !== undefined) {
          const arg = c.args[gi];
          if (!arg) {
            unknown.add(`${name}() (gfp argument not found)`);
            continue;
          }
          const cls = classifyGfp(arg.text, resolverFor(cur, env));
          if (cls === 'nonblocking') continue;
          if (cls === 'unknown') {
            unknown.add(`${name}(..., ${arg.text.trim()}) (gfp mask not known)`);
            continue;
          }
          gfp = gfpText(arg.text, env);
        } else if (entry.alloc) {
          gfp = implicitGfp(entry);
        }
        const key = `${topCall.node.startIndex}:${cur.name}:${c.node.startIndex}`;
        if (!seenHit.has(key)) {
          seenHit.add(key);
          out.hits.push({ entry, callee: name, gfp, chain: [...chain, step], top: topCall, certain });
        }
        continue;
      }
      const def = model.functions.get(name);
      if (def && def.side === 'new') {
        if (stack.has(name)) continue; // recursion: already on this chain
        if (chain.length + 1 > MAX_SLEEP_DEPTH) {
          unknown.add(`${name}() (beyond depth ${MAX_SLEEP_DEPTH})`);
          continue;
        }
        const again = `${topCall.node.startIndex}|${envId(env)}|${name}|${c.args.map((a) => a.text).join(',')}`;
        if (walked.has(again)) continue;
        walked.add(again);
        if (!out.followed.includes(name)) out.followed.push(name);
        const inner: Env = new Map();
        def.params.forEach((p, i) => {
          if (p.name && c.args[i]) inner.set(p.name, { text: c.args[i].text, env, fn: cur });
        });
        stack.add(name);
        walk(def, inner, [...chain, step], stack, topCall);
        stack.delete(name);
        continue;
      }
      if (isTrivialCall(name)) continue;
      unknown.add(`${name}()`);
    }
  };
  walk(fn, new Map(), [], new Set([fn.name]), null);
  out.unknown = [...unknown];
  return out;
}

/** `bpf_foo() -> helper() [file:12] -> mutex_lock() [file:30]`. */
export function describeChain(h: SleepHit): string {
  const parts = [`${h.chain[0]?.fn ?? '?'}()`];
  for (const s of h.chain) parts.push(`${s.callee}() [${s.file}:${s.line}]`);
  return parts.join(' -> ');
}

// ---------------------------------------------------------------------------------------------
// Atomic sections inside one function body
// ---------------------------------------------------------------------------------------------

export interface HeldSection {
  kind: AtomicKind;
  /** The call that opened it, as written (`spin_lock_irqsave(&w->lock, flags)`). */
  opener: string;
  line: number;
  /** Byte range of the function text where the section is held. */
  from: number;
  to: number;
  /** Ranges inside [from, to] where an early-exit branch already released it. */
  holes: [number, number][];
}

function enclosingBlock(n: SyntaxNode, stop: SyntaxNode): SyntaxNode | null {
  let p = parentOf(n);
  while (p && p.id !== stop.id) {
    if (p.type === 'compound_statement') return p;
    p = parentOf(p);
  }
  return null;
}

function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** A block that ends the path (its last statement returns or jumps). */
function terminates(block: SyntaxNode): boolean {
  const stmts = block.namedChildren.filter((c) => c.type !== 'comment');
  const last = stmts[stmts.length - 1];
  return !!last && /^(return_statement|goto_statement|break_statement|continue_statement)$/.test(last.type);
}

function norm(t: string): string {
  return t.replace(/\s+/g, '');
}

/**
 * The atomic sections the function body opens itself, in source order: spin_lock/unlock pairs,
 * rcu_read_lock, preempt_disable, local_irq_save, and guard()/scoped_guard() forms. A release
 * inside an early-exit branch (`if (err) { spin_unlock(&l); return -E; }`) ends the section only
 * inside that branch.
 */
export function atomicSections(fn: FunctionDef): HeldSection[] {
  const body = fn.body;
  const out: HeldSection[] = [];
  const open: { s: HeldSection; lock: string; node: SyntaxNode }[] = [];
  const calls = callsIn(body).sort((a, b) => a.node.startIndex - b.node.startIndex);
  for (const c of calls) {
    const fnNode = c.node.childForFieldName('function');
    if (!fnNode || fnNode.type !== 'identifier') continue;
    const name = fnNode.text;
    if (name === 'guard' && c.args[0]) {
      const sec = atomicGuard(c.args[0].text.trim());
      if (!sec) continue;
      const block = enclosingBlock(c.node, body) ?? body;
      const outer = c.node.parent?.type === 'call_expression' ? c.node.parent : c.node;
      out.push({
        kind: sec.kind,
        opener: outer.text.replace(/\s+/g, ' '),
        line: c.line,
        from: c.node.endIndex,
        to: block.endIndex,
        holes: [],
      });
      continue;
    }
    if (name === 'scoped_guard' && c.args[0]) {
      const sec = atomicGuard(c.args[0].text.trim());
      if (!sec) continue;
      const stmt = c.node.parent?.type === 'expression_statement' ? c.node.parent : c.node;
      const next = stmt.nextNamedSibling;
      if (!next) continue;
      out.push({
        kind: sec.kind,
        opener: c.node.text.replace(/\s+/g, ' '),
        line: c.line,
        from: next.startIndex,
        to: next.endIndex,
        holes: [],
      });
      continue;
    }
    const acq = atomicAcquire(name);
    if (acq) {
      const s: HeldSection = {
        kind: acq.kind,
        opener: c.node.text.replace(/\s+/g, ' '),
        line: c.line,
        from: c.node.endIndex,
        to: body.endIndex,
        holes: [],
      };
      out.push(s);
      open.push({ s, lock: acq.kind === 'spinlock' && c.args[0] ? norm(c.args[0].text) : acq.kind, node: c.node });
      continue;
    }
    const rel = atomicRelease(name);
    if (rel) {
      const lock = rel.kind === 'spinlock' && c.args[0] ? norm(c.args[0].text) : rel.kind;
      for (let i = open.length - 1; i >= 0; i--) {
        const o = open[i];
        if (o.s.kind !== rel.kind || o.lock !== lock || c.node.startIndex < o.s.from) continue;
        const block = enclosingBlock(c.node, body);
        if (block && !contains(block, o.node) && terminates(block)) {
          o.s.holes.push([c.node.startIndex, block.endIndex]);
        } else {
          o.s.to = c.node.startIndex;
          open.splice(i, 1);
        }
        break;
      }
    }
  }
  // scoped_guard(rcu) { ... } parses as a nested function definition named by its class.
  for (const d of body.descendantsOfType('function_definition')) {
    if (d.childForFieldName('type')?.text !== 'scoped_guard') continue;
    const cls = (d.childForFieldName('declarator')?.text ?? '').replace(/[()\s]/g, '').split(',')[0];
    const sec = atomicGuard(cls);
    const inner = d.childForFieldName('body');
    if (sec && inner)
      out.push({
        kind: sec.kind,
        opener: `scoped_guard(${cls})`,
        line: d.startPosition.row + 1,
        from: inner.startIndex,
        to: inner.endIndex,
        holes: [],
      });
  }
  return out;
}

/** The sections held at byte offset `at` of the function text. */
export function heldAt(sections: HeldSection[], at: number): HeldSection[] {
  return sections.filter((s) => at > s.from && at < s.to && !s.holes.some(([a, b]) => at >= a && at <= b));
}
