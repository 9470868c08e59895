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
