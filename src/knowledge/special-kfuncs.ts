// Kfuncs the verifier recognises by name (special_kfunc_list) and treats differently from what
// their prototype says, so the generic prototype and flag checks must leave them alone.
//
// Where it comes from: kernel/bpf/verifier.c (6.12): check_kfunc_call() accepts KF_ACQUIRE on
// a non-struct return only for the three allocation kfuncs below ("Only exception is
// bpf_obj_new_impl"), and get_kfunc_ptr_arg_type() types the argument of bpf_cast_to_kern_ctx
// as the program context before looking at its C type.

/** KF_ACQUIRE kfuncs that return `void *` (a new or re-acquired BPF-allocated object). */
export const VOID_RETURNING_ACQUIRE_KFUNCS: readonly string[] = [
  'bpf_obj_new_impl',
  'bpf_percpu_obj_new_impl',
  'bpf_refcount_acquire_impl',
];

/** Kfuncs whose (void *) argument the verifier types as the program context. */
export const CTX_ARG_KFUNCS: readonly string[] = ['bpf_cast_to_kern_ctx'];

/**
 * `void *` kfuncs the verifier types as a pointer anyway: check_kfunc_call() gives the
 * allocation kfuncs PTR_TO_BTF_ID | MEM_ALLOC and the dynptr slices PTR_TO_MEM before it reaches
 * the generic rule ("kfunc returning 'void *' is equivalent to returning scalar"), and then
 * adds PTR_MAYBE_NULL when the entry has KF_RET_NULL. Every other `void *` return is a scalar
 * to BPF, so KF_RET_NULL means nothing there.
 */
export const VOID_POINTER_RETURN_KFUNCS: readonly string[] = [
  ...VOID_RETURNING_ACQUIRE_KFUNCS,
  'bpf_dynptr_slice',
  'bpf_dynptr_slice_rdwr',
];

/**
 * Kfuncs that take ownership of a node argument without KF_RELEASE: the verifier's graph API
 * (is_bpf_graph_api_kfunc(), ref_convert_owning_non_owning() in kernel/bpf/verifier.c) moves
 * the node into the list or tree, and their bodies drop it only when the insert fails.
 */
export const OWNERSHIP_TAKING_KFUNCS: readonly string[] = ['bpf_list_push_front_impl', 'bpf_list_push_back_impl', 'bpf_rbtree_add_impl'];
