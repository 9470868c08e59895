// The open-coded iterator convention: an iterator over <type> is the state `struct
// bpf_iter_<type>` and three kfuncs bpf_iter_<type>_new / _next / _destroy, flagged
// KF_ITER_NEW / KF_ITER_NEXT / KF_ITER_DESTROY.
//
// Where it comes from: btf_check_iter_kfuncs() and btf_check_iter_arg() in kernel/bpf/btf.c
// (6.12), which build the expected name as "bpf_iter_%s_%s" from the first argument's struct
// name minus its ITER_PREFIX "bpf_iter_", and reject the whole kfunc set when an entry differs.

export type IterKind = 'new' | 'next' | 'destroy';

/** The three members of the triplet, constructor first. */
export const ITER_KINDS: readonly IterKind[] = ['new', 'next', 'destroy'];

/** The flag each member of the triplet carries. */
export const ITER_KIND_FLAG: Readonly<Record<IterKind, string>> = { new: 'KF_ITER_NEW', next: 'KF_ITER_NEXT', destroy: 'KF_ITER_DESTROY' };

/** KF_ITER_* flag -> the member it marks. */
export const ITER_FLAG_KIND: Readonly<Record<string, IterKind>> = Object.fromEntries(
  (Object.entries(ITER_KIND_FLAG) as [IterKind, string][]).map(([kind, flag]) => [flag, kind]),
);

/** The prefix of every iterator state struct (ITER_PREFIX in btf.c). */
export const ITER_STRUCT_PREFIX = 'bpf_iter_';

/** `bpf_iter_<type>_<kind>`: [1] is the type, [2] the kind. */
export const ITER_KFUNC_NAME = /^bpf_iter_(\w+)_(new|next|destroy)$/;

/** The type and kind an iterator kfunc name spells, or null for any other name. */
export function iterKfuncParts(name: string): { type: string; kind: IterKind } | null {
  const m = ITER_KFUNC_NAME.exec(name);
  return m ? { type: m[1], kind: m[2] as IterKind } : null;
}

/** The kfunc name of one member of the triplet for `type`. */
export function iterKfuncName(type: string, kind: IterKind): string {
  return `${ITER_STRUCT_PREFIX}${type}_${kind}`;
}

/** `bpf_iter_<type>`, the state struct's name. */
export function iterStructName(type: string): string {
  return `${ITER_STRUCT_PREFIX}${type}`;
}

/** The <type> of an iterator state struct name, or null when it is not one. */
export function iterStructType(struct: string): string | null {
  return struct.startsWith(ITER_STRUCT_PREFIX) ? struct.slice(ITER_STRUCT_PREFIX.length) : null;
}

/** True for a struct name of the form `bpf_iter_<type>`. */
export function isIterStruct(struct: string): boolean {
  return /^bpf_iter_\w+$/.test(struct);
}
