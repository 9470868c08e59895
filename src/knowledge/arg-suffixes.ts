// The kfunc argument suffixes the verifier reads from parameter names: `buf__sz`, `p__map`,
// `flags__irq_flag`... A parameter whose name ends in one of them is checked as that kind of
// argument instead of by its C type alone.
//
// This is the one table of what they mean. The model fills Param.suffix from the vocabulary in
// model/arg-suffix-names.ts, and this table is keyed by exactly that vocabulary; rules ask the
// properties below instead of keeping their own lists, so a correction is made once.
//
// Where the facts come from: the btf_param_match_suffix() callers in kernel/bpf/verifier.c of
// the 6.12 tree (the is_kfunc_arg_*() helpers, get_kfunc_ptr_arg_type(), check_kfunc_args(),
// btf_check_iter_arg() in kernel/bpf/btf.c), Documentation/bpf/kfuncs.rst, and bpf-next mails
// for the suffixes added or removed after 6.12 (our notes: kfunc-rules.md §2.2). 6.1 reads only
// `__sz`; the others marked "6.12" appeared between the two trees.
import { ARG_SUFFIX_NAMES, type ArgSuffixName } from '../model/arg-suffix-names.js';
import type { KernelVersion } from './kf-flags.js';

/** What the verifier makes of a parameter with the suffix. */
export type ArgSuffixKind =
  | 'size'
  | 'const-size'
  | 'constant'
  | 'ignored'
  | 'uninit-dynptr'
  | 'optional-buffer'
  | 'nullable'
  | 'const-string'
  | 'map'
  | 'const-map'
  | 'allocated-object'
  | 'refcounted-kptr'
  | 'iterator'
  | 'irq-flag'
  | 'prog-aux'
  | 'non-owning-ref'
  | 'arena';

export interface ArgSuffix {
  /** With the two leading underscores: `__sz`. */
  suffix: ArgSuffixName;
  kind: ArgSuffixKind;
  /** What the verifier does with such a parameter (our wording). */
  meaning: string;
  /** The suffix belongs on a scalar parameter (a size or a constant), not on a pointer. */
  scalar: boolean;
  /** The size of the pointer parameter right before it. */
  size: boolean;
  /**
   * The suffix alone decides how a pointer is checked (a map, a stack slot, an allocated
   * object...): the verifier never treats it as a kernel object (PTR_TO_BTF_ID) or as plain
   * memory, so the trusted-pointer rules do not apply to it.
   */
  ownKind: boolean;
  /** A bare `void *` parameter with this suffix is accepted without a size after it. */
  voidOk: boolean;
  /**
   * Whether a pointer with this suffix can be the object a KF_RELEASE kfunc releases: 'yes'
   * (it carries the program's reference), 'no' (it never carries one), or absent when the
   * kernel does not tell us.
   */
  releasable?: 'yes' | 'no';
  /** Merged, or only described in kfuncs.rst / seen in patches (not found in a tree we read). */
  status: 'merged' | 'unconfirmed';
  /** First release that reads it, when pinned. */
  since?: KernelVersion;
  /** First release that no longer reads it. */
  until?: KernelVersion;
  /** The kernels we know read it, in words. */
  kernels: string;
}

const v = (major: number, minor: number): KernelVersion => ({ major, minor });
const IN_6_12 = 'in 6.12, not in 6.1';

/** What each suffix of the vocabulary means (keyed by model/arg-suffix-names.ts). */
const FACTS: Readonly<Record<ArgSuffixName, Omit<ArgSuffix, 'suffix'>>> = {
  __sz: {
    kind: 'size',
    scalar: true,
    size: true,
    ownKind: false,
    voidOk: false,
    releasable: 'no',
    status: 'merged',
    since: v(5, 18),
    kernels: '5.18 and later',
    meaning: 'the size of the pointer right before it: the verifier checks [ptr, ptr + size)',
  },
  __szk: {
    kind: 'const-size',
    scalar: true,
    size: true,
    ownKind: false,
    voidOk: false,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'like __sz, and the size must be a known constant',
  },
  __k: {
    kind: 'constant',
    scalar: true,
    size: false,
    ownKind: false,
    voidOk: false,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'the scalar must be a known constant (at most one per kfunc); its range is not checked',
  },
  __ign: {
    kind: 'ignored',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'the verifier skips the argument entirely (before any reference tracking); the kfunc must treat it as untrusted',
  },
  __uninit: {
    kind: 'uninit-dynptr',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: false,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'an uninitialised struct bpf_dynptr on the stack for the kfunc to fill in; only dynptrs read it, so a void * is rejected',
  },
  __opt: {
    kind: 'optional-buffer',
    scalar: false,
    size: false,
    ownKind: false,
    voidOk: false,
    status: 'merged',
    until: v(7, 0),
    kernels: '6.12 to 6.19; v7.0 folded it into __nullable',
    meaning: 'the buffer of a __sz/__szk pair may be NULL',
  },
  __nullable: {
    kind: 'nullable',
    scalar: false,
    size: false,
    ownKind: false,
    voidOk: false,
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'the pointer may be NULL (the kfunc must check it); otherwise checked as its type says',
  },
  __str: {
    kind: 'const-string',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'a constant string in a read-only map value; the C pointee type is not looked at',
  },
  __map: {
    kind: 'map',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'a BPF map pointer (the register must hold a map); the C type is typically void *',
  },
  __const_map: {
    kind: 'const-map',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    status: 'unconfirmed',
    kernels: 'bpf-next (split from __map); release not pinned',
    meaning: 'a constant map pointer, as helpers take it',
  },
  __alloc: {
    kind: 'allocated-object',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'yes',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'a referenced object from bpf_obj_new() (MEM_ALLOC), e.g. what bpf_obj_drop() releases',
  },
  __refcounted_kptr: {
    kind: 'refcounted-kptr',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'yes',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'a refcounted local kptr (bpf_refcount_acquire)',
  },
  __iter: {
    kind: 'iterator',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: false,
    releasable: 'no',
    status: 'merged',
    kernels: IN_6_12,
    meaning: 'an iterator state on the stack passed to a kfunc that is not itself an iterator kfunc; it must be a struct bpf_iter_<type> *',
  },
  __irq_flag: {
    kind: 'irq-flag',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'no',
    status: 'merged',
    since: v(6, 14),
    kernels: 'from about 6.14 (inferred)',
    meaning: 'a stack slot for the saved IRQ flags of bpf_local_irq_save()/restore()',
  },
  __prog: {
    kind: 'prog-aux',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    releasable: 'no',
    status: 'merged',
    until: v(7, 0),
    kernels: 'added during 2025; v7.0 replaced it with KF_IMPLICIT_ARGS',
    meaning: "the verifier passes the calling program's bpf_prog_aux (at most one per kfunc)",
  },
  __nonown_allowed: {
    kind: 'non-owning-ref',
    scalar: false,
    size: false,
    ownKind: false,
    voidOk: false,
    status: 'unconfirmed',
    kernels: 'kfuncs.rst and patches only',
    meaning: 'a graph node argument may be a non-owning reference',
  },
  __arena: {
    kind: 'arena',
    scalar: false,
    size: false,
    ownKind: true,
    voidOk: true,
    status: 'unconfirmed',
    kernels: 'kfuncs.rst only',
    meaning: 'a pointer into a BPF arena',
  },
};

/** The table, in the vocabulary's order. */
export const ARG_SUFFIXES: readonly ArgSuffix[] = ARG_SUFFIX_NAMES.map((suffix) => ({ suffix, ...FACTS[suffix] }));

/**
 * Exact parameter names (not suffixes) the verifier gives a meaning: a constant that sets the
 * size of the returned memory (at most one per kfunc).
 */
export const RET_BUF_SIZE_NAMES: readonly string[] = ['rdonly_buf_size', 'rdwr_buf_size'];

const BY_SUFFIX = new Map<string, ArgSuffix>(ARG_SUFFIXES.map((s) => [s.suffix, s]));

/** The table entry for a Param.suffix ('' and unknown suffixes give undefined). */
export function argSuffix(suffix: string): ArgSuffix | undefined {
  return BY_SUFFIX.get(suffix);
}

/** The suffixes that have `property` set: `suffixesWhere((s) => s.voidOk)`. */
export function suffixesWhere(property: (s: ArgSuffix) => boolean): ReadonlySet<string> {
  return new Set(ARG_SUFFIXES.filter(property).map((s) => s.suffix));
}

/** `__sz` or `__szk`: the parameter is the size of the pointer right before it. */
export function isSizeSuffix(suffix: string): boolean {
  return argSuffix(suffix)?.size === true;
}
