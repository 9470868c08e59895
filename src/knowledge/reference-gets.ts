// How kernel code takes a reference on an object: conditionally (the grab fails once the
// count reached zero, so the caller must handle failure) or unconditionally (only correct when
// something else already pins the object). The object is the first argument, named directly
// (`get_task_struct(p)`, `cgroup_get(cgrp)`) or through its embedded counter
// (`refcount_inc(&p->usage)`).
//
// Where it comes from: include/linux/refcount.h (refcount_inc_not_zero(), refcount_inc()),
// include/linux/kref.h (kref_get_unless_zero(), kref_get()), include/linux/percpu-refcount.h
// (percpu_ref_tryget*(), percpu_ref_get()), include/linux/cgroup.h and cgroup_refcnt.h
// (css_tryget*(), css_get(), cgroup_tryget(), cgroup_get()), include/linux/sched/task.h
// (get_task_struct()), include/net/net_namespace.h (maybe_get_net(), get_net()),
// include/linux/module.h (try_module_get()), include/linux/atomic (atomic_inc_not_zero()), and
// the kernel's `<object>_get()` / `get_<object>()` / `<object>_hold()` naming for taking a
// reference (dev_hold(), sock_hold(), xfrm_state_hold(), get_device(), get_file(), 6.12).

/** Reference grabs that fail when the object's count already dropped to zero. */
export const CONDITIONAL_GET = /tryget|inc_not_zero|get_unless_zero|_get_not_zero$|^maybe_get_net$|^try_module_get$|^get_file_rcu$/;

/** Unconditional reference grabs. */
export const PLAIN_GET =
  /(^|_)get$|^refcount_inc$|^kref_get$|^get_task_struct$|^get_(device|file|pid|net|net_track)$|_hold$|^mmgrab$|^mmget$|^__module_get$|^percpu_ref_get(_many)?$/;
