// What the index analysis knows about kernel callees by name: which argument they index, copy,
// allocate or test a bit with, and which ones validate, sanitise or merely wrap a value.

/** Callees that index with an argument (position = argument index). kfunc-rules.md §4.4. */
export const INDEXING_CALLEES: Record<string, number[]> = {
  memcg_events: [1],
  memcg_events_local: [1],
  memcg_page_state: [1],
  memcg_page_state_local: [1],
  memcg_page_state_output: [1],
  memcg_page_state_local_output: [1],
  memcg_events_index: [0],
  memcg_stats_index: [0],
  lruvec_page_state: [1],
  lruvec_page_state_local: [1],
  node_page_state: [1],
  node_page_state_pages: [1],
  global_node_page_state: [0],
  global_node_page_state_pages: [0],
  global_zone_page_state: [0],
  mod_memcg_state: [1],
  per_cpu: [1],
  per_cpu_ptr: [1],
  cpu_rq: [0],
  cpu_curr: [0],
  idle_task: [0],
  arch_scale_cpu_capacity: [0],
  cpumask_set_cpu: [0],
  cpumask_test_cpu: [0],
  cpumask_clear_cpu: [0],
  cpumask_test_and_set_cpu: [0],
  cpumask_test_and_clear_cpu: [0],
  __cpumask_set_cpu: [0],
  __cpumask_clear_cpu: [0],
  cpu_to_node: [0],
  NODE_DATA: [0],
  kmalloc_node: [2],
  kzalloc_node: [2],
  kvmalloc_node: [2],
  alloc_pages_node: [0],
  __alloc_pages_node: [0],
  node_online: [0],
  node_state: [0],
};

export const BIT_CALLEES: Record<string, number> = {
  BIT: 0,
  BIT_ULL: 0,
  test_bit: 0,
  __test_bit: 0,
  set_bit: 0,
  __set_bit: 0,
  clear_bit: 0,
  __clear_bit: 0,
  change_bit: 0,
  test_and_set_bit: 0,
  test_and_clear_bit: 0,
  __test_and_set_bit: 0,
  __test_and_clear_bit: 0,
};

/** Copy/fill length arguments (position = the length argument). */
export const LENGTH_CALLEES: Record<string, number> = {
  memcpy: 2,
  memmove: 2,
  memset: 2,
  memcmp: 2,
  memcpy_toio: 2,
  memcpy_fromio: 2,
  copy_from_user: 2,
  copy_to_user: 2,
  __copy_from_user: 2,
  __copy_to_user: 2,
  copy_from_kernel_nofault: 2,
  copy_to_kernel_nofault: 2,
  copy_from_user_nofault: 2,
  copy_to_user_nofault: 2,
  strscpy: 2,
  strscpy_pad: 2,
  strncpy: 2,
  strlcpy: 2,
  strncpy_from_user: 2,
  strncpy_from_kernel_nofault: 2,
  strncpy_from_user_nofault: 2,
  skb_copy_bits: 3,
  skb_store_bits: 3,
  bpf_probe_read_kernel: 1,
  bpf_probe_read_user: 1,
  copy_from_user_task: 2,
};

/**
 * The destination argument of the copy/fill callees above, where it is kernel or BPF memory the
 * length must fit (absent: the callee checks its destination itself, e.g. skb_store_bits, or it
 * has none, e.g. memcmp; copy_to_user's destination is user memory access_ok() checks).
 */
export const LENGTH_DEST: Record<string, number> = {
  memcpy: 0,
  memmove: 0,
  memset: 0,
  memcpy_toio: 0,
  memcpy_fromio: 0,
  copy_from_user: 0,
  __copy_from_user: 0,
  copy_from_kernel_nofault: 0,
  copy_from_user_nofault: 0,
  strscpy: 0,
  strscpy_pad: 0,
  strncpy: 0,
  strlcpy: 0,
  strncpy_from_user: 0,
  strncpy_from_kernel_nofault: 0,
  strncpy_from_user_nofault: 0,
  skb_copy_bits: 2,
  bpf_probe_read_kernel: 0,
  bpf_probe_read_user: 0,
};

/** Allocation sizes (positions = the size arguments). */
export const ALLOC_CALLEES: Record<string, number[]> = {
  kmalloc: [0],
  kzalloc: [0],
  kvmalloc: [0],
  kvzalloc: [0],
  vmalloc: [0],
  vzalloc: [0],
  kmalloc_node: [0],
  kzalloc_node: [0],
  kvmalloc_node: [0],
  kcalloc: [0, 1],
  kmalloc_array: [0, 1],
  kvcalloc: [0, 1],
  kvmalloc_array: [0, 1],
  krealloc: [1],
  kmemdup: [1],
  bpf_mem_alloc: [1],
  __alloc_percpu: [0],
  __alloc_percpu_gfp: [0],
  alloc_pages: [1],
  kmalloc_nolock: [0],
};

/** Lookups that validate the key themselves: passing the value is safe. */
export const SAFE_CALLEE =
  /^(xa_load|xa_find\w*|idr_find|idr_get_next\w*|radix_tree_lookup|find_\w+_by_\w*id\w*|find_vpid|find_task_by_\w+|find_get_pid|pid_task|bpf_map_lookup\w*|cgroup_get_from_id|cgroup_get_from_fd|task_from_pid\w*|rhashtable_lookup\w*|sockfd_lookup|fget|fdget\w*|bpf_prog_get\w*|bpf_map_get\w*|btf_type_by_id|btf_get_by_fd|ida_\w+)$/;

/** Calls that produce a value bounded by their other arguments. */
export const SANITISER = /^(array_index_nospec|clamp|clamp_t|clamp_val|min|min_t|min3|umin)$/;

/** Wrappers whose result is their first argument's truth value. */
export const TRANSPARENT = /^(likely|unlikely|WARN_ON|WARN_ON_ONCE|WARN|WARN_ONCE|data_race|READ_ONCE)$/;

/** Helpers whose name says they validate their argument (trusted when the body is not visible). */
export const VALIDATOR_NAME = /(^|_)(is_)?valid(_\w+)?$|_valid_|^valid_|_ok$|_in_range$|^is_\w+_valid/;

/**
 * Helpers whose name says they reject bad input by returning nonzero (an errno, or true for
 * "bad"): `if (foo_check(v)) return ...`, `err = foo_validate(v); if (err) ...`, and the
 * sentinel tests of a looked-up index such as memcg's `BAD_STAT_IDX(i)` (mm/memcontrol.c).
 * Trusted when the body is not visible.
 */
export const CHECKER_NAME = /(^|_)(check|validate|verify)(_|$)|(^|_)(invalid|bad)(_|$)|^BAD_\w+$|_out_of_range$/;

/**
 * String copies that leave the destination without a NUL when the source fills it (position of
 * the destination and of the count). strncpy_from_user(): lib/strncpy_from_user.c kernel-doc,
 * "If @count is smaller than the length of the string, copies @count bytes and returns @count";
 * strncpy(): lib/string.c (the C library contract). The *_nofault readers of mm/maccess.c and
 * strscpy() always terminate and are not listed.
 */
export const UNTERMINATED_COPY: Record<string, { dst: number; count: number }> = {
  strncpy_from_user: { dst: 0, count: 2 },
  __strncpy_from_user: { dst: 0, count: 2 },
  strncpy: { dst: 0, count: 2 },
};
