// The context struct each BPF program type receives, and the UAPI "projections" the verifier
// accepts in place of a kernel type. A kfunc argument of a program's context type is checked as
// that program's context (PTR_TO_CTX, never NULL, never untrusted); in a program type with
// another context the same argument is an ordinary kernel-object pointer (PTR_TO_BTF_ID).
//
// Where it comes from: the BPF_PROG_TYPE(id, name, prog_ctx_type, kern_ctx_type) lines of
// include/linux/bpf_types.h (6.12); btf_is_prog_ctx_type() and btf_is_projection_of() in
// kernel/bpf/btf.c (a type without a named context struct, e.g. TRACING's `void *`, never
// matches; `__sk_buff` stands for `sk_buff` and `xdp_md` for `xdp_buff`); and
// process_kf_arg_ptr_to_btf_id() in kernel/bpf/verifier.c, which lets a tracing program pass a
// `struct sk_buff *` where the kfunc declares `struct __sk_buff *`.

/** Program type (without BPF_PROG_TYPE_) -> the struct name of its UAPI context, when it has one. */
export const PROG_CONTEXT_STRUCT: Readonly<Record<string, string>> = {
  SOCKET_FILTER: '__sk_buff',
  SCHED_CLS: '__sk_buff',
  SCHED_ACT: '__sk_buff',
  XDP: 'xdp_md',
  CGROUP_SKB: '__sk_buff',
  CGROUP_SOCK: 'bpf_sock',
  CGROUP_SOCK_ADDR: 'bpf_sock_addr',
  LWT_IN: '__sk_buff',
  LWT_OUT: '__sk_buff',
  LWT_XMIT: '__sk_buff',
  LWT_SEG6LOCAL: '__sk_buff',
  SOCK_OPS: 'bpf_sock_ops',
  SK_SKB: '__sk_buff',
  SK_MSG: 'sk_msg_md',
  FLOW_DISSECTOR: '__sk_buff',
  PERF_EVENT: 'bpf_perf_event_data',
  RAW_TRACEPOINT: 'bpf_raw_tracepoint_args',
  RAW_TRACEPOINT_WRITABLE: 'bpf_raw_tracepoint_args',
  CGROUP_DEVICE: 'bpf_cgroup_dev_ctx',
  CGROUP_SYSCTL: 'bpf_sysctl',
  CGROUP_SOCKOPT: 'bpf_sockopt',
  SK_REUSEPORT: 'sk_reuseport_md',
  SK_LOOKUP: 'bpf_sk_lookup',
  NETFILTER: 'bpf_nf_ctx',
  // KPROBE (bpf_user_pt_regs_t typedef), TRACEPOINT (__u64), LIRC_MODE2 (__u32), TRACING,
  // STRUCT_OPS, EXT, LSM and SYSCALL (void *) have no context struct a kfunc could name.
};

/** UAPI context struct -> the kernel struct it projects (btf_is_projection_of()). */
export const CONTEXT_PROJECTION: Readonly<Record<string, string>> = {
  __sk_buff: 'sk_buff',
  xdp_md: 'xdp_buff',
};

/**
 * Is `struct <name> *` the context of programs of `progType` (BPF_PROG_TYPE_X or X)? True for
 * the context struct itself and for the kernel struct it projects.
 */
export function isProgContext(name: string, progType: string): boolean {
  const ctx = PROG_CONTEXT_STRUCT[progType.replace(/^BPF_PROG_TYPE_/, '')];
  return !!ctx && (ctx === name || CONTEXT_PROJECTION[ctx] === name);
}

/** True when some program type has `struct <name>` (or the struct it projects) as its context. */
export function isAnyProgContext(name: string): boolean {
  return Object.values(PROG_CONTEXT_STRUCT).some((ctx) => ctx === name || CONTEXT_PROJECTION[ctx] === name);
}

/**
 * Program types whose programs hold pointers to kernel objects as BTF pointers, so a kfunc
 * argument typed as another program's context (`struct __sk_buff *`) is passed a kernel object
 * there: TRACING, LSM and STRUCT_OPS programs get their arguments through btf_ctx_access()
 * (kernel/bpf/btf.c), NETFILTER programs read `state` and `skb` from their context as trusted
 * BTF pointers (nf_is_valid_access() in net/netfilter/nf_bpf_link.c), and UNSPEC registers a
 * set for every program type. Packet program types (XDP, SCHED_CLS...) have no way to name a
 * kernel sk_buff or xdp_buff other than their own context.
 */
export const BTF_POINTER_PROG_TYPES: ReadonlySet<string> = new Set(['TRACING', 'LSM', 'STRUCT_OPS', 'NETFILTER', 'UNSPEC']);

/** True when programs of `progType` (BPF_PROG_TYPE_X or X) can pass kernel objects as BTF pointers. */
export function holdsBtfPointers(progType: string): boolean {
  return BTF_POINTER_PROG_TYPES.has(progType.replace(/^BPF_PROG_TYPE_/, ''));
}
