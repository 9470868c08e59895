// Questions about the visible text of a model's files that the parsed definitions do not
// answer: where a function is named as a value (a callback), the members a struct initialiser
// sets, and the old-style BTF_SET_START/BTF_ID lists. Line based, like btf-sets.ts.
import type { FileModel, FunctionDef, PatchModel } from './model.js';

/** Every visible post-image line of a file as [line, text], in order. */
export function visibleLines(file: FileModel): [number, string][] {
  const out: [number, string][] = [];
  if (file.visibility === 'full') {
    for (let n = 1; ; n++) {
      const t = file.lineText(n);
      if (t === undefined) break;
      out.push([n, t]);
    }
    return out;
  }
  for (const [a, b] of file.shownRanges)
    for (let n = a; n <= b; n++) {
      const t = file.lineText(n);
      if (t !== undefined) out.push([n, t]);
    }
  return out;
}

export function fileOf(model: PatchModel, path: string): FileModel | undefined {
  return model.files.find((f) => f.path === path);
}

/**
 * Where `fn` is named as a value in its own file (`.in_ack_event = fn,`, `fn,` in an ops table):
 * its signature is then fixed by the callback type, not chosen for BPF. BTF_ID lines and calls
 * do not count.
 */
export function usedAsValue(model: PatchModel, fn: FunctionDef): { line: number; text: string } | null {
  const file = fileOf(model, fn.file);
  if (!file) return null;
  const re = new RegExp(`(^|[=,({&?:]\\s*)&?${fn.name}\\s*([,;})]|$)`);
  for (const [n, t] of visibleLines(file)) {
    if (/\bBTF_ID(_FLAGS)?\s*\(|^\s*(\/\/|\*|\/\*)/.test(t)) continue;
    if (re.test(t)) return { line: n, text: t.trim() };
  }
  return null;
}

/** One `.member = value` of a designated initialiser. */
export interface InitMember {
  member: string;
  value: string;
  line: number;
}

/**
 * The designated members of the initialiser of `struct <type> <name> = { ... }` that starts at
 * `line` of `path` (a btf_kfunc_id_set, for instance), or null when its end is not visible.
 */
export function initialiserMembers(model: PatchModel, path: string, line: number): InitMember[] | null {
  const file = fileOf(model, path);
  if (!file) return null;
  const out: InitMember[] = [];
  let opened = false;
  for (let n = line; n < line + 60; n++) {
    const t = file.lineText(n);
    if (t === undefined) return null;
    const from = opened ? 0 : t.indexOf('{');
    if (from < 0) continue;
    opened = true;
    const body = t.slice(from);
    for (const m of body.matchAll(/\.\s*(\w+)\s*=\s*([^,}]*)/g)) out.push({ member: m[1]!, value: m[2]!.trim(), line: n });
    if (body.includes('}')) return out;
  }
  return null;
}

/** An old-style `BTF_SET_START(name)` ... `BTF_ID(func, f)` ... `BTF_SET_END(name)` list. */
export interface IdList {
  name: string;
  file: string;
  line: number;
  funcs: { name: string; line: number }[];
}

/** The BTF_SET_START/BTF_ID lists visible in `path` (the sets before BTF_ID_FLAGS existed). */
export function idLists(model: PatchModel, path: string): IdList[] {
  const file = fileOf(model, path);
  if (!file) return [];
  const out: IdList[] = [];
  let open: IdList | null = null;
  for (const [n, t] of visibleLines(file)) {
    const start = /^\s*BTF_SET_START\s*\(\s*(\w+)\s*\)/.exec(t);
    if (start) {
      open = { name: start[1]!, file: path, line: n, funcs: [] };
      out.push(open);
      continue;
    }
    if (/^\s*BTF_SET_END\s*\(/.test(t)) {
      open = null;
      continue;
    }
    const id = /^\s*BTF_ID\s*\(\s*func\s*,\s*(\w+)\s*\)/.exec(t);
    if (id && open) open.funcs.push({ name: id[1]!, line: n });
  }
  return out;
}

/**
 * Parameter names of the callbacks (function-pointer members and typedefs) declared in the
 * visible lines of `path`: `void (*enqueue)(struct task_struct *p, u64 enq_flags);` gives
 * `enq_flags`.
 */
export function callbackParamNames(model: PatchModel, path: string): Set<string> {
  const file = fileOf(model, path);
  const out = new Set<string>();
  if (!file) return out;
  const text = visibleLines(file)
    .map(([, t]) => t.replace(/\/\/.*$/, ''))
    .join(' ');
  for (const m of text.matchAll(/\(\s*\*\s*\w+\s*\)\s*\(([^;{}()]*)\)\s*;/g))
    for (const part of m[1]!.split(',')) {
      const name = /(\w+)\s*(\[[^\]]*\])?\s*$/.exec(part.trim())?.[1];
      if (name && name !== 'void') out.add(name);
    }
  return out;
}

/** The struct_ops a file registers (`register_bpf_struct_ops(&foo_ops, foo_ops)`), if visible. */
export function structOpsRegistered(model: PatchModel, path: string): { name: string; line: number } | null {
  const file = fileOf(model, path);
  if (!file) return null;
  for (const [n, t] of visibleLines(file)) {
    const m = /\bregister_bpf_struct_ops\s*\(\s*&\s*(\w+)/.exec(t);
    if (m) return { name: m[1]!, line: n };
  }
  return null;
}
