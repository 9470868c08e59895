// Struct types that a kfunc pointer argument can have without being a kernel object: the
// verifier checks them as a program context, or as a BPF special object that lives on the
// program stack or in a map value, never as a refcounted PTR_TO_BTF_ID. So the trusted-pointer
// rules do not apply to them, and they never carry the reference a KF_RELEASE kfunc drops.
//
// Where it comes from: get_kfunc_ptr_arg_type() and the kf_arg_btf_ids list in
// kernel/bpf/verifier.c, btf_is_prog_ctx_type() with the context types of
// include/linux/bpf_types.h (6.12); bpf_res_spin_lock and bpf_task_work are later map-value
// objects of the same kind (bpf-next mails). Iterator states (struct bpf_iter_<type>) are
// special too, see iterator-naming.ts.
import { isIterStruct } from './iterator-naming.js';

export type SpecialStructKind = 'prog-ctx' | 'bpf-object';

export interface SpecialArgStruct {
  name: string;
  kind: SpecialStructKind;
}

const ctx = (name: string): SpecialArgStruct => ({ name, kind: 'prog-ctx' });
const obj = (name: string): SpecialArgStruct => ({ name, kind: 'bpf-object' });

export const SPECIAL_ARG_STRUCTS: readonly SpecialArgStruct[] = [
  // The UAPI context a program of some type receives (PTR_TO_CTX).
  ctx('__sk_buff'),
  ctx('xdp_md'),
  ctx('bpf_sock_addr'),
  ctx('bpf_sock_ops'),
  ctx('sk_msg_md'),
  ctx('sk_reuseport_md'),
  ctx('bpf_sockopt'),
  ctx('bpf_sysctl'),
  ctx('bpf_perf_event_data'),
  ctx('bpf_nf_ctx'),
  // BPF objects the verifier recognises by type name or by a suffix: dynptrs and graph roots
  // and nodes on the stack or in map values, timers, workqueues and locks in map values, the
  // map itself, and the program's own bpf_prog_aux.
  obj('bpf_dynptr'),
  obj('bpf_dynptr_kern'),
  obj('bpf_list_head'),
  obj('bpf_list_node'),
  obj('bpf_rb_root'),
  obj('bpf_rb_node'),
  obj('bpf_refcount'),
  obj('bpf_timer'),
  obj('bpf_wq'),
  obj('bpf_spin_lock'),
  obj('bpf_res_spin_lock'),
  obj('bpf_task_work'),
  obj('bpf_map'),
  obj('bpf_prog_aux'),
];

const NAMES = new Set(SPECIAL_ARG_STRUCTS.map((s) => s.name));

/** True when `struct <name> *` is a context, special object or iterator state, not a kernel object. */
export function isSpecialArgStruct(name: string): boolean {
  return NAMES.has(name) || isIterStruct(name);
}
