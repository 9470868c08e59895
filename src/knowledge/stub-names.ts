// Naming conventions of kernel functions that carry __bpf_kfunc or sit in kfunc lists without
// being called from BPF under their own prototype.
//
// Where it comes from: register_btf_id_dtor_kfuncs() users in the 6.12 tree (the
// *_release_dtor(void *) stubs in kernel/bpf/helpers.c and cpumask.c, listed with BTF_ID(func,
// ...) in dtor lists, not in kfunc sets), and the *_impl kfuncs behind bpf_obj_new() and
// friends, which BPF programs call through macros; v7.0's KF_IMPLICIT_ARGS generates more
// `<name>_impl` anchors.

/** A destructor stub: referenced from a dtor list, never called from BPF. */
export function isDestructorStub(name: string): boolean {
  return /_dtor$/.test(name);
}

/** An `_impl` anchor: the real prototype behind a macro or an implicit-argument kfunc. */
export function isImplAnchor(name: string): boolean {
  return /_impl$/.test(name);
}
