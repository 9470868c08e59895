// KF_RELEASE kfuncs that exist in the kernel tree, by the struct they release: a KF_ACQUIRE
// kfunc returning `struct <type> *` needs one of these (or a new one) so programs can drop the
// reference.
//
// Where it comes from: the BTF_ID_FLAGS(..., KF_RELEASE) entries of the 6.12 tree, read by
// hand (kernel/bpf/helpers.c, kernel/bpf/cpumask.c, kernel/sched/ext.c, fs/bpf_fs_kfuncs.c,
// kernel/trace/bpf_trace.c, kernel/bpf/crypto.c, net/netfilter/nf_conntrack_bpf.c,
// net/xfrm/xfrm_state_bpf.c, drivers/hid/bpf/hid_bpf_dispatch.c, net/bpf/test_run.c), plus
// bpf_put_mem_cgroup from the newer mm/bpf_memcontrol.c.

/** struct name -> a release kfunc that takes `struct <name> *`. */
export const RELEASE_KFUNC_FOR: Readonly<Record<string, string>> = {
  task_struct: 'bpf_task_release',
  cgroup: 'bpf_cgroup_release',
  bpf_cpumask: 'bpf_cpumask_release',
  cpumask: 'scx_bpf_put_cpumask',
  file: 'bpf_put_file',
  mem_cgroup: 'bpf_put_mem_cgroup',
  bpf_key: 'bpf_key_put',
  bpf_crypto_ctx: 'bpf_crypto_ctx_release',
  nf_conn: 'bpf_ct_release',
  nf_conn___init: 'bpf_ct_insert_entry',
  xfrm_state: 'bpf_xdp_xfrm_state_release',
  hid_bpf_ctx: 'hid_bpf_release_context',
  bpf_list_node: 'bpf_obj_drop_impl',
  bpf_rb_node: 'bpf_obj_drop_impl',
  prog_test_ref_kfunc: 'bpf_kfunc_call_test_release',
  prog_test_member: 'bpf_kfunc_call_memb_release',
};
