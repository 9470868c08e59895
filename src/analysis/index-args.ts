// Syntax layer of the index/size rules (KF-IDX-*, KF-RET-*): where does each scalar or enum
// kfunc parameter go? It follows the value through assignments, casts, arithmetic and calls
// into visible helpers, and records every sink (array subscript, pointer offset, bit op, known
// indexing callee, copy length, allocation size, loop bound) together with the guards that
// dominate it, read with C semantics: an enum without negative enumerators is unsigned, so
// `e >= N` is complete; an `int` also needs `< 0` or a `(u32)` cast.
// The semantics engine (./semantics) then confirms or refutes the findings; see
// ./index-findings.ts for how the two are combined.
import type { SyntaxNode } from './c-parser.js';
import type { FunctionDef, PatchModel } from './model.js';
import { classifyType, type CType, enumIsSigned } from './semantics/index.js';
import { snippet } from './c-query.js';

export type SinkKind = 'subscript' | 'offset' | 'bit' | 'callee' | 'length' | 'alloc' | 'loop' | 'call';

/** What the guards on the way to a sink establish about the value. */
export interface GuardFacts {
  upper: boolean;
  lower: boolean;
  /** Validated by a helper, a whitelist (`==`/switch) or a sanitiser: both bounds. */
  complete: boolean;
  /** Guard texts with their place, e.g. `idx >= N` (bpf_foo:12). */
  texts: string[];
  /** A validator whose body is not visible was trusted by name. */
  assumed: string[];
}

export type GuardStatus = 'complete' | 'upper-only' | 'lower-only' | 'none';

export interface Sink {
  kind: SinkKind;
  /** The kfunc parameter the value comes from. */
  param: string;
  /** Function holding the sink (the kfunc itself or a helper). */
  fn: string;
  file: string;
  line: number;
  /** Source text of the sink, folded. */
  text: string;
  /** For subscripts: the array expression; for callee sinks: the callee. */
  target: string;
  /** Call chain from the kfunc to the sink: `bpf_x(idx) -> helper(w, idx) -> tbl[i]`. */
  chain: string;
  /** Depth 0: in the kfunc body. */
  depth: number;
  /** Line in the kfunc body where the value goes toward this sink (the sink itself at depth 0). */
  entryLine: number;
  facts: GuardFacts;
  status: GuardStatus;
  /** Was the compared value signed at the sink's guards (after casts)? */
  signed: boolean;
}

export interface ParamFlow {
  name: string;
  type: string;
  suffix: string;
  ctype: CType;
  /** e.g. `u32 (enum widget_kind has no negative enumerators)` */
  domain: string;
  sinks: Sink[];
}

// ---------------------------------------------------------------- knowledge

/** Callees that index with an argument (position = argument index). kfunc-rules.md §4.4. */
export const INDEXING_CALLEES: Record<string, number[]> = {
  memcg_events: [1], memcg_events_local: [1], memcg_page_state: [1], memcg_page_state_local: [1],
  memcg_page_state_output: [1], memcg_page_state_local_output: [1], memcg_events_index: [0], memcg_stats_index: [0],
  lruvec_page_state: [1], lruvec_page_state_local: [1], node_page_state: [1], node_page_state_pages: [1],
  global_node_page_state: [0], global_node_page_state_pages: [0], global_zone_page_state: [0], mod_memcg_state: [1],
  per_cpu: [1], per_cpu_ptr: [1], cpu_rq: [0], cpu_curr: [0], idle_task: [0], arch_scale_cpu_capacity: [0],
  cpumask_set_cpu: [0], cpumask_test_cpu: [0], cpumask_clear_cpu: [0], cpumask_test_and_set_cpu: [0],
  cpumask_test_and_clear_cpu: [0], __cpumask_set_cpu: [0], __cpumask_clear_cpu: [0], cpu_to_node: [0],
  NODE_DATA: [0], kmalloc_node: [2], kzalloc_node: [2], kvmalloc_node: [2], alloc_pages_node: [0],
  __alloc_pages_node: [0], node_online: [0], node_state: [0],
};

const BIT_CALLEES: Record<string, number> = {
  BIT: 0, BIT_ULL: 0, test_bit: 0, __test_bit: 0, set_bit: 0, __set_bit: 0, clear_bit: 0, __clear_bit: 0,
  change_bit: 0, test_and_set_bit: 0, test_and_clear_bit: 0, __test_and_set_bit: 0, __test_and_clear_bit: 0,
};

/** Copy/fill length arguments (KF-IDX-05). */
export const LENGTH_CALLEES: Record<string, number> = {
  memcpy: 2, memmove: 2, memset: 2, memcmp: 2, memcpy_toio: 2, memcpy_fromio: 2, copy_from_user: 2, copy_to_user: 2,
  __copy_from_user: 2, __copy_to_user: 2, copy_from_kernel_nofault: 2, copy_to_kernel_nofault: 2,
  copy_from_user_nofault: 2, copy_to_user_nofault: 2, strscpy: 2, strscpy_pad: 2, strncpy: 2, strlcpy: 2,
  strncpy_from_user: 2, strncpy_from_kernel_nofault: 2, strncpy_from_user_nofault: 2, skb_copy_bits: 3,
  skb_store_bits: 3, bpf_probe_read_kernel: 1, bpf_probe_read_user: 1, copy_from_user_task: 2,
};

/** Allocation sizes (KF-IDX-06). */
export const ALLOC_CALLEES: Record<string, number[]> = {
  kmalloc: [0], kzalloc: [0], kvmalloc: [0], kvzalloc: [0], vmalloc: [0], vzalloc: [0], kmalloc_node: [0],
  kzalloc_node: [0], kvmalloc_node: [0], kcalloc: [0, 1], kmalloc_array: [0, 1], kvcalloc: [0, 1],
  kvmalloc_array: [0, 1], krealloc: [1], kmemdup: [1], bpf_mem_alloc: [1], __alloc_percpu: [0],
  __alloc_percpu_gfp: [0], alloc_pages: [1], kmalloc_nolock: [0],
};

/** Lookups that validate the key themselves: passing the value is safe. */
const SAFE_CALLEE = /^(xa_load|xa_find\w*|idr_find|idr_get_next\w*|radix_tree_lookup|find_\w+_by_\w*id\w*|find_vpid|find_task_by_\w+|find_get_pid|pid_task|bpf_map_lookup\w*|cgroup_get_from_id|cgroup_get_from_fd|task_from_pid\w*|rhashtable_lookup\w*|sockfd_lookup|fget|fdget\w*|bpf_prog_get\w*|bpf_map_get\w*|btf_type_by_id|btf_get_by_fd|ida_\w+)$/;

/** Calls that produce a value bounded by their other arguments. */
const SANITISER = /^(array_index_nospec|clamp|clamp_t|clamp_val|min|min_t|min3|umin)$/;

/** Wrappers whose result is their first argument's truth value. */
const TRANSPARENT = /^(likely|unlikely|WARN_ON|WARN_ON_ONCE|WARN|WARN_ONCE|data_race|READ_ONCE)$/;

/** Bounds that have an unsigned type, making `int_param >= X` an unsigned comparison. */
const UNSIGNED_BOUND = /^(nr_cpu_ids|nr_node_ids|nr_cpumask_bits|num_possible_cpus\(\)|num_online_cpus\(\)|U8_MAX|U16_MAX|U32_MAX|UINT_MAX|U64_MAX|ULONG_MAX|sizeof\b.*|ARRAY_SIZE\(.*\)|\d+[uU][lL]*|0x[0-9a-fA-F]+[uU][lL]*|\(\s*(u8|u16|u32|u64|unsigned[\w ]*|size_t)\s*\).*)$/;

const VALIDATOR_NAME = /(^|_)(is_)?valid(_\w+)?$|_valid_|^valid_|_ok$|_in_range$|^is_\w+_valid/;

const CMP = new Set(['<', '<=', '>', '>=', '==', '!=']);
const ARITH = new Set(['+', '-', '*', '/', '%', '<<', '>>', '|', '^']);

// ---------------------------------------------------------------- helpers

const strip = (n: SyntaxNode): SyntaxNode => {
  let x = n;
  for (;;) {
    if (x.type === 'parenthesized_expression' && x.namedChildren.length === 1) x = x.namedChildren[0]!;
    else if (x.type === 'call_expression' && TRANSPARENT.test(x.childForFieldName('function')?.text ?? '')) {
      const a = x.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (!a.length) return x;
      x = a[0]!;
    } else return x;
  }
};

const op = (n: SyntaxNode): string => n.childForFieldName('operator')?.text ?? '';

function callName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function');
  if (!fn) return '';
  if (fn.type === 'field_expression') return fn.childForFieldName('field')?.text ?? fn.text;
  return fn.text;
}

function callArgs(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
}

function isExit(stmt: SyntaxNode | null): boolean {
  if (!stmt) return false;
  if (['return_statement', 'goto_statement', 'break_statement', 'continue_statement'].includes(stmt.type)) return true;
  if (stmt.type === 'compound_statement') {
    const kids = stmt.namedChildren.filter((c) => c.type !== 'comment');
    return isExit(kids[kids.length - 1] ?? null);
  }
  if (stmt.type === 'expression_statement') {
    const e = stmt.namedChildren[0];
    return !!e && e.type === 'call_expression' && /^(BUG|panic|do_exit)$/.test(callName(e));
  }
  return false;
}

/** `if (C) v = <safe>;` (a clamp written out): C acts as a reject condition for v. */
function reassigns(stmt: SyntaxNode | null, vars: Set<string>): boolean {
  if (!stmt) return false;
  const s = stmt.type === 'compound_statement' ? stmt.namedChildren.find((c) => c.type !== 'comment') ?? null : stmt;
  if (!s || s.type !== 'expression_statement') return false;
  const e = s.namedChildren[0];
  return !!e && e.type === 'assignment_expression' && vars.has(e.childForFieldName('left')?.text ?? '');
}

function emptyFacts(): GuardFacts {
  return { upper: false, lower: false, complete: false, texts: [], assumed: [] };
}

function merge(into: GuardFacts, f: GuardFacts): void {
  into.upper ||= f.upper;
  into.lower ||= f.lower;
  into.complete ||= f.complete;
  for (const t of f.texts) if (!into.texts.includes(t)) into.texts.push(t);
  for (const t of f.assumed) if (!into.assumed.includes(t)) into.assumed.push(t);
}

/** An unsigned comparison sets both bounds, so `upper` alone means a signed `>= N` only. */
export function statusOf(f: GuardFacts, nonneg = false): GuardStatus {
  if (f.complete || (f.upper && (f.lower || nonneg))) return 'complete';
  if (f.upper) return 'upper-only';
  if (f.lower) return 'lower-only';
  return 'none';
}

// ---------------------------------------------------------------- analysis

interface Var {
  root: string;
  ctype: CType;
  /** Cannot be negative: an unsigned origin, widened or kept unsigned by every conversion. */
  nonneg: boolean;
}

/** Does converting a value of type `from` (non-negative or not) to `to` keep it non-negative? */
function keepsNonneg(nonneg: boolean, from: CType, to: CType): boolean {
  if (!nonneg) return false;
  if (to.kind !== 'int' && to.kind !== 'enum') return false;
  return !to.signed || to.bits > from.bits;
}

interface Frame {
  fn: FunctionDef;
  vars: Map<string, Var>;
  chain: string;
  depth: number;
  inherited: GuardFacts;
  /** Signedness of the kfunc parameter. */
  signed: boolean;
  /** Line of the call in the kfunc that led here (depth > 0). */
  entryLine?: number;
}

export class IndexFlowAnalyzer {
  private readonly enumSigned: (name: string) => boolean | undefined;

  constructor(private readonly model: PatchModel) {
    this.enumSigned = (name) => enumIsSigned(name, model.enums);
  }

  ctype(type: string): CType {
    return classifyType(type, this.enumSigned);
  }

  /** Domain of a parameter type in words, for evidence. */
  domain(type: string): string {
    const t = this.ctype(type);
    if (t.kind === 'enum') {
      const known = enumIsSigned(t.enumName!, this.model.enums) !== undefined;
      return t.signed
        ? `s32 (enum ${t.enumName} has a negative enumerator, so it is signed)`
        : `u32 (enum ${t.enumName} ${known ? 'has no negative enumerators' : 'is not visible; GCC/Clang make an enum without negative enumerators'}, so it is unsigned int; the verifier does not check the enum range)`;
    }
    return `${t.signed ? 's' : 'u'}${t.bits} (any value of the low ${t.bits} bits of the BPF register${t.signed ? ', read as signed' : ''})`;
  }

  /** Scalar parameters of `fn` that BPF controls, with every sink they reach. */
  flows(fn: FunctionDef): ParamFlow[] {
    const out: ParamFlow[] = [];
    for (const p of fn.params) {
      if (p.pointer) continue;
      const ct = this.ctype(p.type);
      if (ct.kind !== 'int' && ct.kind !== 'enum') continue;
      const sinks: Sink[] = [];
      const vars = new Map<string, Var>([[p.name, { root: p.name, ctype: ct, nonneg: !ct.signed }]]);
      this.walk({ fn, vars, chain: `${fn.name}(${p.name})`, depth: 0, inherited: emptyFacts(), signed: ct.signed }, sinks, new Set([fn.name]));
      out.push({ name: p.name, type: p.type, suffix: p.suffix, ctype: ct, domain: this.domain(p.type), sinks });
    }
    return out;
  }

  /** Taint locals assigned from tainted values (in source order, to a fixed point). */
  private propagate(fn: FunctionDef, vars: Map<string, Var>): void {
    const body = fn.body;
    for (let round = 0; round < 3; round++) {
      let grew = false;
      const visit = (lhs: string, rhs: SyntaxNode | null, declType: string | null) => {
        if (!rhs || vars.has(lhs)) return;
        const v = this.valueTaint(rhs, vars);
        if (!v) return;
        const ct = declType ? this.ctype(declType) : v.ctype;
        vars.set(lhs, { root: v.root, ctype: ct, nonneg: keepsNonneg(v.nonneg, v.ctype, ct) });
        grew = true;
      };
      for (const d of body.descendantsOfType('init_declarator')) {
        const decl = d.parent;
        const declType = decl?.type === 'declaration' ? decl.childForFieldName('type')?.text ?? null : null;
        const name = d.childForFieldName('declarator');
        if (name?.type === 'identifier') visit(name.text, d.childForFieldName('value'), declType);
      }
      for (const a of body.descendantsOfType('assignment_expression')) {
        const l = a.childForFieldName('left');
        if (l?.type === 'identifier' && op(a) === '=') visit(l.text, a.childForFieldName('right'), null);
      }
      if (!grew) break;
    }
  }

  /** Is `expr` a value derived from a tainted variable (through casts and arithmetic)? */
  private valueTaint(expr: SyntaxNode, vars: Map<string, Var>): Var | null {
    const e = strip(expr);
    switch (e.type) {
      case 'identifier':
        return vars.get(e.text) ?? null;
      case 'cast_expression': {
        const v = this.valueTaint(e.childForFieldName('value')!, vars);
        const ct = this.ctype(e.childForFieldName('type')?.text ?? '');
        return v ? { root: v.root, ctype: ct, nonneg: keepsNonneg(v.nonneg, v.ctype, ct) } : null;
      }
      case 'binary_expression': {
        const o = op(e);
        if (!ARITH.has(o)) return null;
        const v = this.valueTaint(e.childForFieldName('left')!, vars) ?? this.valueTaint(e.childForFieldName('right')!, vars);
        return v && o === '-' ? { ...v, nonneg: false } : v;
      }
      case 'unary_expression':
        if (!['-', '~', '+'].includes(op(e))) return null;
        {
          const v = this.valueTaint(e.childForFieldName('argument')!, vars);
          return v && op(e) !== '+' ? { ...v, nonneg: false } : v;
        }
      case 'conditional_expression':
        return this.valueTaint(e.childForFieldName('consequence')!, vars) ?? this.valueTaint(e.childForFieldName('alternative')!, vars);
      default:
        return null;
    }
  }

  private walk(frame: Frame, sinks: Sink[], seen: Set<string>): void {
    const { fn, vars } = frame;
    this.propagate(fn, vars);
    for (const id of fn.body.descendantsOfType('identifier')) {
      const v = vars.get(id.text);
      if (!v) continue;
      // Skip the names on the left of an assignment and declarators.
      const par = id.parent;
      if (par?.type === 'init_declarator' && par.childForFieldName('declarator')?.id === id.id) continue;
      if (par?.type === 'assignment_expression' && par.childForFieldName('left')?.id === id.id) continue;
      if (par?.type === 'field_expression' && par.childForFieldName('field')?.id === id.id) continue;
      if (par?.type === 'call_expression' && par.childForFieldName('function')?.id === id.id) continue;
      this.use(frame, id, v, sinks, seen);
    }
  }

  /** Classify one use of a tainted variable. */
  private use(frame: Frame, id: SyntaxNode, v: Var, sinks: Sink[], seen: Set<string>): void {
    // Climb through value-preserving wrappers.
    let node = id;
    let viaArith = false;
    for (;;) {
      const p = node.parent;
      if (!p) return;
      if (p.type === 'parenthesized_expression' || p.type === 'cast_expression') node = p;
      else if (p.type === 'binary_expression' && ARITH.has(op(p))) {
        viaArith = true;
        node = p;
      } else if (p.type === 'binary_expression' && op(p) === '&') return; // masked: bounded by the mask
      else if (p.type === 'unary_expression' && ['-', '~', '+'].includes(op(p))) node = p;
      else if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id !== node.id) node = p;
      else break;
    }
    const p = node.parent!;
    const add = (kind: SinkKind, sinkNode: SyntaxNode, target: string, chainEnd: string) => {
      const facts = this.guardsAt(frame, sinkNode, v);
      merge(facts, frame.inherited);
      const signed = frame.signed;
      sinks.push({
        kind, param: v.root, fn: frame.fn.name, file: frame.fn.file, line: sinkNode.startPosition.row + 1,
        text: snippet(sinkNode, 90), target, chain: `${frame.chain} -> ${chainEnd}`, depth: frame.depth,
        entryLine: frame.entryLine ?? sinkNode.startPosition.row + 1, facts, status: statusOf(facts, v.nonneg), signed,
      });
    };
    if (p.type === 'subscript_expression' && p.childForFieldName('index')?.id === node.id) {
      const arr = p.childForFieldName('argument')?.text ?? '?';
      add('subscript', p, arr, `${arr}[${id.text}]`);
      return;
    }
    if (p.type === 'pointer_expression' && op(p) === '*' && viaArith) {
      add('offset', p, node.text, p.text.replace(/\s+/g, ' '));
      return;
    }
    if (p.type === 'binary_expression' && CMP.has(op(p))) {
      const loop = p.parent;
      if (loop && (loop.type === 'for_statement' || loop.type === 'while_statement') && loop.childForFieldName('condition')?.id === p.id) {
        const other = p.childForFieldName('left')?.id === node.id ? p.childForFieldName('right') : p.childForFieldName('left');
        // `i < n` with n tainted: n is the loop count.
        if (other && !frame.vars.has(other.text)) add('loop', p, other.text, `loop ${snippet(p, 40)}`);
      }
      return;
    }
    if (p.type !== 'argument_list') return;
    const call = p.parent!;
    const name = callName(call);
    const args = callArgs(call);
    const k = args.findIndex((a) => a.id === node.id);
    if (k < 0) return;
    const callText = `${name}(${args.map((a) => snippet(a, 30)).join(', ')})`;
    if (SANITISER.test(name) || SAFE_CALLEE.test(name) && !(name in INDEXING_CALLEES)) return;
    if (name in BIT_CALLEES && BIT_CALLEES[name] === k) {
      add('bit', call, name, callText);
      return;
    }
    const callee = this.model.functions.get(name);
    if (callee && callee.body && frame.depth < 4 && !seen.has(name) && k < callee.params.length) {
      // Follow into the visible helper; its parameter k carries the value.
      const cp = callee.params[k]!;
      const ct = this.ctype(cp.type);
      if (cp.pointer || (ct.kind !== 'int' && ct.kind !== 'enum')) return;
      const argVal = this.valueTaint(node, frame.vars) ?? v;
      const facts = this.guardsAt(frame, call, v);
      merge(facts, frame.inherited);
      const inner: Frame = {
        fn: callee, vars: new Map([[cp.name, { root: v.root, ctype: ct, nonneg: keepsNonneg(argVal.nonneg, argVal.ctype, ct) }]]), chain: `${frame.chain} -> ${callText}`,
        depth: frame.depth + 1, inherited: facts, signed: frame.signed, entryLine: frame.entryLine ?? call.startPosition.row + 1,
      };
      const before = sinks.length;
      this.walk(inner, sinks, new Set([...seen, name]));
      // A helper whose value goes nowhere we can see still counts as a use (for KF-IDX-03).
      if (sinks.length === before) add('call', call, name, callText);
      return;
    }
    if (INDEXING_CALLEES[name]?.includes(k)) add('callee', call, name, callText);
    else if (LENGTH_CALLEES[name] === k) add('length', call, name, callText);
    else if (ALLOC_CALLEES[name]?.includes(k)) add('alloc', call, name, callText);
    else if (!TRANSPARENT.test(name)) add('call', call, name, callText);
  }

  /** Guards that dominate `at` inside the frame's function, for the variables of v's root. */
  guardsAt(frame: Frame, at: SyntaxNode, v: Var): GuardFacts {
    const names = new Set([...frame.vars].filter(([, x]) => x.root === v.root).map(([n]) => n));
    const facts = emptyFacts();
    const where = (n: SyntaxNode) => `${frame.fn.name}:${n.startPosition.row + 1}`;
    // Quote whole conditions: `idx < 0 || idx >= N` reads better than its halves.
    const whole = (c: SyntaxNode, g: GuardFacts): GuardFacts => {
      if (!(g.upper || g.lower || g.complete)) return g;
      const inner = g.texts.filter((t) => t.includes('() checks'));
      return { ...g, texts: [`${snippet(strip(c), 90)} (${where(c)})`, ...inner] };
    };
    let node = at;
    while (node.parent && node.id !== frame.fn.body.id) {
      const p = node.parent;
      if (p.type === 'if_statement') {
        const c = p.childForFieldName('condition');
        if (c && p.childForFieldName('consequence')?.id === node.id) merge(facts, whole(c, this.accept(c, names, frame, where(c))));
        if (c && p.childForFieldName('alternative')?.id === node.id) merge(facts, whole(c, this.reject(c, names, frame, where(c))));
      } else if (p.type === 'conditional_expression') {
        const c = p.childForFieldName('condition');
        if (c && p.childForFieldName('consequence')?.id === node.id) merge(facts, whole(c, this.accept(c, names, frame, where(c))));
        if (c && p.childForFieldName('alternative')?.id === node.id) merge(facts, whole(c, this.reject(c, names, frame, where(c))));
      } else if (p.type === 'binary_expression' && p.childForFieldName('right')?.id === node.id) {
        const l = p.childForFieldName('left')!;
        if (op(p) === '&&') merge(facts, whole(l, this.accept(l, names, frame, where(l))));
        if (op(p) === '||') merge(facts, whole(l, this.reject(l, names, frame, where(l))));
      } else if (p.type === 'case_statement') {
        const sw = p.parent?.parent;
        const cond = sw?.type === 'switch_statement' ? sw.childForFieldName('condition') : null;
        if (cond && p.childForFieldName('value') && names.has(strip(cond).text)) {
          facts.complete = true;
          facts.texts.push(`switch (${strip(cond).text}) case ${p.childForFieldName('value')!.text} (${where(p)})`);
        }
      } else if (p.type === 'compound_statement' || p.type === 'case_statement') {
        for (const s of p.namedChildren) {
          if (s.id === node.id) break;
          if (s.type === 'if_statement' && !s.childForFieldName('alternative')) {
            const cons = s.childForFieldName('consequence');
            const c = s.childForFieldName('condition');
            if (c && (isExit(cons) || reassigns(cons, names))) merge(facts, whole(c, this.reject(c, names, frame, where(c))));
          } else if (s.type === 'expression_statement') {
            // v = array_index_nospec(v, N); v = min(v, N - 1); v = clamp(...)
            const e = s.namedChildren[0];
            if (e?.type === 'assignment_expression' && names.has(e.childForFieldName('left')?.text ?? '')) {
              const r = strip(e.childForFieldName('right')!);
              const fresh = op(e) === '=' && !this.mentions(r, names);
              if ((r.type === 'call_expression' && SANITISER.test(callName(r))) || fresh) {
                facts.complete = true;
                facts.texts.push(`${snippet(e, 60)} (${where(e)})`);
              }
            }
          }
        }
      }
      node = p;
    }
    return facts;
  }

  /** Facts established when condition `c` is true and execution continues to the sink. */
  private accept(c: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
    const e = strip(c);
    const f = emptyFacts();
    if (e.type === 'binary_expression' && op(e) === '&&') {
      merge(f, this.accept(e.childForFieldName('left')!, names, frame, where));
      merge(f, this.accept(e.childForFieldName('right')!, names, frame, where));
      return f;
    }
    if (e.type === 'unary_expression' && op(e) === '!') return this.reject(e.childForFieldName('argument')!, names, frame, where);
    if (e.type === 'call_expression') return this.validatorCall(e, names, frame, where);
    if (e.type === 'binary_expression' && CMP.has(op(e))) return this.compare(e, names, frame, where, true);
    return f;
  }

  /** Facts established when execution continues because `c` was false (`if (c) return;`). */
  private reject(c: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
    const e = strip(c);
    const f = emptyFacts();
    if (e.type === 'binary_expression' && op(e) === '||') {
      merge(f, this.reject(e.childForFieldName('left')!, names, frame, where));
      merge(f, this.reject(e.childForFieldName('right')!, names, frame, where));
      return f;
    }
    if (e.type === 'unary_expression' && op(e) === '!') return this.accept(e.childForFieldName('argument')!, names, frame, where);
    if (e.type === 'binary_expression' && CMP.has(op(e))) return this.compare(e, names, frame, where, false);
    if (e.type === 'binary_expression' && op(e) === '&&') {
      // `v < 0 && v != NUMA_NO_NODE`, `v != NUMA_NO_NODE && ((unsigned int)v >= nr_node_ids ||
      // !node_online(v))` (6.12 arena_alloc_pages): out-of-range values are rejected except one
      // named sentinel, which by kernel convention the callees accept ("any node").
      const l = strip(e.childForFieldName('left')!);
      const r = strip(e.childForFieldName('right')!);
      for (const [a, b] of [[l, r], [r, l]] as const) {
        if (b.type !== 'binary_expression' || op(b) !== '!=' || !this.mentions(b, names)) continue;
        const other = [strip(b.childForFieldName('left')!), strip(b.childForFieldName('right')!)].find((x) => !this.mentions(x, names));
        if (!other || other.type !== 'identifier' || !/^[A-Z][A-Z0-9_]*$/.test(other.text)) continue;
        const g = this.reject(a, names, frame, where);
        if (g.lower || g.upper || g.complete) return { ...g, texts: [`${snippet(e, 70)} (${where})`] };
      }
    }
    return f;
  }

  /** `valid(v)` in an accepting position: a validator establishes both bounds. */
  private validatorCall(call: SyntaxNode, names: Set<string>, frame: Frame, where: string): GuardFacts {
    const f = emptyFacts();
    const name = callName(call);
    const args = callArgs(call);
    const k = args.findIndex((a) => this.mentions(a, names));
    if (k < 0) return f;
    const def = this.model.functions.get(name);
    if (def && def.params[k]) {
      // A visible helper: it validates if it returns an accepting condition on its parameter
      // or rejects out-of-range input before returning true.
      const pn = def.params[k]!.name;
      const ct = this.ctype(def.params[k]!.type);
      const inner: Frame = { fn: def, vars: new Map([[pn, { root: pn, ctype: ct, nonneg: false }]]), chain: '', depth: frame.depth + 1, inherited: emptyFacts(), signed: ct.signed };
      // Every accepting return must be guarded: intersect the facts of the returns.
      let sub: GuardFacts | null = null;
      for (const r of def.body.descendantsOfType('return_statement')) {
        const x = r.namedChildren[0];
        if (!x || /^(false|0)$/.test(x.text)) continue;
        const one = this.accept(x, new Set([pn]), inner, `${def.name}:${x.startPosition.row + 1}`);
        merge(one, this.guardsAt(inner, r, { root: pn, ctype: ct, nonneg: false }));
        if (!sub) sub = one;
        else {
          sub.upper &&= one.upper;
          sub.lower &&= one.lower;
          sub.complete &&= one.complete;
          sub.texts.push(...one.texts.filter((t) => !sub!.texts.includes(t)));
        }
      }
      sub ??= emptyFacts();
      if (statusOf(sub) === 'complete') {
        f.complete = true;
        f.texts.push(`${snippet(call, 60)} (${where}; ${def.name}() checks ${sub.texts.map((t) => t.replace(/ \(.*\)$/, '')).join(', ')})`);
        return f;
      }
      merge(f, { ...sub, texts: sub.texts.map((t) => `${t} [in ${def.name}()]`) });
      return f;
    }
    if (VALIDATOR_NAME.test(name)) {
      f.complete = true;
      f.texts.push(`${snippet(call, 60)} (${where})`);
      f.assumed.push(name);
    }
    return f;
  }

  private mentions(n: SyntaxNode, names: Set<string>): boolean {
    return n.descendantsOfType('identifier').some((i) => names.has(i.text)) || (n.type === 'identifier' && names.has(n.text));
  }

  /** A comparison `a OP b` where one side is the value: which bounds does it establish? */
  private compare(e: SyntaxNode, names: Set<string>, frame: Frame, where: string, accepting: boolean): GuardFacts {
    const f = emptyFacts();
    let o = op(e);
    let l = e.childForFieldName('left')!;
    let r = e.childForFieldName('right')!;
    const isVal = (n: SyntaxNode) => {
      const s = strip(n);
      if (s.type === 'identifier') return names.has(s.text);
      if (s.type === 'cast_expression') return isVal(s.childForFieldName('value')!);
      return false;
    };
    if (!isVal(l)) {
      if (!isVal(r)) return f;
      [l, r] = [r, l];
      o = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as Record<string, string>)[o]!;
    }
    if (!accepting) o = ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' } as Record<string, string>)[o]!;
    // Now: execution continues when `l o r` holds.
    const ls = strip(l);
    const castUnsigned = ls.type === 'cast_expression' && !this.ctype(ls.childForFieldName('type')?.text ?? '').signed;
    const vName = ls.type === 'cast_expression' ? strip(ls.childForFieldName('value')!).text : ls.text;
    const vt = frame.vars.get(vName)?.ctype;
    const rhs = strip(r).text.replace(/\s+/g, ' ');
    const unsignedCmp = castUnsigned || (vt ? !vt.signed : false) || ((vt?.bits ?? 32) <= 32 && UNSIGNED_BOUND.test(rhs));
    const zeroish = /^(0|0[uU]?|-1)$/.test(rhs);
    const text = `${snippet(e, 70)} (${where})`;
    if (o === '==') {
      f.complete = true;
    } else if (o === '<' || o === '<=') {
      if (!(zeroish && o === '<')) {
        f.upper = true;
        if (unsignedCmp) f.lower = true;
      }
    } else if (o === '>' || o === '>=') {
      if (zeroish) f.lower = true;
    }
    if (f.upper || f.lower || f.complete) f.texts.push(text);
    return f;
  }
}

/** All scalar-parameter flows of one function, given a model. */
export function paramFlows(model: PatchModel, fn: FunctionDef): ParamFlow[] {
  return new IndexFlowAnalyzer(model).flows(fn);
}
