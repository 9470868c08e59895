// What a kfunc set's .filter can rely on when it decides by the program's attach type, and which
// run contexts only some attach types provide.
//
// Where it comes from (6.12 tree):
//   - include/uapi/linux/bpf.h: `enum bpf_attach_type` is one enum for every program type, so a
//     value names an attach point only together with the program type;
//   - kernel/bpf/syscall.c bpf_prog_load_check_attach(): the expected attach type is checked at
//     load only for the program types listed in ATTACH_TYPE_CHECKED_AT_LOAD (and must be 0 for
//     SYSCALL and EXT); `default: return 0;` takes any value for the others (KPROBE,
//     TRACEPOINT, PERF_EVENT, SCHED_CLS, XDP, ...). TRACING, LSM and STRUCT_OPS programs get
//     theirs checked against the attach target in check_attach_btf_id() (kernel/bpf/verifier.c);
//   - kernel/trace/bpf_trace.c, kernel/bpf/cgroup.c, include/linux/bpf.h: each runner sets
//     current->bpf_ctx to its own run-context struct (RUN_CONTEXTS); a kfunc that reads it with
//     container_of() as one of them is only right for programs run that way.

/** Program types whose expected attach type the kernel validates when the program loads. */
export const ATTACH_TYPE_CHECKED_AT_LOAD: ReadonlySet<string> = new Set([
  'BPF_PROG_TYPE_CGROUP_SOCK',
  'BPF_PROG_TYPE_CGROUP_SOCK_ADDR',
  'BPF_PROG_TYPE_CGROUP_SKB',
  'BPF_PROG_TYPE_CGROUP_SOCKOPT',
  'BPF_PROG_TYPE_SK_LOOKUP',
  'BPF_PROG_TYPE_SK_REUSEPORT',
  'BPF_PROG_TYPE_NETFILTER',
  'BPF_PROG_TYPE_SYSCALL',
  'BPF_PROG_TYPE_EXT',
  'BPF_PROG_TYPE_TRACING',
  'BPF_PROG_TYPE_LSM',
  'BPF_PROG_TYPE_STRUCT_OPS',
]);

/** Run-context structs (what current->bpf_ctx points to) and the programs whose runner sets each. */
export const RUN_CONTEXTS: Readonly<Record<string, string>> = {
  bpf_session_run_ctx: 'kprobe and uprobe session programs (kernel/trace/bpf_trace.c)',
  bpf_kprobe_multi_run_ctx: 'kprobe.multi and kprobe.session programs (kernel/trace/bpf_trace.c)',
  bpf_uprobe_multi_run_ctx: 'uprobe.multi and uprobe.session programs (kernel/trace/bpf_trace.c)',
  bpf_trace_run_ctx: 'kprobe, uprobe, tracepoint and perf-event programs (kernel/trace/bpf_trace.c)',
  bpf_tramp_run_ctx: 'trampoline programs: fentry, fexit, fmod_ret and LSM (kernel/bpf/trampoline.c)',
  bpf_cg_run_ctx: 'cgroup programs (kernel/bpf/cgroup.c)',
};

/** A program's fields a filter reads to tell program types and attach points apart. */
export const PROG_TYPE_FIELD = /^(type)$/;
export const ATTACH_TYPE_FIELD = /^(expected_attach_type)$/;
/**
 * The program's aux members that tell which struct_ops it implements and which callback
 * (include/linux/bpf.h struct bpf_prog_aux: st_ops, attach_st_ops_member_off, attach_btf_id);
 * struct_ops kfunc filters test them (e.g. block/blk-mq and sched_ext filters in newer trees).
 */
export const STRUCT_OPS_FIELD = /^(st_ops|attach_st_ops_member_off|attach_btf_id)$/;

/** Calls that give the program type (an extension program stands for its target's type). */
export const PROG_TYPE_CALL = /^(resolve_prog_type)$/;
