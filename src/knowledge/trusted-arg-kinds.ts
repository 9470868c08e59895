// What KF_TRUSTED_ARGS and KF_RCU change for each kind of kfunc pointer argument, on trees
// before v7.0 (where trusted arguments became the default and the flag was deleted).
//
// check_kfunc_args() first sorts a pointer argument into a kind (get_kfunc_ptr_arg_type()),
// then checks it as that kind. Two checks depend on the flags (KF_RELEASE implies trusted
// arguments, is_kfunc_trusted_args()):
//   - "Possibly NULL pointer passed to trusted arg": with KF_TRUSTED_ARGS or KF_RCU, a NULL or
//     maybe-NULL register is rejected for every pointer argument not marked __nullable;
//   - "must be referenced or trusted" / "must be a rcu pointer": for kernel objects
//     (PTR_TO_BTF_ID), maps and allocated objects, only with one of the flags.
// Without them, what reaches the kfunc depends on the kind:
//   - kernel object (PTR_TO_BTF_ID): legacy pointers that were walked from another object
//     (may be NULL, may be freed) pass; only PTR_UNTRUSTED ones are refused;
//   - plain memory (pointer to a scalar or a struct of scalars, no size argument): NULL passes,
//     check_mem_reg() accepts a NULL register;
//   - a `__map` map, an `__alloc` object, a `__refcounted_kptr`: a maybe-NULL register of the
//     right type passes (an inner-map lookup result, an unchecked bpf_obj_new() result);
//   - context, dynptr, iterator, list/rbtree root and node, constant string, workqueue,
//     callback: the kind's own check needs the exact register type (PTR_TO_CTX, a stack slot, a
//     map value...), so neither flag changes anything;
//   - memory with a size argument: NULL passes only with size 0 (check_helper_mem_access());
//   - `__ign`: never checked at all.
//
// Where it comes from: check_kfunc_args(), get_kfunc_ptr_arg_type(), check_mem_reg(),
// process_iter_arg(), process_dynptr_func() and is_trusted_reg() in kernel/bpf/verifier.c
// (6.12), and the KF_TRUSTED_ARGS section of Documentation/bpf/kfuncs.rst.
import type { ArgSuffixKind } from './arg-suffixes.js';

/**
 * What the flags add for one argument kind:
 *   'none'  - nothing: the kind's own check already refuses NULL and foreign pointers;
 *   'null'  - the NULL check only: without a flag a NULL (or maybe-NULL) pointer reaches the kfunc;
 *   'trust' - the NULL check and the trusted/RCU check: without a flag walked kernel pointers
 *             (possibly NULL or freed) reach the kfunc.
 */
export type TrustedArgEffect = 'none' | 'null' | 'trust';

/** The verifier's argument kinds (KF_ARG_PTR_TO_*), in our words. */
export type PointerArgKind =
  | 'kernel-object'
  | 'memory'
  | 'sized-memory'
  | 'map'
  | 'allocated-object'
  | 'refcounted-kptr'
  | 'context'
  | 'dynptr'
  | 'iterator'
  | 'graph'
  | 'const-string'
  | 'workqueue'
  | 'ignored'
  | 'other';

export const POINTER_ARG_EFFECT: Readonly<Record<PointerArgKind, TrustedArgEffect>> = {
  'kernel-object': 'trust',
  memory: 'null',
  'sized-memory': 'none',
  map: 'null',
  'allocated-object': 'null',
  'refcounted-kptr': 'null',
  context: 'none',
  dynptr: 'none',
  iterator: 'none',
  graph: 'none',
  'const-string': 'none',
  workqueue: 'none',
  ignored: 'none',
  other: 'none',
};

/** The kind a parameter suffix alone decides (undefined: the C type decides). */
export const SUFFIX_ARG_KIND: Readonly<Partial<Record<ArgSuffixKind, PointerArgKind>>> = {
  ignored: 'ignored',
  'uninit-dynptr': 'dynptr',
  'const-string': 'const-string',
  map: 'map',
  'const-map': 'map',
  'allocated-object': 'allocated-object',
  'refcounted-kptr': 'refcounted-kptr',
  iterator: 'iterator',
  'irq-flag': 'other',
  'prog-aux': 'other',
  arena: 'other',
};

/**
 * Struct types the verifier recognises by name (is_kfunc_arg_dynptr(), _list_head(),
 * _list_node(), _rbtree_root(), _rbtree_node(), _wq()): checked as their own kind whatever the
 * flags. Iterator states are recognised by their `bpf_iter_` prefix (iterator-naming.ts).
 */
export const NAMED_STRUCT_KIND: Readonly<Record<string, PointerArgKind>> = {
  bpf_dynptr: 'dynptr',
  bpf_dynptr_kern: 'dynptr',
  bpf_list_head: 'graph',
  bpf_list_node: 'graph',
  bpf_rb_root: 'graph',
  bpf_rb_node: 'graph',
  bpf_wq: 'workqueue',
};

/** Words for a kind in messages. */
export const POINTER_ARG_KIND_TEXT: Readonly<Record<PointerArgKind, string>> = {
  'kernel-object': 'a kernel object (PTR_TO_BTF_ID)',
  memory: 'plain memory',
  'sized-memory': 'memory with a size argument',
  map: 'a map (__map)',
  'allocated-object': 'an allocated object (__alloc)',
  'refcounted-kptr': 'a refcounted kptr (__refcounted_kptr)',
  context: 'the program context',
  dynptr: 'a dynptr',
  iterator: 'an iterator state',
  graph: 'a list/rbtree root or node',
  'const-string': 'a constant string (__str)',
  workqueue: 'a workqueue',
  ignored: 'an ignored argument (__ign)',
  other: 'a special argument',
};
