// Does an iterator constructor write its state on every path before it returns? The verifier
// marks the program's iterator slots initialised whatever the constructor returns
// (process_iter_arg() -> mark_stack_slots_iter() in kernel/bpf/verifier.c, 6.12), so _next()
// and _destroy() run on the state after a failed _new() too: a return that leaves it unwritten
// hands them stack garbage.
//
// A path-sensitive walk over the structured body: "written" must hold on every path into a
// return. A write is an assignment or increment through the state or a local copy of it
// (`kit->pos = NULL`, `s->cur = s->end = 0`), or a call that is given the state or the address
// of a part of it (`memset(kit, 0, ...)`, `INIT_LIST_HEAD(&kit->node)`, an init helper).
import type { SyntaxNode } from '../../model/c-parser.js';
import type { FunctionDef } from '../../model/model.js';
import { argsOf, declaredName, fold, lineOf, strip, unevaluated } from './syntax.js';

export interface UnwrittenReturn {
  text: string;
  line: number;
}

export interface IterInit {
  /** Names the state goes by in the body (the parameter and its copies). */
  names: string[];
  /** Returns reached on some path before any write to the state. */
  unwritten: UnwrittenReturn[];
  /** The first write to the state, for evidence; null when there is none. */
  firstWrite: { text: string; line: number } | null;
}

/** The parameter and every local initialised or assigned from it (through casts). */
function aliases(fn: FunctionDef, param: string): Set<string> {
  const names = new Set([param]);
  const copies = (v: SyntaxNode | null): boolean => !!v && strip(v).type === 'identifier' && names.has(strip(v).text);
  for (let changed = true; changed;) {
    changed = false;
    for (const d of fn.body.descendantsOfType('init_declarator')) {
      const name = declaredName(d.childForFieldName('declarator'));
      if (name && !names.has(name) && copies(d.childForFieldName('value'))) {
        names.add(name);
        changed = true;
      }
    }
    for (const a of fn.body.descendantsOfType('assignment_expression')) {
      const left = a.childForFieldName('left');
      if (left?.type === 'identifier' && !names.has(left.text) && copies(a.childForFieldName('right'))) {
        names.add(left.text);
        changed = true;
      }
    }
  }
  return names;
}

/** The identifier an lvalue is reached from (`kit->a.b[2]` -> `kit`), or null. */
function rootOf(n: SyntaxNode): SyntaxNode | null {
  let cur: SyntaxNode | null = strip(n);
  while (cur) {
    if (cur.type === 'identifier') return cur;
    if (cur.type === 'field_expression' || cur.type === 'subscript_expression' || cur.type === 'pointer_expression')
      cur = cur.childForFieldName('argument') ? strip(cur.childForFieldName('argument')!) : null;
    else return null;
  }
  return null;
}

class Walker {
  readonly unwritten: UnwrittenReturn[] = [];
  firstWrite: { text: string; line: number } | null = null;
  private readonly labels = new Map<string, boolean>();
  private readonly breaks: boolean[][] = [];

  constructor(
    private readonly fn: FunctionDef,
    private readonly names: ReadonlySet<string>,
  ) {}

  /** Is `n` (or something in it) a write to the state? */
  writes(n: SyntaxNode | null): boolean {
    if (!n) return false;
    const isState = (e: SyntaxNode): boolean => {
      const s = strip(e);
      if (s.type === 'identifier') return false; // a plain local assignment, not through the state
      const root = rootOf(s);
      return !!root && this.names.has(root.text);
    };
    const hit = (node: SyntaxNode): boolean => {
      this.firstWrite ??= { text: fold(node), line: lineOf(node) };
      return true;
    };
    for (const a of n.type === 'assignment_expression' ? [n] : n.descendantsOfType('assignment_expression'))
      if (isState(a.childForFieldName('left')!)) return hit(a);
    for (const u of n.type === 'update_expression' ? [n] : n.descendantsOfType('update_expression'))
      if (isState(u.childForFieldName('argument')!)) return hit(u);
    for (const c of n.type === 'call_expression' ? [n] : n.descendantsOfType('call_expression')) {
      if (unevaluated(c, this.fn.body) || /^(BUILD_BUG_ON\w*|static_assert|sizeof)$/.test(c.childForFieldName('function')?.text ?? ''))
        continue;
      for (const a of argsOf(c)) {
        const s = strip(a);
        if (s.type === 'identifier' && this.names.has(s.text)) return hit(c);
        if (s.type === 'pointer_expression' && s.child(0)?.text === '&') {
          const root = rootOf(s.childForFieldName('argument')!);
          if (root && this.names.has(root.text)) return hit(c);
        }
      }
    }
    return false;
  }

  /** Walks one statement entered with state `w` (null: unreachable); the state after it, null when it never falls through. */
  stmt(n: SyntaxNode, w: boolean | null): boolean | null {
    if (n.type === 'labeled_statement') {
      const label = n.childForFieldName('label')?.text ?? '';
      const incoming = this.labels.get(label);
      const st = w === null ? (incoming ?? true) : incoming === undefined ? w : w && incoming;
      const inner = n.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'statement_identifier').at(-1);
      return inner ? this.stmt(inner, st) : st;
    }
    if (w === null) return null;
    switch (n.type) {
      case 'comment':
        return w;
      case 'compound_statement': {
        let cur: boolean | null = w;
        for (const c of n.namedChildren) cur = this.stmt(c, cur);
        return cur;
      }
      case 'return_statement':
        if (!w && !this.writes(n)) this.unwritten.push({ text: fold(n), line: lineOf(n) });
        return null;
      case 'goto_statement': {
        const label = n.childForFieldName('label')?.text ?? '';
        this.labels.set(label, (this.labels.get(label) ?? true) && w);
        return null;
      }
      case 'break_statement':
        this.breaks.at(-1)?.push(w);
        return null;
      case 'continue_statement':
        return null;
      case 'if_statement': {
        const wc = w || this.writes(n.childForFieldName('condition'));
        const then = this.stmt(n.childForFieldName('consequence')!, wc);
        const alt = n.childForFieldName('alternative');
        const other = alt
          ? this.stmt(alt.type === 'else_clause' ? alt.namedChildren.filter((c) => c.type !== 'comment')[0]! : alt, wc)
          : wc;
        return merge(then, other);
      }
      case 'switch_statement':
        return this.switchStmt(n, w || this.writes(n.childForFieldName('condition')));
      case 'while_statement':
      case 'for_statement': {
        const head =
          n.type === 'for_statement'
            ? [n.childForFieldName('initializer'), n.childForFieldName('condition')]
            : [n.childForFieldName('condition')];
        const wc = w || head.some((h) => this.writes(h));
        this.breaks.push([]);
        const body = n.childForFieldName('body');
        if (body) this.stmt(body, wc);
        const exits = this.breaks.pop()!;
        const endless = n.type === 'for_statement' && !n.childForFieldName('condition');
        return exits.reduce<boolean | null>((a, b) => merge(a, b), endless ? null : wc);
      }
      case 'do_statement': {
        this.breaks.push([]);
        const body = n.childForFieldName('body');
        const after = body ? this.stmt(body, w) : w;
        const exits = this.breaks.pop()!;
        const tail = after === null ? null : after || this.writes(n.childForFieldName('condition'));
        return exits.reduce<boolean | null>((a, b) => merge(a, b), tail);
      }
      default:
        return w || this.writes(n);
    }
  }

  private switchStmt(n: SyntaxNode, wc: boolean): boolean | null {
    const body = n.childForFieldName('body');
    if (!body) return wc;
    this.breaks.push([]);
    let cur: boolean | null = null;
    let hasDefault = false;
    for (const c of body.namedChildren) {
      if (c.type !== 'case_statement') {
        cur = this.stmt(c, cur);
        continue;
      }
      if (!c.childForFieldName('value')) hasDefault = true;
      cur = cur === null ? wc : cur && wc;
      for (const s of c.namedChildren) {
        if (s.id === c.childForFieldName('value')?.id) continue;
        cur = this.stmt(s, cur);
      }
    }
    const exits = this.breaks.pop()!;
    let out = exits.reduce<boolean | null>((a, b) => merge(a, b), cur);
    if (!hasDefault) out = merge(out, wc);
    return out;
  }
}

function merge(a: boolean | null, b: boolean | null): boolean | null {
  if (a === null) return b;
  if (b === null) return a;
  return a && b;
}

/** How constructor `fn` initialises its state parameter `param` on the way to each return. */
export function iterInit(fn: FunctionDef, param: string): IterInit {
  const names = aliases(fn, param);
  const w = new Walker(fn, names);
  w.stmt(fn.body, false);
  return { names: [...names], unwritten: w.unwritten, firstWrite: w.firstWrite };
}
