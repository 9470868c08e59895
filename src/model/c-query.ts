// Small read-only questions about C syntax trees and kfunc models that several rules ask.
// Rules use these instead of walking tree-sitter nodes by hand.
import type { SyntaxNode, TreeCursor } from './c-parser.js';
import type { FunctionDef, IdSetStruct, KfuncDef, PatchModel, RegisterCall, Registration } from './model.js';
import { isScalarSpelling } from './c-types.js';
import { chargeWork } from './work.js';

/** A node of the cursor's path with its range (read once: every read of a node's field is a native call). */
interface PathNode {
  node: SyntaxNode;
  start: number;
  end: number;
}

/** Per tree: the parents found so far, and a cursor left where the last walk ended with the nodes from the root to it. */
interface ParentMemo {
  parent: Map<number, SyntaxNode | null>;
  cursor: TreeCursor | null;
  path: PathNode[];
}

const parents = new WeakMap<object, ParentMemo>();

/**
 * The parent of `node`, remembered per tree. tree-sitter's `parent` walks down from the root
 * each time, so climbing from deep in 100k nested parentheses costs depth x depth. Here a miss
 * moves one cursor from where the last walk ended: up to the first node whose range holds
 * `node`, forward among siblings, then down, remembering the parent of every node it enters.
 * Uses are asked about in source order, so the walks together cost about the size of the tree.
 * Charges the running work budget per step.
 */
export function parentOf(node: SyntaxNode): SyntaxNode | null {
  chargeWork();
  let memo = parents.get(node.tree);
  if (!memo) {
    memo = { parent: new Map(), cursor: null, path: [] };
    parents.set(node.tree, memo);
  }
  const id = node.id;
  let p = memo.parent.get(id);
  if (p === undefined) {
    p = walkTo(node, id, memo);
    memo.parent.set(id, p);
  }
  return p;
}

/** Moves the memo's cursor to `node`, remembering parents; tree-sitter's answer when it cannot. */
function walkTo(node: SyntaxNode, id: number, memo: ParentMemo): SyntaxNode | null {
  const s = node.startIndex;
  const e = node.endIndex;
  // An empty range (a MISSING node) has no single chain of nodes holding it.
  if (s >= e) return node.parent;
  if (!memo.cursor) {
    const root = node.tree.rootNode;
    if (root.id === id) return null;
    memo.cursor = root.walk();
    memo.path = [{ node: root, start: root.startIndex, end: root.endIndex }];
  }
  const c = memo.cursor;
  const path = memo.path;
  const holds = (a: number, b: number) => a <= s && b >= e;
  const enter = (parent: SyntaxNode): PathNode => {
    const child = c.currentNode;
    memo.parent.set(child.id, parent);
    return { node: child, start: c.startIndex, end: c.endIndex };
  };
  // Up: to the first node that holds `node`, or to a sibling before it under a node that does.
  while (path.length > 1 && !holds(path[path.length - 1].start, path[path.length - 1].end)) {
    chargeWork();
    const up = path[path.length - 2];
    if (path[path.length - 1].end <= s && holds(up.start, up.end)) {
      let found = false;
      while (c.gotoNextSibling()) {
        chargeWork();
        if (holds(c.startIndex, c.endIndex)) {
          found = true;
          break;
        }
      }
      if (found) {
        path[path.length - 1] = enter(up.node);
        break;
      }
    }
    c.gotoParent();
    path.pop();
  }
  // Down: into the child that holds `node` until it is reached.
  for (;;) {
    const top = path[path.length - 1];
    if (top.start === s && top.end === e && top.node.id === id) return path.length > 1 ? path[path.length - 2].node : null;
    chargeWork();
    // The binding returns the child's index (-1 for none), though its types say boolean.
    const k = c.gotoFirstChildForIndex(s) as unknown as number | boolean;
    let found = typeof k === 'number' ? k >= 0 : k;
    while (found && !holds(c.startIndex, c.endIndex)) found = c.gotoNextSibling();
    if (!found) {
      memo.cursor = null;
      return node.parent;
    }
    path.push(enter(top.node));
  }
}

export interface CallSite {
  /** Callee name (`foo` in `foo(a)`, `ops->bar` keeps `bar`). */
  name: string;
  args: SyntaxNode[];
  node: SyntaxNode;
  /** 1-based line of the call. */
  line: number;
}

const calls = new WeakMap<object, Map<number, CallSite[]>>();

/** Every call expression inside `node`, in source order (computed once per node: several rules ask). */
export function callsIn(node: SyntaxNode): CallSite[] {
  let memo = calls.get(node.tree);
  if (!memo) {
    memo = new Map();
    calls.set(node.tree, memo);
  }
  let out = memo.get(node.id);
  if (!out) {
    out = findCalls(node);
    memo.set(node.id, out);
  }
  chargeWork(out.length);
  return out.slice(); // a copy: a caller may sort it
}

function findCalls(node: SyntaxNode): CallSite[] {
  return node.descendantsOfType('call_expression').map((c) => {
    const fn = c.childForFieldName('function');
    const argList = c.childForFieldName('arguments');
    let name = fn?.text ?? '';
    if (fn?.type === 'field_expression') name = fn.childForFieldName('field')?.text ?? name;
    return { name, args: argList ? argList.namedChildren.filter((a) => a.type !== 'comment') : [], node: c, line: c.startPosition.row + 1 };
  });
}

/** Every `return` statement inside `node` with its expression (null for `return;`). */
export function returnsIn(node: SyntaxNode): { expr: SyntaxNode | null; line: number; node: SyntaxNode }[] {
  return node.descendantsOfType('return_statement').map((r) => ({
    expr: r.namedChildren.find((c) => c.type !== 'comment') ?? null,
    line: r.startPosition.row + 1,
    node: r,
  }));
}

/** Identifiers named `name` inside `node` (uses of a parameter or local). */
export function usesOf(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.descendantsOfType('identifier').filter((i) => i.text === name);
}

/** `const struct foo *` → `struct foo *`; drops qualifiers and annotation words. */
export function bareType(type: string): string {
  return type
    .replace(/\b(const|volatile|__user|__rcu|__iomem|__percpu|__force|restrict)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*\*/g, ' *')
    .trim();
}

export function isPointerType(type: string): boolean {
  return type.includes('*');
}

/** `struct foo *` (one level), the only return type KF_ACQUIRE accepts. */
export function structPointee(type: string): string | null {
  const m = /^struct (\w+) \*$/.exec(bareType(type));
  return m ? m[1] : null;
}

export function isVoid(type: string): boolean {
  return bareType(type) === 'void';
}

/** Scalar C types (integers, bool, enums, kernel typedefs such as u32/s64/size_t): the table is c-types.ts. */
export function isScalarType(type: string): boolean {
  const t = bareType(type);
  if (t.includes('*') || t.includes('[')) return false;
  return isScalarSpelling(t);
}

const registrationIndex = new WeakMap<PatchModel, Map<string, Registration[]>>();

/**
 * Registrations of a kfunc that the post-image keeps (added or context). Indexed once per model
 * (a frozen model never changes): rules ask for every kfunc, and a scan per question made a
 * file of thousands of kfuncs quadratic.
 */
export function registrationsOf(model: PatchModel, name: string): Registration[] {
  let index = registrationIndex.get(model);
  if (!index) {
    index = new Map();
    for (const r of model.registrations) {
      if (r.removed) continue;
      const list = index.get(r.kfunc);
      if (list) list.push(r);
      else index.set(r.kfunc, [r]);
    }
    registrationIndex.set(model, index);
  }
  return (index.get(name) ?? []).slice();
}

/** The post-image kfuncs the patch adds or changes (context ones only in audits). */
export function reviewedKfuncs(model: PatchModel): KfuncDef[] {
  const audit = isAudit(model);
  return model.kfuncs.filter((k) => k.side === 'new' && (audit || k.status === 'added' || bodyTouched(model, k)));
}

const sortedAdded = new WeakMap<Set<number>, number[]>();

/** True when the patch adds or changes a line inside the function (a binary search, not a scan per function). */
export function bodyTouched(model: PatchModel, fn: FunctionDef): boolean {
  const file = model.files.find((f) => f.path === fn.file);
  if (!file) return false;
  let lines = sortedAdded.get(file.addedLines);
  if (!lines) {
    lines = [...file.addedLines].sort((a, b) => a - b);
    sortedAdded.set(file.addedLines, lines);
  }
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid] < fn.line) lo = mid + 1;
    else hi = mid;
  }
  return lo < lines.length && lines[lo] <= fn.endLine;
}

/** True when every line of the file is known (whole-file context), so absence is evidence. */
export function fileFullyVisible(model: PatchModel, path: string): boolean {
  return model.files.find((f) => f.path === path)?.visibility === 'full';
}

/** Text of a node with white space folded, for evidence lines. */
export function snippet(node: SyntaxNode, max = 100): string {
  const t = node.text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** True when a registration's flag list carries `flag` (e.g. 'KF_RET_NULL'). */
export function hasFlag(r: Registration, flag: string): boolean {
  return r.flags.includes(flag);
}

/**
 * Names of the kfuncs whose flag/definition consistency a rule should review: the reviewed
 * definitions plus every kfunc whose BTF_ID_FLAGS entry the patch adds or changes (in an audit,
 * every registration). Covers functions registered directly without `__bpf_kfunc`.
 */
export function reviewedKfuncNames(model: PatchModel): Set<string> {
  const audit = isAudit(model);
  const names = new Set(reviewedKfuncs(model).map((k) => k.name));
  for (const r of model.registrations) if (!r.removed && (audit || r.added)) names.add(r.kfunc);
  return names;
}

/** The post-image definition of `name` (kfunc or plain function), when visible. */
export function definitionOf(model: PatchModel, name: string): FunctionDef | undefined {
  const f = model.functions.get(name);
  return f && f.side === 'new' ? f : undefined;
}

/**
 * Where a flag-versus-definition finding points: the BTF_ID_FLAGS entry when the patch adds or
 * changes it (that is where the flag is fixed), else the definition when it is visible, else
 * the entry.
 */
export function flagFindingAnchor(reg: Registration, def: FunctionDef | undefined): { file: string; line: number } {
  if (reg.added || !def) return { file: reg.file, line: reg.line };
  return { file: def.file, line: def.line };
}

/** `BTF_ID_FLAGS(func, name, KF_A | KF_B) at file:line (set S)`, for evidence lines. */
export function describeRegistration(r: Registration): string {
  const flags = r.flags.length ? `, ${r.flags.join(' | ')}` : '';
  return `BTF_ID_FLAGS(func, ${r.kfunc}${flags}) at ${r.file}:${r.line}${r.set ? ` (set ${r.set})` : ''}`;
}

/** True for a whole-tree audit: every kfunc is reviewed, not only what a patch changes. */
export function isAudit(model: PatchModel): boolean {
  return model.mode === 'tree';
}

/**
 * How a kfunc set reaches the verifier: every `struct btf_kfunc_id_set` whose `.set` is `set`,
 * with the visible register_btf_* calls that pass it (empty when none is visible). Give `file`
 * (where the set is defined): set symbols are file-local, and a static id set can only be
 * registered from its own file, so same-named ones elsewhere are not confused with it.
 */
export function idSetsOf(model: PatchModel, set: string, file?: string): { idSet: IdSetStruct; calls: RegisterCall[] }[] {
  return model.idSets
    .filter((i) => i.set === set && (!file || i.file === file))
    .map((idSet) => ({
      idSet,
      calls: model.registerCalls.filter(
        (c) => c.idSet === idSet.name && c.fn !== 'register_btf_id_dtor_kfuncs' && (idSet.isStatic !== true || c.file === idSet.file),
      ),
    }));
}

/**
 * True when the entry's set is not a kfunc set: a BTF_SET8 list or a set handed only to
 * register_btf_fmodret_id_set() names fmod_ret targets (e.g. a `__weak noinline` hook), which
 * need no __bpf_kfunc marker.
 */
export function isFmodretEntry(model: PatchModel, r: Registration): boolean {
  if (!r.set) return false;
  const calls = idSetsOf(model, r.set, r.file).flatMap((w) => w.calls);
  if (calls.some((c) => c.fn === 'register_btf_kfunc_id_set')) return false;
  if (calls.some((c) => c.fn === 'register_btf_fmodret_id_set')) return true;
  return model.sets.some((s) => s.name === r.set && s.file === r.file && s.macro === 'BTF_SET8');
}

/**
 * Reviewed kfuncs that return a real pointer (not `void *`, which the verifier treats as a
 * scalar), with their definitions: what the NULL-return rules look at.
 */
export function pointerReturningKfuncs(model: PatchModel): { name: string; def: FunctionDef }[] {
  const out: { name: string; def: FunctionDef }[] = [];
  for (const name of reviewedKfuncNames(model)) {
    const def = definitionOf(model, name);
    if (!def) continue;
    const ret = bareType(def.returnType);
    if (isPointerType(ret) && ret !== 'void *') out.push({ name, def });
  }
  return out;
}
