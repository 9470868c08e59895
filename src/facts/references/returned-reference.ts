// Where the pointer a function returns comes from, and whether the function hands its caller
// a reference with it: a reference grab on the returned object (tryget or plain get), a kernel
// getter documented to return a referenced object, an allocator, an unlink from the container
// that owned the object, or a registered KF_ACQUIRE kfunc. The return value is followed through
// locals, `?:` branches, casts and conversions, and into visible callees (static helpers of the
// patch, callees the tree offers), including helpers that return one of their arguments.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { definitionOf, hasFlag, registrationsOf, returnsIn } from '../../model/c-query.js';
import { calleeFact } from '../../knowledge/callee-facts.js';
import { REFERENCE_GETTERS } from '../../knowledge/reference-getters.js';
import { OBJECT_ALLOCATORS } from '../../knowledge/object-allocators.js';
import { UNLINKING_CALLS } from '../../knowledge/unlinking-calls.js';
import { type EffectAnalysis, MAX_CALL_DEPTH, type ObjectEffect } from './object-effects.js';
import { calleeName, callArgs, isErrorPointer, sameObjectCall, stripValue, valueBranches } from './object-names.js';

export type ReferenceKind = 'tryget' | 'get' | 'getter' | 'alloc' | 'unlink' | 'acquire-kfunc';

export interface ReferenceSource {
  kind: ReferenceKind;
  /** The call that takes the reference, allocates or unlinks. */
  call: string;
  file: string;
  line: number;
  /** The functions from the one asked about down to the one holding the call. */
  via: string[];
  /** The source can fail, so the function may hand back NULL or an error instead. */
  mayFail: boolean;
  /** For a grab: the parameter (of the function asked about) whose object it is taken on. */
  param?: string;
  why: string;
}

export interface ReturnedReference {
  /** The first reference the returned pointer carries, or null when none is visible. */
  source: ReferenceSource | null;
  /** Parameters the function returns as they came (possibly cast or converted). */
  params: string[];
  /**
   * Where the returned object was linked into a container or stored in another object: that
   * owner holds it, and the function returns a borrowed pointer.
   */
  owner: ObjectEffect | null;
}

interface ValueResult {
  source: ReferenceSource | null;
  params: string[];
  owner?: ObjectEffect | null;
}

const RANK: Record<ReferenceKind, number> = { tryget: 0, get: 1, unlink: 2, alloc: 3, getter: 4, 'acquire-kfunc': 5 };

function better(a: ReferenceSource | null, b: ReferenceSource | null): ReferenceSource | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[b.kind] < RANK[a.kind] ? b : a;
}

export class ReturnAnalysis {
  private memo = new Map<string, ReturnedReference>();

  constructor(
    private readonly model: PatchModel,
    private readonly effects: EffectAnalysis,
  ) {}

  returned(fn: FunctionDef, stack: string[] = [fn.name]): ReturnedReference {
    // Keyed by the whole call stack: what a helper can reach depends on where it was entered.
    const k = `${fn.file}:${fn.line}:${stack.join('>')}`;
    const memo = this.memo.get(k);
    if (memo) return memo;
    let source: ReferenceSource | null = null;
    let owner: ObjectEffect | null = null;
    const params = new Set<string>();
    for (const r of returnsIn(fn.body)) {
      if (!r.expr) continue;
      for (const v of valueBranches(r.expr)) {
        if (isErrorPointer(v)) continue;
        const res = this.valueSource(fn, v, stack, new Set());
        source = better(source, res.source);
        owner ??= res.owner ?? null;
        for (const p of res.params) params.add(p);
      }
    }
    const out = { source, params: [...params], owner };
    this.memo.set(k, out);
    return out;
  }

  /** What the value `v` of `fn` carries. */
  private valueSource(fn: FunctionDef, v: SyntaxNode, stack: string[], seen: Set<string>): ValueResult {
    const x = stripValue(v);
    if (x.type === 'call_expression') return this.callSource(fn, x, stack, seen);
    if (x.type === 'conditional_expression') {
      let source: ReferenceSource | null = null;
      let owner: ObjectEffect | null = null;
      const params: string[] = [];
      for (const b of valueBranches(x)) {
        const r = this.valueSource(fn, b, stack, seen);
        source = better(source, r.source);
        owner ??= r.owner ?? null;
        params.push(...r.params);
      }
      return { source, params, owner };
    }
    const names = this.effects.namesOf(fn);
    const key = names.key(x);
    if (!key) return { source: null, params: [] };
    const effects = this.effects.effectsOn(fn, key, stack);
    // Linked into a container or stored in another object: that owner holds the object, what
    // the function returns is a borrowed pointer.
    const owner = effects.find((e) => e.kind === 'link' || e.kind === 'store');
    if (owner) return { source: null, params: [], owner };
    let source: ReferenceSource | null = null;
    for (const e of effects) {
      if (e.kind !== 'tryget' && e.kind !== 'get' && e.kind !== 'unlink') continue;
      source = better(source, {
        kind: e.kind,
        call: e.call,
        file: e.file,
        line: e.line,
        via: e.via,
        mayFail: e.kind === 'tryget',
        param: names.params.has(key) && e.kind !== 'unlink' ? key : undefined,
        why: e.why,
      });
    }
    const params: string[] = [];
    if (names.params.has(key)) params.push(key);
    // A local assigned from calls carries what those calls return.
    if (!names.params.has(key) && !seen.has(key)) {
      seen.add(key);
      for (const a of names.assignments.get(key) ?? []) {
        const value = stripValue(a.value);
        if (value.type !== 'call_expression' && value.type !== 'conditional_expression') continue;
        const r = this.valueSource(fn, value, stack, seen);
        source = better(source, r.source);
        params.push(...r.params);
      }
    }
    return { source, params };
  }

  private callSource(fn: FunctionDef, x: SyntaxNode, stack: string[], seen: Set<string>): ValueResult {
    const name = calleeName(x);
    const line = x.startPosition.row + 1;
    const at = (kind: ReferenceKind, mayFail: boolean, why: string): ValueResult => ({
      source: { kind, call: name, file: fn.file, line, via: [fn.name], mayFail, why },
      params: [],
    });
    const getter = calleeFact(REFERENCE_GETTERS, name);
    if (getter) return at('getter', getter.fails !== 'never', `${getter.why} (released with ${getter.put})`);
    const alloc = calleeFact(OBJECT_ALLOCATORS, name);
    if (alloc) return at('alloc', true, alloc.why);
    const unlink = calleeFact(UNLINKING_CALLS, name);
    if (unlink && unlink.how === 'returns') return at('unlink', true, unlink.why);
    const regs = name !== fn.name ? registrationsOf(this.model, name) : [];
    if (regs.some((r) => hasFlag(r, 'KF_ACQUIRE')))
      return at(
        'acquire-kfunc',
        regs.some((r) => hasFlag(r, 'KF_RET_NULL')),
        `${name}() is registered with KF_ACQUIRE`,
      );
    const inner = sameObjectCall(x);
    if (inner) return this.valueSource(fn, inner, stack, seen);
    if (stack.includes(name) || stack.length >= MAX_CALL_DEPTH) return { source: null, params: [] };
    const callee = definitionOf(this.model, name);
    if (!callee) return { source: null, params: [] };
    const sub = this.returned(callee, [...stack, name]);
    let source: ReferenceSource | null = sub.source ? { ...sub.source, via: [fn.name, ...sub.source.via], param: undefined } : null;
    const params: string[] = [];
    const owner = sub.owner;
    // A helper that returns one of its arguments returns what the caller passed.
    const args = callArgs(x);
    for (const p of sub.params) {
      const i = callee.params.findIndex((q) => q.name === p);
      if (i < 0 || !args[i]) continue;
      const r = this.valueSource(fn, args[i], stack, seen);
      source = better(source, r.source);
      params.push(...r.params);
    }
    return { source, params, owner };
  }
}
