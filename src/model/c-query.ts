// Small read-only questions about C syntax trees and kfunc models that several rules ask.
// Rules use these instead of walking tree-sitter nodes by hand.
import type { SyntaxNode } from './c-parser.js';
import type { FunctionDef, IdSetStruct, KfuncDef, PatchModel, RegisterCall, Registration } from './model.js';
import { isScalarSpelling } from './c-types.js';
import { chargeWork } from './work.js';

export { parentOf } from './tree-parents.js';

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

/** True when `name` is under review: every kfunc in an audit, the ones the patch touches in a review. */
export function isReviewed(model: PatchModel, name: string): boolean {
  return model.focus === null || model.focus.has(name);
}

/** The post-image definitions of the kfuncs under review (model.focus; every kfunc in audits). */
export function reviewedKfuncs(model: PatchModel): KfuncDef[] {
  return model.kfuncs.filter((k) => k.side === 'new' && isReviewed(model, k.name));
}

const sortedLines = new WeakMap<ReadonlySet<number>, number[]>();

/** True when some line of `set` lies in [lo, hi] (a binary search over the sorted set, memoised). */
function anyInRange(set: ReadonlySet<number>, lo: number, hi: number): boolean {
  let lines = sortedLines.get(set);
  if (!lines) {
    lines = [...set].sort((a, b) => a - b);
    sortedLines.set(set, lines);
  }
  let a = 0;
  let b = lines.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (lines[mid]! < lo) a = mid + 1;
    else b = mid;
  }
  return a < lines.length && lines[a]! <= hi;
}

/** True when the patch adds a line inside the function, or deletes lines from its body. */
export function bodyTouched(model: PatchModel, fn: FunctionDef): boolean {
  const file = model.files.find((f) => f.path === fn.file);
  if (!file) return false;
  return anyInRange(file.addedLines, fn.line, fn.endLine) || anyInRange(file.deletedAt, fn.line + 1, fn.endLine);
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
 * Names of the kfuncs whose flag/definition consistency a rule should review: the kfuncs under
 * review that the post-image still defines or registers (in an audit, every definition and
 * registration). Covers functions registered directly without `__bpf_kfunc`.
 */
export function reviewedKfuncNames(model: PatchModel): Set<string> {
  const names = new Set(reviewedKfuncs(model).map((k) => k.name));
  for (const r of model.registrations) if (!r.removed && isReviewed(model, r.kfunc)) names.add(r.kfunc);
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

/**
 * Program types the patch itself maps to a kfunc hook: an added `case BPF_PROG_TYPE_X:` label
 * whose case falls through to a `return BTF_KFUNC_HOOK_*` (the mapping in kernel/bpf/btf.c), so
 * a registration for X in the same patch can succeed. Name -> the hook it maps to.
 */
export function hookMappingsAdded(model: PatchModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of model.files) {
    if (f.role !== 'unit') continue;
    for (const n of f.addedLines) {
      const m = /^\s*case\s+BPF_PROG_TYPE_(\w+)\s*:/.exec(f.lineText(n) ?? '');
      if (!m) continue;
      // Follow the fall-through labels down to the return that names the hook.
      for (let k = n + 1; k <= n + 40; k++) {
        const t = f.lineText(k);
        if (t === undefined) break;
        const hook = /\bBTF_KFUNC_HOOK_(\w+)/.exec(t);
        if (hook) {
          out.set(m[1]!, hook[1]!);
          break;
        }
        if (!/^\s*(case\s+\w+\s*:|\/\/.*|\/\*.*)?\s*$/.test(t)) break;
      }
    }
  }
  return out;
}
