// What a function does with the sub-objects of its pointer parameters that need a reference or
// lock of their own (knowledge/sub-object-pins.ts): `task->mm` read from a task argument and
// kept in an iterator, handed to mmap_read_trylock(), or pinned with mmget() first.
//
// The value is followed through locals and through the lvalues it is stored into
// (`kit->data->mm = task->mm; ... mmget(kit->data->mm)`), and the owner into visible helpers
// that receive it (depth two). A read compared with something or tested for NULL is not a use.
// A function that compares the owner with `current` may be reading its own task's member,
// which needs no pin: it is left alone.
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { structPointee } from '../../model/c-query.js';
import { subObjectFact, type SubObjectFact } from '../../knowledge/sub-object-pins.js';
import { argsOf, calleeOf, declaredName, fold, lineOf, strip } from './syntax.js';

export interface SubObjectSite {
  text: string;
  file: string;
  line: number;
  chain: string[];
}

export interface SubObjectUse {
  fact: SubObjectFact;
  /** The owner parameter of the kfunc (the name it has there). */
  owner: string;
  field: string;
  /** The first raw read of the member. */
  read: SubObjectSite;
  /** Stored into an object or returned: kept beyond the statement. */
  kept: SubObjectSite | null;
  /** Handed to a call or dereferenced. */
  used: SubObjectSite | null;
  /** A pin of the value, or a getter on the owner. */
  pinned: SubObjectSite | null;
  /** The owner's lock taken in the same function. */
  locked: SubObjectSite | null;
}

/** Calls that only read a pointer value once (no use of what it points to). */
const VALUE_READ = /^(READ_ONCE|data_race|rcu_dereference\w*|rcu_access_pointer|smp_load_acquire)$/;
const norm = (n: SyntaxNode): string => n.text.replace(/\s+/g, '');
const MAX_DEPTH = 2;

/** Climb through parentheses, casts and one-shot value reads. */
function climb(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (;;) {
    const p = cur.parent;
    if (!p) return cur;
    if (p.type === 'parenthesized_expression' || p.type === 'cast_expression') cur = p;
    else if (p.type === 'argument_list' && p.parent && VALUE_READ.test(calleeOf(p.parent))) cur = p.parent;
    else return cur;
  }
}

type How = 'kept' | 'used' | 'pinned' | 'compare' | 'local' | 'none';

interface Ctx {
  fn: FunctionDef;
  fact: SubObjectFact;
  chain: string[];
}

/** What the expression at `top` (the value of the sub-object) is used for. */
function classify(top: SyntaxNode, ctx: Ctx): { how: How; node: SyntaxNode; local?: string; lvalue?: string } {
  const p = top.parent;
  if (!p) return { how: 'none', node: top };
  if (p.type === 'binary_expression' && /^(==|!=|&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? ''))
    return { how: 'compare', node: p };
  if (p.type === 'unary_expression' && p.child(0)?.text === '!') return { how: 'compare', node: p };
  if ((p.type === 'if_statement' || p.type === 'while_statement') && p.childForFieldName('condition')?.id === top.id)
    return { how: 'compare', node: p };
  if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id === top.id) return { how: 'compare', node: p };
  if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === top.id) {
    const left = p.childForFieldName('left')!;
    if (left.type === 'identifier') return { how: 'local', node: p, local: left.text };
    return { how: 'kept', node: p, lvalue: norm(left) };
  }
  if (p.type === 'assignment_expression') return { how: 'none', node: p };
  if (p.type === 'init_declarator' && p.childForFieldName('value')?.id === top.id)
    return { how: 'local', node: p, local: declaredName(p.childForFieldName('declarator')) ?? undefined };
  // Returned by the kfunc itself: handed to the program. A helper's return hands it back up.
  // Returned by the kfunc itself: the program gets it, and it outlives the call only when the
  // owner can drop it while the program still holds the owner. A helper's return hands it up.
  if (p.type === 'return_statement') return { how: ctx.chain.length === 1 && ctx.fact.useNeedsPin ? 'kept' : 'none', node: p };
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const call = p.parent;
    const callee = calleeOf(call);
    if (ctx.fact.pins.includes(callee)) return { how: 'pinned', node: call };
    if (/^(IS_ERR\w*|WARN\w*|BUG_ON|likely|unlikely|pr_\w+|printk)$/.test(callee)) return { how: 'compare', node: call };
    return { how: 'used', node: call };
  }
  if (p.type === 'field_expression' && p.childForFieldName('argument')?.id === top.id) return { how: 'used', node: p };
  if (p.type === 'pointer_expression' && p.child(0)?.text === '*') return { how: 'used', node: p };
  if (p.type === 'initializer_pair' || p.type === 'initializer_list') return { how: 'kept', node: p };
  return { how: 'none', node: p };
}

/** The owner's names in `fn`: the parameter and locals that copy it. */
function ownerAliases(fn: FunctionDef, param: string): Set<string> {
  const names = new Set([param]);
  for (const d of fn.body.descendantsOfType('init_declarator')) {
    const v = d.childForFieldName('value');
    const name = declaredName(d.childForFieldName('declarator'));
    if (v && name && strip(v).type === 'identifier' && names.has(strip(v).text)) names.add(name);
  }
  return names;
}

class Scan {
  readonly out: SubObjectUse[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly model: PatchModel) {}

  run(fn: FunctionDef, owner: string, param: string, struct: string, chain: string[]): void {
    const key = `${fn.file}:${fn.name}:${param}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const owners = ownerAliases(fn, param);
    const site = (n: SyntaxNode, c: string[]): SubObjectSite => ({ text: fold(n), file: fn.file, line: lineOf(n), chain: c });
    const calls = fn.body.descendantsOfType('call_expression');
    const rootIsOwner = (a: SyntaxNode | undefined): boolean => {
      let cur: SyntaxNode | null = a ? strip(a) : null;
      while (cur && cur.type !== 'identifier') {
        if (cur.type === 'pointer_expression' || cur.type === 'field_expression') cur = cur.childForFieldName('argument');
        else if (cur.type === 'parenthesized_expression') cur = cur.namedChildren[0] ?? null;
        else return false;
      }
      return !!cur && owners.has(cur.text);
    };
    // The owner compared with current: the member may be current's own.
    const mayBeCurrent = fn.body
      .descendantsOfType('binary_expression')
      .some(
        (b) =>
          /^(==|!=)$/.test(b.childForFieldName('operator')?.text ?? '') &&
          /\bcurrent\b/.test(b.text) &&
          [...owners].some((o) => new RegExp(`\\b${o}\\b`).test(b.text)),
      );
    const byField = new Map<string, SubObjectUse>();
    for (const fe of fn.body.descendantsOfType('field_expression')) {
      if (fe.child(1)?.text !== '->') continue;
      const arg = fe.childForFieldName('argument');
      const field = fe.childForFieldName('field')?.text ?? '';
      if (!arg || strip(arg).type !== 'identifier' || !owners.has(strip(arg).text)) continue;
      const fact = subObjectFact(struct, field);
      if (!fact || mayBeCurrent) continue;
      // `file->f_path.dentry`, `&file->f_path`: the member's value as used.
      let top: SyntaxNode = fe;
      while (
        top.parent?.type === 'field_expression' &&
        top.parent.child(1)?.text === '.' &&
        top.parent.childForFieldName('argument')?.id === top.id
      )
        top = top.parent;
      if (top.parent?.type === 'pointer_expression' && top.parent.child(0)?.text === '&') top = top.parent;
      top = climb(top);
      const ctx: Ctx = { fn, fact, chain };
      const c = classify(top, ctx);
      if (c.how === 'none' && top.parent?.type === 'assignment_expression') continue; // the member is written
      let use = byField.get(field);
      if (!use) {
        use = { fact, owner, field, read: site(fe, chain), kept: null, used: null, pinned: null, locked: null };
        byField.set(field, use);
        this.out.push(use);
      }
      this.record(use, c, ctx, site);
      // Follow the value through the locals and lvalues that now hold it.
      const holders: string[] = [];
      if (c.local) holders.push(c.local);
      if (c.lvalue) holders.push(c.lvalue);
      for (const h of holders) {
        for (const n of fn.body.descendantsOfType(['identifier', 'field_expression'])) {
          if (norm(n) !== h || n.startIndex <= c.node.startIndex) continue;
          if (n.parent?.type === 'field_expression' && n.parent.childForFieldName('argument')?.id !== n.id) continue;
          const t = climb(n);
          if (t.parent?.type === 'assignment_expression' && t.parent.childForFieldName('left')?.id === t.id) continue;
          const hc = classify(t, ctx);
          if (hc.how === 'local' || hc.how === 'none') continue;
          this.record(use, hc, ctx, site);
        }
      }
    }
    for (const use of byField.values()) {
      for (const call of calls) {
        const callee = calleeOf(call);
        const a0 = argsOf(call)[0];
        if (!use.pinned && use.fact.getters.includes(callee) && rootIsOwner(a0)) use.pinned = site(call, chain);
        if (!use.locked && use.fact.locks.includes(callee) && rootIsOwner(a0)) use.locked = site(call, chain);
      }
    }
    // The owner handed to a visible helper: the helper's reads count for this kfunc.
    if (chain.length > MAX_DEPTH) return;
    for (const call of calls) {
      const def = this.model.functions.get(calleeOf(call));
      if (!def || def.side !== 'new' || def.isKfunc || def.name === fn.name) continue;
      argsOf(call).forEach((a, i) => {
        const s = strip(a);
        const p = def.params[i];
        if (s.type === 'identifier' && owners.has(s.text) && p?.name && structPointee(p.type) === struct)
          this.run(def, owner, p.name, struct, [...chain, def.name]);
      });
    }
  }

  private record(
    use: SubObjectUse,
    c: { how: How; node: SyntaxNode },
    ctx: Ctx,
    site: (n: SyntaxNode, c: string[]) => SubObjectSite,
  ): void {
    if (c.how === 'kept') use.kept ??= site(c.node, ctx.chain);
    else if (c.how === 'used') use.used ??= site(c.node, ctx.chain);
    else if (c.how === 'pinned') use.pinned ??= site(c.node, ctx.chain);
  }
}

/** The sub-objects of `fn`'s pointer parameters that it reads, and what it does with them. */
export function subObjectUses(model: PatchModel, fn: FunctionDef): SubObjectUse[] {
  const scan = new Scan(model);
  for (const p of fn.params) {
    const struct = structPointee(p.type);
    if (struct && p.name) scan.run(fn, p.name, p.name, struct, [fn.name]);
  }
  // Uses found in helpers merge with the kfunc's own per owner and member.
  const merged = new Map<string, SubObjectUse>();
  for (const u of scan.out) {
    const key = `${u.owner}.${u.field}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { ...u });
    else {
      m.kept ??= u.kept;
      m.used ??= u.used;
      m.pinned ??= u.pinned;
      m.locked ??= u.locked;
    }
  }
  return [...merged.values()];
}
