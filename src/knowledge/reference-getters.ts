// Kernel functions that hand their caller an object with a reference already taken for it
// (the caller must put it): a kfunc that returns their result passes that reference to the BPF
// program, so it must be KF_ACQUIRE. `fails` says what the function returns when it finds
// nothing, which tells whether the kfunc can return NULL.
//
// Where it comes from: the kernel-doc or the body of each function in the 6.12 tree, cited per
// entry; the *find_get* family is the kernel's naming for "look up and take a reference".
import type { CalleeFact } from './callee-facts.js';

export interface GetterFact extends CalleeFact {
  /** What a failed call returns: NULL, an ERR_PTR, either, or it cannot fail. */
  fails: 'null' | 'err' | 'null-or-err' | 'never';
  /** How the caller drops the reference, for evidence. */
  put: string;
}

export const REFERENCE_GETTERS: readonly GetterFact[] = [
  {
    names: ['get_task_exe_file', 'get_mm_exe_file'],
    fails: 'null',
    put: 'fput()',
    why: 'kernel/fork.c: their kernel-doc says they acquire a reference to the executable file, return NULL when there is none, and that the user must release it with fput()',
  },
  {
    names: ['get_task_mm'],
    fails: 'null',
    put: 'mmput()',
    why: 'kernel/fork.c: raises mm_users with mmget() and returns NULL for kernel threads and tasks without an mm; the kernel-doc asks for mmput()',
  },
  {
    names: ['__cgroup_get_from_id', 'cgroup_get_from_id', 'cgroup_get_from_path', 'cgroup_v1v2_get_from_fd', 'cgroup_get_from_fd'],
    fails: 'err',
    put: 'cgroup_put()',
    why: 'kernel/cgroup/cgroup.c: each takes the cgroup with cgroup_tryget()/cgroup_get() before returning it and returns an ERR_PTR when there is none',
  },
  {
    names: ['task_get_cgroup1'],
    fails: 'err',
    put: 'cgroup_put()',
    why: 'kernel/cgroup/cgroup-v1.c: kernel-doc "Acquires the associated cgroup of a task"; takes it with cgroup_tryget() and returns ERR_PTR(-ENOENT) on failure',
  },
  {
    names: ['get_pid_task', 'find_get_task_by_vpid'],
    fails: 'null',
    put: 'put_task_struct()',
    why: 'kernel/pid.c: both call get_task_struct() on the task they find and return NULL when there is none',
  },
  {
    names: ['get_task_pid', 'find_get_pid'],
    fails: 'null',
    put: 'put_pid()',
    why: 'kernel/pid.c: both return the struct pid through get_pid(), NULL when there is none',
  },
  {
    names: ['fget', 'fget_raw', 'fget_task'],
    fails: 'null',
    put: 'fput()',
    why: 'fs/file.c: return the file behind a descriptor with its count raised (__fget_files() uses get_file_rcu()), NULL for a bad descriptor',
  },
  {
    names: ['nf_conntrack_find_get'],
    fails: 'null',
    put: 'nf_ct_put()',
    why: 'net/netfilter/nf_conntrack_core.c: finds the conntrack entry for a tuple and takes a reference on it, NULL when nothing matches',
  },
  {
    names: ['xfrm_state_lookup', 'xfrm_state_lookup_byaddr', 'xfrm_state_lookup_byspi'],
    fails: 'null',
    put: 'xfrm_state_put()',
    why: 'net/xfrm/xfrm_state.c: the lookups hold the state (xfrm_state_hold()/xfrm_state_hold_rcu()) before returning it and return NULL when none matches',
  },
  {
    names: ['lookup_user_key'],
    fails: 'err',
    put: 'key_put()',
    why: 'security/keys/process_keys.c: "Returns a pointer to the key with an incremented usage count if successful", an error pointer otherwise',
  },
  {
    names: ['bus_find_device', 'bus_find_device_by_name', 'class_find_device', 'driver_find_device', 'device_find_child'],
    fails: 'null',
    put: 'put_device()',
    why: 'drivers/base/bus.c, class.c, driver.c, core.c: kernel-doc of bus_find_device() "returns a reference to a device that is found"; the others say the same and return NULL when none matches',
  },
  {
    names: ['get_net_ns_by_id'],
    fails: 'null',
    put: 'put_net()',
    why: 'net/core/net_namespace.c: finds the peer namespace under RCU and takes it with maybe_get_net(), NULL when the id is unknown or the namespace is dying',
  },
  {
    names: ['get_net_ns_by_pid', 'get_net_ns_by_fd'],
    fails: 'err',
    put: 'put_net()',
    why: 'net/core/net_namespace.c: return the namespace through get_net(), an ERR_PTR when the pid or fd does not name one',
  },
  {
    names: ['dev_get_by_index', 'dev_get_by_name', 'netdev_get_by_index', 'netdev_get_by_name'],
    fails: 'null',
    put: 'dev_put()',
    why: 'net/core/dev.c: find the device under RCU and dev_hold()/netdev_hold() it before returning, NULL when not found',
  },
  {
    names: ['bpf_map_get', 'bpf_map_get_with_uref', 'bpf_prog_get', 'bpf_prog_get_type_dev', 'bpf_link_get_from_fd', 'btf_get_by_fd'],
    fails: 'err',
    put: 'bpf_map_put()/bpf_prog_put()/bpf_link_put()/btf_put()',
    why: 'kernel/bpf/syscall.c and btf.c: take a reference (bpf_map_inc(), bpf_prog_inc(), ...) on the object behind an fd, an ERR_PTR otherwise',
  },
  {
    names: ['get_mem_cgroup_from_mm', 'get_mem_cgroup_from_current', 'get_mem_cgroup_from_folio', 'get_obj_cgroup_from_current'],
    fails: 'null',
    put: 'mem_cgroup_put()/obj_cgroup_put()',
    why: 'mm/memcontrol.c: loop on css_tryget() until they hold the memcg they return (NULL when memory cgroups are disabled)',
  },
  {
    names: ['kernfs_find_and_get_node_by_id', 'kernfs_find_and_get_ns'],
    fails: 'null',
    put: 'kernfs_put()',
    why: 'fs/kernfs/dir.c: kernel-doc "Look for kernfs_node ... and get it", returning the node with kernfs_get() applied, NULL if not found',
  },
  {
    names: [],
    pattern: /(^|_)find_get(_|$)/,
    fails: 'null',
    put: 'the matching put',
    why: 'the kernel names "look up and take a reference" find_get (find_get_pid() in kernel/pid.c, find_get_task_by_vpid(), nf_conntrack_find_get(), find_get_page() in mm/filemap.c): the result is referenced, NULL when nothing is found',
  },
];
