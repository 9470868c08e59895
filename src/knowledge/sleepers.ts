// Which kernel functions may sleep, which look like they do but do not, and which calls open an
// atomic section (spinlock, RCU read side, preemption or interrupts off). The KF-SLEEP-* rules
// read these tables through scanSleeps() and atomicSections() below.
//
// Every entry says WHY, in our own words, with the place in the kernel tree (6.12 unless said
// otherwise) that shows it: a might_sleep()/might_fault() annotation at entry, a sleeping lock,
// a blocking GFP mask checked by might_alloc(), or a wait. docs/sleepers.md lists the same
// facts for humans; test/sleepers.test.ts keeps the two in step.
//
// Certainty:
//   'always' - the callee sleeps, or is annotated as sleeping, on every call (or on the path a
//              static checker must assume, like the memcg flush over its update threshold);
//   'may'    - it sleeps only on a path decided by code we cannot see (a release callback, a
//              vmalloc'ed pointer, a rate limit), so a finding built on it is only info.
import type { SyntaxNode } from '../model/c-parser.js';
import { callsIn, type CallSite } from '../model/c-query.js';
import type { FunctionDef, PatchModel, Registration } from '../model/model.js';

export type SleepCause =
  | 'might_sleep' | 'mutex' | 'rwsem' | 'semaphore' | 'blocking-gfp' | 'might_fault' | 'wait'
  | 'rcu-sync' | 'workqueue' | 'kthread' | 'vfs' | 'module-load' | 'device-io' | 'release-callback';

export interface SleeperEntry {
  /** Family key, e.g. 'mutex'. */
  id: string;
  /** Exact callee names. `guard(x)` / `scoped_guard(x)` stand for the cleanup.h lock guards. */
  names: readonly string[];
  /** Name prefixes that belong to the family (`wait_event` covers wait_event_timeout ...). */
  prefixes?: readonly string[];
  cause: SleepCause;
  certainty: 'always' | 'may';
  /** Why it sleeps, with the kernel location that shows it. */
  why: string;
  /** A few words for messages ("takes a mutex"); defaults to the text of its cause. */
  short?: string;
  /** For allocators: the 0-based position of the gfp_t argument of each name. The call only
   *  sleeps when that mask allows blocking (GFP_KERNEL class). */
  gfpArg?: Readonly<Record<string, number>>;
  /** An allocation: KF-SLEEP-04 owns it (the other sleepers belong to KF-SLEEP-01). */
  alloc?: boolean;
}

export interface NonSleeperEntry {
  id: string;
  names: readonly string[];
  prefixes?: readonly string[];
  /** Why it does not sleep, and which sleeping function it is mistaken for. */
  why: string;
}

export type AtomicKind = 'spinlock' | 'rcu_read_lock' | 'preempt_disable' | 'local_irq_save';

export interface AtomicSectionEntry {
  kind: AtomicKind;
  acquire: readonly string[];
  acquirePrefixes?: readonly string[];
  release: readonly string[];
  releasePrefixes?: readonly string[];
  /** Lock classes of guard()/scoped_guard() that open this section. */
  guardClasses: readonly string[];
  guardPrefixes?: readonly string[];
  why: string;
}

/** Kernel version that added kmalloc_nolock()/kfree_nolock() (slab, Alexei Starovoitov). */
export const KMALLOC_NOLOCK_SINCE = { major: 6, minor: 18 } as const;

// ---------------------------------------------------------------------------------------------
// Functions that may sleep
// ---------------------------------------------------------------------------------------------

const CAUSE_TEXT: Readonly<Record<SleepCause, string>> = {
  might_sleep: 'is annotated might_sleep()',
  mutex: 'takes a sleeping mutex',
  rwsem: 'takes a sleeping rw_semaphore',
  semaphore: 'waits on a semaphore',
  'blocking-gfp': 'allocates with a blocking gfp mask',
  might_fault: 'may fault on user memory',
  wait: 'waits for an event',
  'rcu-sync': 'waits for an RCU grace period',
  workqueue: 'waits for a work item',
  kthread: 'waits for a kernel thread',
  vfs: 'calls into the filesystem',
  'module-load': 'may load a module',
  'device-io': 'waits for device I/O',
  'release-callback': 'may run a release callback that sleeps',
};

/** A few words on why the entry sleeps, for finding messages. */
export function shortWhy(e: SleeperEntry): string {
  return e.short ?? CAUSE_TEXT[e.cause];
}

const SLAB_GFP = {
  kmalloc: 1, kzalloc: 1, kmalloc_node: 1, kzalloc_node: 1, kcalloc: 2, kmalloc_array: 2,
  kcalloc_node: 2, kmalloc_array_node: 2, krealloc: 2, krealloc_array: 3, kmemdup: 2, kmemdup_nul: 2,
  kstrdup: 1, kstrndup: 2, kstrdup_const: 1, kmem_cache_alloc: 1, kmem_cache_zalloc: 1, kmem_cache_alloc_node: 1,
} as const;

const PAGE_GFP = {
  alloc_pages: 0, alloc_page: 0, __alloc_pages: 0, __get_free_pages: 0, __get_free_page: 0,
  get_zeroed_page: 0, alloc_pages_node: 1, folio_alloc: 0,
} as const;

const KVMALLOC_GFP = { kvmalloc: 1, kvzalloc: 1, kvmalloc_node: 1, kvzalloc_node: 1, kvcalloc: 2, kvmalloc_array: 2 } as const;

const ID_GFP = {
  idr_alloc: 4, idr_alloc_cyclic: 4, idr_alloc_u32: 4, ida_alloc: 1, ida_alloc_range: 3, ida_alloc_min: 2, ida_alloc_max: 2,
  xa_store: 3, xa_insert: 3, xa_alloc: 4, xa_alloc_cyclic: 5, radix_tree_preload: 0,
} as const;

const NET_GFP = { alloc_skb: 1, skb_clone: 1, skb_copy: 1, pskb_copy: 1, skb_copy_expand: 3, __alloc_skb: 1 } as const;

const BPF_MAP_GFP = { bpf_map_kmalloc_node: 2, bpf_map_kzalloc: 2, bpf_map_kvcalloc: 3, bpf_map_alloc_percpu: 3 } as const;

const MISC_GFP = { mempool_alloc: 1, alloc_percpu_gfp: 1, __alloc_percpu_gfp: 2, dma_pool_alloc: 1 } as const;

function gfpEntry(id: string, table: Record<string, number>, why: string): SleeperEntry {
  return { id, names: Object.keys(table), cause: 'blocking-gfp', certainty: 'always', why, gfpArg: table, alloc: true };
}

export const SLEEPERS: readonly SleeperEntry[] = [
  // --- sleeping locks -----------------------------------------------------------------------
  {
    id: 'mutex', cause: 'mutex', certainty: 'always',
    names: ['mutex_lock', 'mutex_lock_interruptible', 'mutex_lock_killable', 'mutex_lock_nested', 'mutex_lock_io',
      'mutex_lock_interruptible_nested', 'mutex_lock_killable_nested', 'mutex_lock_io_nested',
      'guard(mutex)', 'scoped_guard(mutex)', 'scoped_cond_guard(mutex_intr)'],
    why: 'a mutex waiter blocks; mutex_lock() begins with might_sleep() (kernel/locking/mutex.c:281-283)',
  },
  {
    id: 'ww-rt-mutex', cause: 'mutex', certainty: 'always',
    names: ['ww_mutex_lock', 'ww_mutex_lock_interruptible', 'ww_mutex_lock_slow', 'rt_mutex_lock', 'rt_mutex_lock_interruptible', 'rt_mutex_lock_killable'],
    why: 'wound/wait and RT mutexes block like plain mutexes (might_sleep() in kernel/locking/ww_mutex and rtmutex_api.c)',
  },
  {
    id: 'rwsem-read', cause: 'rwsem', certainty: 'always',
    names: ['down_read', 'down_read_interruptible', 'down_read_killable', 'down_read_nested', 'down_read_non_owner',
      'guard(rwsem_read)', 'scoped_guard(rwsem_read)'],
    why: 'readers of an rw_semaphore wait for the writer; down_read() calls might_sleep() (kernel/locking/rwsem.c:1521-1546)',
  },
  {
    id: 'rwsem-write', cause: 'rwsem', certainty: 'always',
    names: ['down_write', 'down_write_killable', 'down_write_nested', 'guard(rwsem_write)', 'scoped_guard(rwsem_write)'],
    why: 'a writer waits for every reader; down_write() calls might_sleep() (kernel/locking/rwsem.c:1574-1576)',
  },
  {
    id: 'semaphore', cause: 'semaphore', certainty: 'always',
    names: ['down', 'down_interruptible', 'down_killable', 'down_timeout'],
    why: 'counting semaphores put the caller to sleep when the count is zero; down() has might_sleep() (kernel/locking/semaphore.c:55-83)',
  },
  {
    id: 'percpu-rwsem', cause: 'rwsem', certainty: 'always',
    names: ['percpu_down_read', 'percpu_down_write'],
    why: 'percpu_down_read() has might_sleep() and falls back to an rwsem wait (include/linux/percpu-rwsem.h:49, kernel/locking/percpu-rwsem.c:228)',
  },
  {
    id: 'cpu-hotplug-lock', cause: 'rwsem', certainty: 'always',
    names: ['cpus_read_lock', 'get_online_cpus', 'cpus_write_lock', 'cpu_hotplug_disable', 'guard(cpus_read_lock)'],
    why: 'the CPU hotplug lock is a percpu rwsem: cpus_read_lock() is percpu_down_read() (kernel/cpu.c:488-490)',
  },
  {
    id: 'mmap-lock', cause: 'rwsem', certainty: 'always',
    names: ['mmap_read_lock', 'mmap_write_lock', 'mmap_read_lock_killable', 'mmap_write_lock_killable', 'mmap_write_lock_nested'],
    why: 'mmap_lock is an rw_semaphore; mmap_read_lock() is down_read() (include/linux/mmap_lock.h:161)',
  },
  {
    id: 'inode-lock', cause: 'rwsem', certainty: 'always',
    names: ['inode_lock', 'inode_lock_shared', 'inode_lock_nested', 'inode_lock_shared_nested', 'lock_rename'],
    why: 'i_rwsem is an rw_semaphore: inode_lock() is down_write() (include/linux/fs.h:848-850)',
  },
  {
    id: 'socket-lock', cause: 'mutex', certainty: 'always',
    names: ['lock_sock', 'lock_sock_nested', 'lock_sock_fast', '__lock_sock_fast'],
    why: 'the socket owner lock sleeps until the owner releases it; lock_sock_nested() and __lock_sock_fast() call might_sleep() (net/core/sock.c:3678-3711)',
  },
  {
    id: 'rtnl', cause: 'mutex', certainty: 'always',
    names: ['rtnl_lock', 'rtnl_lock_killable', 'rtnl_lock_interruptible'],
    why: 'rtnl_lock() is mutex_lock(&rtnl_mutex) (net/core/rtnetlink.c:77)',
  },
  {
    id: 'cgroup-mutex', cause: 'mutex', certainty: 'always',
    names: ['cgroup_lock', 'cgroup_lock_and_drain_offline'],
    why: 'cgroup_lock() takes cgroup_mutex (include/linux/cgroup.h, kernel/cgroup/cgroup.c)',
  },
  // --- allocations ---------------------------------------------------------------------------
  gfpEntry('slab-alloc', SLAB_GFP,
    'slab allocations run might_alloc(gfp), which is might_sleep_if(gfpflags_allow_blocking(gfp)) (mm/slub.c:4131, include/linux/sched/mm.h:316-321); GFP_KERNEL-class masks may enter direct reclaim'),
  gfpEntry('page-alloc', PAGE_GFP,
    'the page allocator runs might_alloc(gfp) and may direct-reclaim or compact with a blocking mask (mm/page_alloc.c:4615)'),
  gfpEntry('kvmalloc', KVMALLOC_GFP,
    'kvmalloc() tries kmalloc with the given mask and falls back to vmalloc, which sleeps, when the mask is GFP_KERNEL-compatible (mm/util.c)'),
  gfpEntry('id-alloc', ID_GFP,
    'IDR/IDA/XArray stores allocate tree nodes with the caller\'s gfp mask (lib/idr.c, lib/xarray.c); a blocking mask may reclaim'),
  gfpEntry('skb-alloc', NET_GFP,
    'skb allocation and cloning use kmem_cache/kmalloc with the given priority mask (net/core/skbuff.c)'),
  gfpEntry('bpf-map-alloc', BPF_MAP_GFP,
    'the BPF map accounting allocators pass their gfp mask to kmalloc_node/kvcalloc/__alloc_percpu_gfp under the map\'s memcg (kernel/bpf/syscall.c)'),
  gfpEntry('misc-gfp-alloc', MISC_GFP,
    'mempool, percpu and pool allocators honour the caller\'s mask: mempool_alloc() waits for a free element only when the mask can block (mm/mempool.c); __alloc_percpu_gfp() takes pcpu_alloc_mutex only for GFP_KERNEL (mm/percpu.c:1795)'),
  {
    id: 'vmalloc', cause: 'blocking-gfp', certainty: 'always', alloc: true,
    names: ['vmalloc', 'vzalloc', 'vmalloc_node', 'vzalloc_node', 'vmalloc_user', 'vmalloc_32', '__vmalloc', 'vmap', 'vm_map_ram',
      'bpf_map_area_alloc', 'bpf_map_area_mmapable_alloc'],
    why: 'vmalloc always allocates page tables with GFP_KERNEL and calls might_sleep() (mm/vmalloc.c:344, 3001); bpf_map_area_alloc() falls back to it',
  },
  {
    id: 'percpu-alloc', cause: 'blocking-gfp', certainty: 'always', alloc: true,
    names: ['alloc_percpu', '__alloc_percpu'],
    why: 'alloc_percpu() is a GFP_KERNEL percpu allocation that takes pcpu_alloc_mutex (mm/percpu.c:1795-1796)',
  },
  {
    id: 'user-memdup', cause: 'might_fault', certainty: 'always', alloc: true,
    names: ['memdup_user', 'memdup_user_nul', 'vmemdup_user', 'strndup_user', 'memdup_array_user'],
    why: 'allocates with GFP_USER/GFP_KERNEL and then copies from user memory, which may fault (mm/util.c)',
  },
  // --- memory unmapping / vfree ---------------------------------------------------------------
  {
    id: 'vfree', cause: 'might_sleep', certainty: 'always',
    names: ['vfree', 'vunmap', 'vm_unmap_ram'],
    short: 'calls might_sleep() outside interrupt context',
    why: 'vfree() outside interrupt context calls might_sleep() and may flush lazily freed areas (mm/vmalloc.c:3407-3419)',
  },
  {
    id: 'kvfree', cause: 'might_sleep', certainty: 'may',
    names: ['kvfree', 'kvfree_sensitive', 'bpf_map_area_free'],
    short: 'calls vfree() when the memory came from vmalloc',
    why: 'kvfree() sleeps (through vfree()) only when the pointer came from vmalloc (mm/util.c:696); which one it is cannot be seen at the call',
  },
  // --- user memory ---------------------------------------------------------------------------
  {
    id: 'user-copy', cause: 'might_fault', certainty: 'always',
    names: ['copy_from_user', 'copy_to_user', 'get_user', 'put_user', 'clear_user', '__copy_from_user', '__copy_to_user',
      'copy_struct_from_user', 'copy_from_sockptr', 'copy_to_sockptr'],
    why: 'user copies call might_fault() and a page fault may take mmap_lock and do I/O (include/linux/uaccess.h:106-192, mm/memory.c:6750-6756)',
  },
  {
    id: 'user-strings', cause: 'might_fault', certainty: 'always',
    names: ['strncpy_from_user', 'strnlen_user'],
    why: 'strncpy_from_user() calls might_fault() (lib/strncpy_from_user.c:117)',
  },
  {
    id: 'gup', cause: 'rwsem', certainty: 'always',
    names: ['access_process_vm', 'access_remote_vm', 'get_user_pages_unlocked', 'pin_user_pages_unlocked'],
    prefixes: ['get_user_pages', 'pin_user_pages'],
    why: 'pinning or accessing another task\'s pages takes mmap_read_lock() and may fault pages in (mm/gup.c:1667-1738)',
  },
  {
    id: 'mmput', cause: 'might_sleep', certainty: 'always',
    names: ['mmput'],
    short: 'may tear the address space down (might_sleep())',
    why: 'mmput() calls might_sleep(): the last reference tears the address space down (kernel/fork.c); mmput_async() is the atomic-safe variant',
  },
  // --- waiting --------------------------------------------------------------------------------
  {
    id: 'wait-event', cause: 'wait', certainty: 'always',
    names: ['wait_event'], prefixes: ['wait_event_', 'wait_var_event', 'wait_on_bit'],
    why: 'wait_event*() sleep until a condition holds and start with might_sleep() (include/linux/wait.h:340-342)',
  },
  {
    id: 'completion', cause: 'wait', certainty: 'always',
    names: ['wait_for_completion'], prefixes: ['wait_for_completion_'],
    why: 'wait_for_completion*() block on the completion and call might_sleep() (kernel/sched/completion.c:111, 146-148)',
  },
  {
    id: 'schedule', cause: 'might_sleep', certainty: 'always',
    names: ['schedule', 'io_schedule', 'msleep', 'msleep_interruptible', 'ssleep', 'usleep_range', 'usleep_range_state', 'fsleep',
      'cond_resched', 'cond_resched_lock', 'yield'],
    short: 'gives up the CPU',
    prefixes: ['schedule_timeout', 'schedule_hrtimeout', 'io_schedule_timeout'],
    why: 'these give up the CPU: schedule() must not run in atomic context (kernel/sched/core.c:6832); msleep()/schedule_timeout() sleep on a timer (kernel/time/timer.c:2578, 2768); cond_resched() is annotated __might_resched (core.c:7287)',
  },
  {
    id: 'annotation', cause: 'might_sleep', certainty: 'always',
    names: ['might_sleep', 'might_fault', '__might_sleep', 'might_resched'],
    short: 'marks the call as a possible sleep',
    why: 'the explicit annotation: CONFIG_DEBUG_ATOMIC_SLEEP reports "sleeping function called from invalid context" when it runs in atomic context (kernel/sched/core.c:8646)',
  },
  {
    id: 'might-sleep-if', cause: 'might_sleep', certainty: 'may',
    names: ['might_sleep_if'],
    short: 'is annotated might_sleep() under a condition',
    why: 'might_sleep_if(cond) sleeps only when its condition holds; the condition is not evaluated here',
  },
  // --- deferred work and threads -------------------------------------------------------------
  {
    id: 'workqueue-flush', cause: 'workqueue', certainty: 'always',
    names: ['flush_work', 'flush_delayed_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue', 'flush_scheduled_work', 'flush_rcu_work'],
    why: 'flushing waits for the work item to finish; __flush_work() calls might_sleep() (kernel/workqueue.c:3973, 4298-4300)',
  },
  {
    id: 'workqueue-cancel-sync', cause: 'workqueue', certainty: 'always',
    names: ['cancel_work_sync', 'cancel_delayed_work_sync', 'kthread_cancel_work_sync', 'kthread_cancel_delayed_work_sync', 'kthread_flush_work'],
    why: 'the _sync cancel waits for a running instance to finish (kernel/workqueue.c:4393, 4435)',
  },
  {
    id: 'kthread', cause: 'kthread', certainty: 'always',
    names: ['kthread_stop', 'kthread_park', 'kthread_create_worker', 'stop_machine'],
    prefixes: ['kthread_create', 'kthread_run'],
    why: 'creating, stopping or parking a kthread waits on a completion for kthreadd or the thread (kernel/kthread.c:699); stop_machine() waits for every CPU',
  },
  {
    id: 'rcu-sync', cause: 'rcu-sync', certainty: 'always',
    names: ['synchronize_rcu', 'synchronize_rcu_expedited', 'synchronize_net', 'synchronize_srcu', 'synchronize_srcu_expedited',
      'synchronize_rcu_tasks', 'synchronize_rcu_tasks_trace', 'rcu_barrier', 'srcu_barrier', 'rcu_barrier_tasks_trace', 'kvfree_rcu_mightsleep'],
    why: 'waiting for a grace period blocks (kernel/rcu/tree.c:4027, 4113, 4578; kernel/rcu/srcutree.c:1396; net/core/dev.c:11514); inside an RCU reader it also deadlocks',
  },
  {
    id: 'irq-management', cause: 'wait', certainty: 'always',
    names: ['synchronize_irq', 'disable_irq', 'free_irq', 'request_irq', 'request_threaded_irq'],
    why: 'these wait for running handlers (synchronize_irq) or allocate with GFP_KERNEL and take a mutex (kernel/irq/manage.c)',
  },
  // --- cgroup / memcg statistics ------------------------------------------------------------
  {
    id: 'rstat-flush', cause: 'might_sleep', certainty: 'always',
    names: ['cgroup_rstat_flush', 'cgroup_rstat_flush_hold', 'css_rstat_flush'],
    short: 'flushes rstat with might_sleep() and cond_resched()',
    why: 'the rstat flush calls might_sleep() and cond_resched() between CPUs (kernel/cgroup/rstat.c:360-381 in 6.12; css_rstat_flush() from ~6.16 is itself registered KF_SLEEPABLE)',
  },
  {
    id: 'memcg-flush', cause: 'might_sleep', certainty: 'always',
    names: ['mem_cgroup_flush_stats', '__mem_cgroup_flush_stats', 'do_flush_stats'],
    short: 'runs the rstat flush (might_sleep, cond_resched)',
    why: 'mem_cgroup_flush_stats() runs the rstat flush (cgroup_rstat_flush in 6.12, css_rstat_flush later) once enough updates are pending (mm/memcontrol.c:596-622); a checker must assume it sleeps',
  },
  {
    id: 'memcg-flush-ratelimited', cause: 'might_sleep', certainty: 'may',
    names: ['mem_cgroup_flush_stats_ratelimited'],
    short: 'flushes synchronously when the periodic flush is late',
    why: 'the ratelimited flush normally leaves the work to the periodic flusher but flushes synchronously when that is late (mm/memcontrol.c)',
  },
  // --- VFS --------------------------------------------------------------------------------------
  {
    id: 'dcache', cause: 'might_sleep', certainty: 'always',
    names: ['dput', 'path_put', 'd_invalidate'],
    short: 'may kill the dentry on the last reference (might_sleep())',
    why: 'dput() calls might_sleep(): the last reference may kill the dentry and its inode (fs/dcache.c:857-861)',
  },
  {
    id: 'iput', cause: 'vfs', certainty: 'may',
    names: ['iput'],
    short: 'may evict the inode on the last reference',
    why: 'iput() evicts the inode on the last reference, which may write back and block (fs/inode.c:1886)',
  },
  {
    id: 'file-io', cause: 'vfs', certainty: 'always',
    names: ['__fput_sync', 'filp_close', 'filp_open', 'file_open_root', 'kernel_read', 'kernel_write', 'vfs_read', 'vfs_write',
      'vfs_fsync', 'kern_path', 'kernel_read_file'],
    why: 'opening, closing synchronously, reading or writing a file calls into the filesystem and may block on I/O (fs/file_table.c:452 __fput() might_sleep; fs/open.c:1542)',
  },
  {
    id: 'xattr', cause: 'vfs', certainty: 'always',
    names: ['__vfs_getxattr', 'vfs_getxattr', '__vfs_setxattr', 'vfs_setxattr', '__vfs_removexattr', 'vfs_removexattr',
      '__vfs_setxattr_locked', '__vfs_removexattr_locked', 'vfs_listxattr'],
    why: 'xattr handlers call into the filesystem (disk or network I/O); the set/remove paths also take inode_lock (fs/xattr.c:375-428); the fs kfuncs that use them are KF_SLEEPABLE',
  },
  {
    id: 'inode-permission', cause: 'vfs', certainty: 'may',
    names: ['inode_permission', 'file_permission'],
    why: 'permission checks may call the filesystem\'s ->permission() and security hooks, which can block outside RCU-walk mode (fs/namei.c)',
  },
  // --- modules, crypto, keys -----------------------------------------------------------------
  {
    id: 'module-load', cause: 'module-load', certainty: 'always',
    names: ['request_module', '__request_module', 'request_module_nowait', 'try_then_request_module', 'call_usermodehelper'],
    why: '__request_module() calls might_sleep() and runs modprobe through the usermode helper (kernel/module/kmod.c:131-143)',
  },
  {
    id: 'crypto-alloc', cause: 'module-load', certainty: 'always',
    prefixes: ['crypto_alloc_'], names: ['crypto_alloc_base', 'crypto_alloc_tfm_node'],
    why: 'looking up a transform may load its module and allocates with GFP_KERNEL (crypto/api.c); bpf_crypto_ctx_create() is KF_SLEEPABLE for this reason',
  },
  {
    id: 'keys', cause: 'might_sleep', certainty: 'always',
    names: ['lookup_user_key', 'request_key', 'request_key_tag', 'request_key_with_auxdata', 'key_create_or_update'],
    short: 'may wait for key construction and keyring semaphores',
    why: 'key lookup may wait for construction and takes the keyring semaphores (security/keys); bpf_lookup_user_key() is KF_SLEEPABLE (kernel/trace/bpf_trace.c:1400)',
  },
  {
    id: 'signature', cause: 'might_sleep', certainty: 'always',
    names: ['verify_pkcs7_signature', 'verify_pefile_signature', 'public_key_verify_signature'],
    short: 'searches keyrings and runs crypto that may sleep',
    why: 'signature checks search keyrings and run crypto that may sleep; bpf_verify_pkcs7_signature() is KF_SLEEPABLE (kernel/trace/bpf_trace.c:1404)',
  },
  // --- devices -------------------------------------------------------------------------------
  {
    id: 'device-release', cause: 'release-callback', certainty: 'may',
    names: ['put_device', 'kobject_put'],
    why: 'dropping the last reference runs the release callback, which may sleep (drivers/base/core.c:3878); this is why hid_bpf_release_context() is KF_SLEEPABLE',
  },
  {
    id: 'bus-io', cause: 'device-io', certainty: 'always',
    names: ['hid_hw_raw_request', 'hid_hw_output_report', 'i2c_transfer', 'i2c_smbus_xfer', 'spi_sync', 'spi_write_then_read',
      'usb_control_msg', 'usb_bulk_msg', 'gpiod_get_value_cansleep', 'gpiod_set_value_cansleep'],
    why: 'synchronous bus transfers wait for the controller (drivers/hid/bpf/hid_bpf_dispatch.c:453, drivers/i2c/i2c-core-base.c:2315, drivers/spi/spi.c:4620); the _cansleep GPIO accessors say so in their name',
  },
];

// ---------------------------------------------------------------------------------------------
// Look-alikes that do NOT sleep (checked before SLEEPERS, so `down_read_trylock` is not a
// `down_read`, and `copy_from_user_nofault` is not a `copy_from_user`).
// ---------------------------------------------------------------------------------------------

export const NON_SLEEPERS: readonly NonSleeperEntry[] = [
  {
    id: 'spinlocks', names: ['read_lock', 'write_lock', 'read_lock_bh', 'write_lock_bh', 'read_lock_irq', 'write_lock_irq', 'read_lock_irqsave', 'write_lock_irqsave',
      'read_unlock', 'write_unlock', 'read_unlock_bh', 'write_unlock_bh', 'read_unlock_irq', 'write_unlock_irq', 'read_unlock_irqrestore', 'write_unlock_irqrestore'],
    prefixes: ['spin_lock', 'spin_unlock', 'raw_spin_lock', 'raw_spin_unlock', 'guard(spinlock', 'scoped_guard(spinlock', 'guard(raw_spinlock', 'scoped_guard(raw_spinlock',
      'guard(read_lock', 'guard(write_lock', 'scoped_guard(read_lock', 'scoped_guard(write_lock'],
    why: 'spinlocks and rwlocks busy-wait instead of sleeping (on non-RT kernels); they open an atomic section, see KF-SLEEP-03',
  },
  {
    id: 'trylocks', names: ['mutex_trylock', 'down_trylock', 'down_read_trylock', 'down_write_trylock', 'mmap_read_trylock', 'mmap_write_trylock',
      'inode_trylock', 'inode_trylock_shared', 'rtnl_trylock', 'ww_mutex_trylock', 'rt_mutex_trylock', 'percpu_down_read_trylock', 'cpus_read_trylock',
      'scoped_cond_guard(mutex_try)'],
    prefixes: ['spin_trylock', 'raw_spin_trylock'],
    why: 'the try variants of the sleeping locks return at once when the lock is taken; they are the non-blocking siblings (hid_bpf_try_input_report carries no KF_SLEEPABLE)',
  },
  {
    id: 'unlocks', names: ['mutex_unlock', 'up', 'up_read', 'up_write', 'percpu_up_read', 'percpu_up_write', 'mmap_read_unlock', 'mmap_write_unlock',
      'inode_unlock', 'inode_unlock_shared', 'cpus_read_unlock', 'cgroup_unlock', 'ww_mutex_unlock', 'rt_mutex_unlock', 'downgrade_write'],
    why: 'releasing a sleeping lock only wakes waiters; it never blocks the caller',
  },
  {
    id: 'atomic-sections', names: ['rcu_read_lock', 'rcu_read_unlock', 'rcu_read_lock_bh', 'rcu_read_unlock_bh', 'rcu_read_lock_sched', 'rcu_read_unlock_sched',
      'rcu_read_lock_trace', 'rcu_read_unlock_trace', 'srcu_read_lock', 'srcu_read_unlock',
      'preempt_disable', 'preempt_enable', 'preempt_disable_notrace', 'preempt_enable_notrace', 'migrate_disable', 'migrate_enable',
      'local_irq_save', 'local_irq_restore', 'local_irq_disable', 'local_irq_enable', 'local_bh_disable', 'local_bh_enable',
      'get_cpu', 'put_cpu', 'get_cpu_ptr', 'put_cpu_ptr', 'get_cpu_var', 'put_cpu_var',
      'guard(rcu)', 'scoped_guard(rcu)', 'guard(preempt)', 'scoped_guard(preempt)', 'guard(preempt_notrace)', 'guard(irq)', 'guard(irqsave)',
      'scoped_guard(irq)', 'scoped_guard(irqsave)', 'guard(srcu)', 'scoped_guard(srcu)'],
    why: 'entering or leaving an RCU reader, a preempt- or irq-disabled section never sleeps (it is what makes sleeping illegal; see KF-SLEEP-03)',
  },
  {
    id: 'nolock-alloc', names: ['kmalloc_nolock', 'kfree_nolock', 'alloc_pages_nolock', 'free_pages_nolock', 'bpf_mem_alloc', 'bpf_mem_free', 'bpf_mem_cache_alloc',
      'bpf_mem_cache_free', 'bpf_mem_free_rcu', 'bpf_mem_cache_free_rcu', 'bpf_mem_cache_raw_alloc'],
    why: 'allocators made for any context: bpf_mem_alloc() serves from per-CPU free lists refilled by irq_work (kernel/bpf/memalloc.c); kmalloc_nolock() (6.18+) never spins or sleeps',
  },
  {
    id: 'frees', names: ['kfree', 'kfree_sensitive', 'kmem_cache_free', 'free_page', 'free_pages', '__free_page', '__free_pages', 'put_page', 'folio_put',
      'free_percpu', 'vfree_atomic', 'kfree_const', 'kfree_skb', 'consume_skb', 'dev_kfree_skb_any', 'mempool_free', 'idr_remove', 'ida_free', 'xa_erase'],
    why: 'freeing slab, page or percpu memory takes at most spinlocks; vfree_atomic() defers the vfree to a work item',
  },
  {
    id: 'rcu-deferral', names: ['call_rcu', 'call_rcu_hurry', 'call_srcu', 'call_rcu_tasks', 'call_rcu_tasks_trace', 'kfree_rcu', 'kvfree_rcu'],
    why: 'queueing a callback for after a grace period returns at once (unlike synchronize_rcu()); two-argument kfree_rcu()/kvfree_rcu() never sleep',
  },
  {
    id: 'file-refs', names: ['fput', 'fget', 'fget_raw', 'fdget', 'fdput', 'get_file', 'path_get', 'dget', 'dget_parent', 'ihold', 'get_task_exe_file'],
    why: 'fput() defers the final __fput() to task_work or a delayed work item (fs/file_table.c), so it is safe where __fput_sync()/filp_close() are not',
  },
  {
    id: 'cgroup-refs', names: ['css_get', 'css_put', 'css_tryget', 'css_tryget_online', 'css_get_many', 'css_put_many', 'cgroup_get', 'cgroup_put',
      'cgroup_tryget', 'cgroup_get_from_id', 'task_css', 'task_dfl_cgroup', 'mem_cgroup_from_task', 'get_mem_cgroup_from_mm',
      'mem_cgroup_from_css', 'cgroup_ancestor', 'mem_cgroup_is_root'],
    why: 'css references are percpu_ref operations; the final release is deferred to a work item; cgroup_get_from_id() looks the id up under RCU (bpf_cgroup_from_id() is not KF_SLEEPABLE)',
  },
  {
    id: 'task-refs', names: ['get_task_struct', 'put_task_struct', 'put_task_struct_rcu_user', 'find_task_by_pid_ns', 'find_task_by_vpid', 'find_vpid', 'pid_task',
      'get_pid_task', 'put_pid', 'get_pid', 'task_lock', 'task_unlock', 'kref_get'],
    why: 'task and pid references are refcounts; put_task_struct() may free the task but never blocks (bpf_task_release() is callable from any program)',
  },
  {
    id: 'refcounts-atomics', names: ['READ_ONCE', 'WRITE_ONCE', 'smp_load_acquire', 'smp_store_release', 'cmpxchg', 'xchg', 'try_cmpxchg'],
    prefixes: ['refcount_', 'atomic_', 'atomic64_', 'atomic_long_', 'percpu_ref_', 'this_cpu_', '__this_cpu_', 'raw_cpu_', 'local64_'],
    why: 'atomic and refcount operations are single instructions or short loops',
  },
  {
    id: 'nofault-copies', names: ['copy_from_kernel_nofault', 'copy_to_kernel_nofault', 'copy_from_user_nofault', 'copy_to_user_nofault', 'strncpy_from_user_nofault',
      'strncpy_from_kernel_nofault', 'strnlen_user_nofault', '__copy_from_user_inatomic', '__copy_to_user_inatomic', 'get_kernel_nofault'],
    why: 'the _nofault/_inatomic copies disable page faults and return -EFAULT instead of faulting pages in (mm/maccess.c), so they are the atomic-safe siblings of copy_from_user()',
  },
  {
    id: 'async-work', names: ['schedule_work', 'queue_work', 'queue_work_on', 'queue_delayed_work', 'mod_delayed_work', 'schedule_delayed_work', 'queue_rcu_work',
      'irq_work_queue', 'irq_work_queue_on', 'task_work_add', 'kthread_queue_work', 'mmput_async', 'wake_up', 'wake_up_all', 'wake_up_interruptible',
      'wake_up_process', 'wake_up_var', 'complete', 'complete_all', 'cancel_work', 'cancel_delayed_work', 'mod_timer', 'add_timer', 'hrtimer_start'],
    why: 'queueing work or waking a waiter returns at once; only the flush/_sync/wait side blocks',
  },
  {
    id: 'memcg-stat-readers', names: ['memcg_page_state', 'memcg_page_state_local', 'memcg_page_state_output', 'memcg_events', 'memcg_events_local',
      'page_counter_read', 'mem_cgroup_usage', 'lruvec_page_state', 'lruvec_page_state_local', 'node_page_state', 'global_node_page_state',
      'global_zone_page_state', 'cgroup_rstat_updated', 'css_rstat_updated', 'memcg_vm_event_item_valid', 'memcg_stat_item_valid', 'mod_memcg_state'],
    why: 'the memcg counters are read from the last flushed percpu totals without locks (mm/memcontrol.c); only the flush sleeps',
  },
  {
    id: 'lookups', names: ['xa_load', 'idr_find', 'radix_tree_lookup', 'rhashtable_lookup', 'rhashtable_lookup_fast', 'bpf_map_lookup_elem', 'find_next_bit',
      'kernfs_find_and_get_node_by_id'],
    why: 'lookups in IDR/XArray/rhashtable run under RCU and take no sleeping lock',
  },
];

/** Helpers and macros that never sleep and carry no sleeping callee: not "unknown" for KF-SLEEP-02. */
export const TRIVIAL_CALLS: readonly string[] = [
  'container_of', 'container_of_const', 'min', 'max', 'min_t', 'max_t', 'clamp', 'clamp_t', 'clamp_val', 'likely', 'unlikely', 'sizeof', 'offsetof',
  'IS_ERR', 'PTR_ERR', 'ERR_PTR', 'IS_ERR_OR_NULL', 'PTR_ERR_OR_ZERO', 'ERR_CAST', 'memcpy', 'memmove', 'memset', 'memcmp', 'memchr', 'strlen', 'strnlen',
  'strcmp', 'strncmp', 'strscpy', 'strscpy_pad', 'strchr', 'strrchr', 'strstr', 'snprintf', 'scnprintf', 'sprintf', 'vsnprintf', 'printk', 'kstrtoint',
  'kstrtouint', 'kstrtoul', 'kstrtoull', 'test_bit', 'set_bit', 'clear_bit', '__set_bit', '__clear_bit', 'test_and_set_bit', 'test_and_clear_bit',
  'smp_processor_id', 'raw_smp_processor_id', 'in_interrupt', 'in_task', 'in_nmi', 'in_softirq', 'in_hardirq', 'irqs_disabled', 'preemptible',
  'rcu_read_lock_held', 'rcu_assign_pointer', 'rcu_access_pointer', 'rcu_replace_pointer', 'array_index_nospec', 'array_size', 'struct_size',
  'check_add_overflow', 'check_mul_overflow', 'get_random_u32', 'get_random_u64', 'jhash', 'jhash2', 'hash_32', 'hash_64', 'ktime_get', 'ktime_get_ns',
  'ktime_get_boot_ns', 'ktime_get_mono_fast_ns', 'jiffies_to_msecs', 'msecs_to_jiffies', 'div_u64', 'div64_u64', 'do_div', 'roundup', 'round_up',
  'round_down', 'ilog2', 'fls', 'ffs', '__ffs', 'fls64', 'swap', 'cpu_online', 'cpu_possible', 'num_possible_cpus', 'num_online_cpus', 'per_cpu_ptr',
  'per_cpu', 'this_cpu_ptr', 'task_pid_nr', 'task_tgid_nr', 'task_pid_vnr', 'current_uid', 'from_kuid', 'page_address', 'virt_to_page', 'page_to_virt',
  'bpf_get_current_task', 'btf_type_by_id', 'lockdep_is_held', 'list_empty', 'skb_headlen', 'skb_tail_pointer', 'ntohs', 'htons', 'ntohl', 'htonl',
  'be16_to_cpu', 'be32_to_cpu', 'cpu_to_be16', 'cpu_to_be32', 'le16_to_cpu', 'le32_to_cpu', 'cpu_to_le16', 'cpu_to_le32', 'ether_addr_copy',
  'BUILD_BUG_ON', 'WARN_ON', 'WARN_ON_ONCE', 'WARN', 'WARN_ONCE', 'BUG_ON', 'BUG',
];
const TRIVIAL_PREFIXES: readonly string[] = [
  'pr_', 'dev_err', 'dev_warn', 'dev_info', 'dev_dbg', 'netdev_', 'list_', 'hlist_', 'rb_', 'bitmap_', 'cpumask_', 'for_each_', 'rcu_dereference',
  'lockdep_assert', 'ktime_', 'nodes_', 'trace_', 'llist_', 'bpf_dynptr_', '__bpf_dynptr_', 'skb_', 'is_', 'get_unaligned', 'put_unaligned',
];

// ---------------------------------------------------------------------------------------------
// Atomic sections (KF-SLEEP-03)
// ---------------------------------------------------------------------------------------------

export const ATOMIC_SECTIONS: readonly AtomicSectionEntry[] = [
  {
    kind: 'spinlock',
    acquire: ['read_lock', 'write_lock', 'read_lock_bh', 'write_lock_bh', 'read_lock_irq', 'write_lock_irq', 'read_lock_irqsave', 'write_lock_irqsave'],
    acquirePrefixes: ['spin_lock', 'raw_spin_lock', 'spin_trylock', 'raw_spin_trylock'],
    release: ['read_unlock', 'write_unlock', 'read_unlock_bh', 'write_unlock_bh', 'read_unlock_irq', 'write_unlock_irq', 'read_unlock_irqrestore', 'write_unlock_irqrestore'],
    releasePrefixes: ['spin_unlock', 'raw_spin_unlock'],
    guardClasses: ['read_lock', 'write_lock', 'read_lock_irq', 'write_lock_irq', 'read_lock_irqsave', 'write_lock_irqsave', 'read_lock_bh', 'write_lock_bh'],
    guardPrefixes: ['spinlock', 'raw_spinlock'],
    why: 'a spinlock holder runs with preemption disabled (and interrupts off for the _irq variants): sleeping there can deadlock against the next spinner',
  },
  {
    kind: 'rcu_read_lock',
    acquire: ['rcu_read_lock', 'rcu_read_lock_bh', 'rcu_read_lock_sched'],
    release: ['rcu_read_unlock', 'rcu_read_unlock_bh', 'rcu_read_unlock_sched'],
    guardClasses: ['rcu'],
    why: 'sleeping inside an RCU read-side section is illegal with non-preemptible RCU and stalls grace periods (rcu_read_lock_trace() and SRCU are the sleepable readers)',
  },
  {
    kind: 'preempt_disable',
    acquire: ['preempt_disable', 'preempt_disable_notrace', 'get_cpu', 'get_cpu_ptr', 'get_cpu_var', 'local_bh_disable'],
    release: ['preempt_enable', 'preempt_enable_notrace', 'put_cpu', 'put_cpu_ptr', 'put_cpu_var', 'local_bh_enable'],
    guardClasses: ['preempt', 'preempt_notrace'],
    why: 'with preemption (or bottom halves) disabled the task must not schedule: "scheduling while atomic"',
  },
  {
    kind: 'local_irq_save',
    acquire: ['local_irq_save', 'local_irq_disable'],
    release: ['local_irq_restore', 'local_irq_enable'],
    guardClasses: ['irq', 'irqsave'],
    why: 'with local interrupts disabled the CPU must not schedule',
  },
];

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

function matches(name: string, e: { names: readonly string[]; prefixes?: readonly string[] }): boolean {
  return e.names.includes(name) || !!e.prefixes?.some((p) => name.startsWith(p));
}

export function nonSleeperFor(name: string): NonSleeperEntry | undefined {
  return NON_SLEEPERS.find((e) => matches(name, e));
}

/** The sleeper entry for a callee name, unless a non-sleeping look-alike claims it first. */
export function sleeperFor(name: string): SleeperEntry | undefined {
  if (nonSleeperFor(name)) return undefined;
  return SLEEPERS.find((e) => matches(name, e));
}

export function isTrivialCall(name: string): boolean {
  if (TRIVIAL_CALLS.includes(name) || TRIVIAL_PREFIXES.some((p) => name.startsWith(p))) return true;
  // ALL-CAPS names are macros (ARRAY_SIZE, PAGE_ALIGN, BIT, ...).
  return /^[A-Z][A-Z0-9_]*$/.test(name);
}

function atomicAcquire(name: string): AtomicSectionEntry | undefined {
  if (/_init$/.test(name)) return undefined; // spin_lock_init() only initialises
  return ATOMIC_SECTIONS.find((s) => s.acquire.includes(name) || !!s.acquirePrefixes?.some((p) => name.startsWith(p)));
}

function atomicRelease(name: string): AtomicSectionEntry | undefined {
  return ATOMIC_SECTIONS.find((s) => s.release.includes(name) || !!s.releasePrefixes?.some((p) => name.startsWith(p)));
}

function atomicGuard(cls: string): AtomicSectionEntry | undefined {
  return ATOMIC_SECTIONS.find((s) => s.guardClasses.includes(cls) || !!s.guardPrefixes?.some((p) => cls.startsWith(p)));
}

// ---------------------------------------------------------------------------------------------
// GFP masks
// ---------------------------------------------------------------------------------------------

export type GfpClass = 'blocking' | 'nonblocking' | 'unknown';

/** Masks whose allocations may enter direct reclaim (they contain __GFP_DIRECT_RECLAIM). */
export const BLOCKING_GFP: readonly string[] = [
  'GFP_KERNEL', 'GFP_KERNEL_ACCOUNT', 'GFP_USER', 'GFP_HIGHUSER', 'GFP_HIGHUSER_MOVABLE', 'GFP_NOFS', 'GFP_NOIO', 'GFP_TRANSHUGE',
  '__GFP_DIRECT_RECLAIM', '__GFP_RECLAIM',
];
/** Masks and modifiers that never block on their own. */
export const NONBLOCKING_GFP: readonly string[] = [
  'GFP_ATOMIC', 'GFP_NOWAIT', 'GFP_DMA', 'GFP_DMA32', 'GFP_TRANSHUGE_LIGHT', '__GFP_ZERO', '__GFP_NOWARN', '__GFP_HIGH', '__GFP_ACCOUNT',
  '__GFP_NOMEMALLOC', '__GFP_NORETRY', '__GFP_RETRY_MAYFAIL', '__GFP_NOFAIL', '__GFP_COMP', '__GFP_DMA', '__GFP_DMA32', '__GFP_HIGHMEM',
  '__GFP_MOVABLE', '__GFP_THISNODE', '__GFP_KSWAPD_RECLAIM', '__GFP_MEMALLOC', '__GFP_HARDWALL', '__GFP_IO', '__GFP_FS', '__GFP_RECLAIMABLE',
  '__GFP_WRITE', '__GFP_NOLOCKDEP', '__GFP_SKIP_ZERO', '__GFP_SKIP_KASAN', '0',
];

function stripParens(t: string): string {
  let s = t.trim();
  while (s.startsWith('(') && s.endsWith(')')) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')') depth--;
      if (depth === 0 && i < s.length - 1) { wraps = false; break; }
    }
    if (!wraps) break;
    s = s.slice(1, -1).trim();
  }
  return s;
}

/** Splits on `sep` at paren depth 0 (`sep` is a single character; `&&`/`||` are not split on). */
function splitTop(t: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth === 0 && c === sep && t[i + 1] !== sep && t[i - 1] !== sep) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * Classifies a gfp_t expression. `resolve` maps an identifier (a parameter or local) to the
 * expression it holds, or undefined when it is not known.
 */
export function classifyGfp(expr: string, resolve: (ident: string) => string | undefined = () => undefined, depth = 0): GfpClass {
  const t = stripParens(expr.replace(/\(\s*gfp_t\s*\)/g, '').replace(/\s+/g, ' '));
  if (depth > 6 || t === '') return 'unknown';
  const tern = /^(.+?)\?(.+):(.+)$/.exec(t);
  if (tern) {
    const a = classifyGfp(tern[2], resolve, depth + 1);
    const b = classifyGfp(tern[3], resolve, depth + 1);
    return a === b ? a : 'unknown';
  }
  // `|` binds loosest: any blocking term makes the mask blocking.
  const orParts = splitTop(t, '|');
  if (orParts.length > 1) {
    const cls = orParts.map((p) => classifyGfp(p, resolve, depth + 1));
    return cls.includes('blocking') ? 'blocking' : cls.includes('unknown') ? 'unknown' : 'nonblocking';
  }
  const andParts = splitTop(t, '&');
  if (andParts.length > 1) {
    // `mask & ~__GFP_DIRECT_RECLAIM` removes the blocking bit.
    if (andParts.slice(1).some((p) => /^~\s*\(?[^)]*__GFP_(DIRECT_)?RECLAIM\b/.test(p))) return 'nonblocking';
    return classifyGfp(andParts[0], resolve, depth + 1);
  }
  if (BLOCKING_GFP.includes(t)) return 'blocking';
  if (NONBLOCKING_GFP.includes(t)) return 'nonblocking';
  if (/^\w+$/.test(t)) {
    const r = resolve(t);
    return r === undefined ? 'unknown' : classifyGfp(r, resolve, depth + 1);
  }
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// Scanning a function for sleeping calls (KF-SLEEP-01/02/03/04)
// ---------------------------------------------------------------------------------------------

export interface ChainStep {
  /** Function the call sits in. */
  fn: string;
  file: string;
  line: number;
  /** The callee as written (`guard(mutex)` for lock guards). */
  callee: string;
}

export interface SleepHit {
  entry: SleeperEntry;
  /** The sleeping callee, as matched (`kzalloc`, `guard(mutex)`). */
  callee: string;
  /** For allocations: the gfp expression as written at the allocation (or the implicit mask). */
  gfp: string | null;
  /** From the scanned function down to the sleeping call. */
  chain: ChainStep[];
  /** The call in the scanned function that starts the chain. */
  top: CallSite;
  certain: boolean;
}

export interface SleepScan {
  hits: SleepHit[];
  /** Callees we could not judge: not in the tables, not visible, indirect, too deep, or an
   *  allocation whose gfp mask could not be evaluated. */
  unknown: string[];
  /** Visible helpers that were followed. */
  followed: string[];
}

export const MAX_SLEEP_DEPTH = 3;

interface Binding { text: string; env: Env; fn: FunctionDef }
type Env = Map<string, Binding>;

/** The canonical name of a call: `guard(mutex)` for cleanup.h guards, else the identifier. */
export function calleeName(c: CallSite): string | null {
  const fn = c.node.childForFieldName('function');
  if (!fn) return null;
  if (fn.type === 'identifier') {
    if (/^(scoped_guard|guard|scoped_cond_guard)$/.test(fn.text) && c.args[0]) return `${fn.text}(${c.args[0].text.trim()})`;
    return fn.text;
  }
  return null;
}

/** A call through a pointer (`ops->fn()`, `(*fp)()`), not the outer call of `guard(x)(&l)`. */
function isIndirect(c: CallSite): boolean {
  const fn = c.node.childForFieldName('function');
  return !!fn && fn.type !== 'identifier' && fn.type !== 'call_expression';
}

/** Expressions assigned to a local `name` inside `body` (declaration initialisers and `name = x`). */
function localValues(body: SyntaxNode, name: string): string[] {
  const out: string[] = [];
  for (const d of body.descendantsOfType('init_declarator')) {
    if (d.childForFieldName('declarator')?.text === name) {
      const v = d.childForFieldName('value');
      if (v) out.push(v.text);
    }
  }
  for (const a of body.descendantsOfType('assignment_expression')) {
    if (a.childForFieldName('left')?.text === name && a.childForFieldName('operator')?.text === '=') {
      const v = a.childForFieldName('right');
      if (v) out.push(v.text);
    }
  }
  return out;
}

function resolverFor(fn: FunctionDef, env: Env): (ident: string) => string | undefined {
  return (ident) => {
    const b = env.get(ident);
    if (b) {
      // Evaluate the argument in the caller's scope and hand back a canonical mask.
      const c = classifyGfp(b.text, resolverFor(b.fn, b.env));
      return c === 'blocking' ? 'GFP_KERNEL' : c === 'nonblocking' ? 'GFP_NOWAIT' : undefined;
    }
    const vals = localValues(fn.body, ident);
    if (!vals.length) return undefined;
    const classes = new Set(vals.map((v) => classifyGfp(v, resolverFor(fn, env))));
    if (classes.size !== 1) return undefined;
    const c = [...classes][0];
    return c === 'blocking' ? 'GFP_KERNEL' : c === 'nonblocking' ? 'GFP_NOWAIT' : undefined;
  };
}

/** The gfp expression as the reader should see it: a helper parameter shows what the caller passed. */
function gfpText(text: string, env: Env): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const b = /^\w+$/.test(t) ? env.get(t) : undefined;
  return b ? `${gfpText(b.text, b.env)} (as ${t})` : t;
}

/** Implicit mask of allocators without a gfp argument, for messages. */
function implicitGfp(entry: SleeperEntry): string {
  return entry.id === 'user-memdup' ? 'GFP_USER (implicit)' : 'GFP_KERNEL (implicit)';
}

/**
 * Follows the calls of `fn` through visible helpers (model.functions, depth <= 3, cycle-safe)
 * and collects every call that may sleep, with the chain that reaches it. Arguments are bound
 * to helper parameters, so a helper that allocates with its caller's gfp mask is judged by
 * the mask the caller passes.
 */
export function scanSleeps(model: PatchModel, fn: FunctionDef): SleepScan {
  const out: SleepScan = { hits: [], unknown: [], followed: [] };
  const seenHit = new Set<string>();
  const unknown = new Set<string>();
  const walk = (cur: FunctionDef, env: Env, chain: ChainStep[], stack: Set<string>, top: CallSite | null): void => {
    for (const c of callsIn(cur.body)) {
      const name = calleeName(c);
      const topCall = top ?? c;
      if (!name) {
        if (isIndirect(c)) unknown.add(`indirect call ${c.node.childForFieldName('function')?.text ?? '?'}()`);
        continue;
      }
      const step: ChainStep = { fn: cur.name, file: cur.file, line: c.line, callee: name };
      if (nonSleeperFor(name)) continue;
      const entry = sleeperFor(name);
      if (entry) {
        let gfp: string | null = null;
        let certain = entry.certainty === 'always';
        const gi = entry.gfpArg?.[name];
        if (gi !== undefined) {
          const arg = c.args[gi];
          if (!arg) { unknown.add(`${name}() (gfp argument not found)`); continue; }
          const cls = classifyGfp(arg.text, resolverFor(cur, env));
          if (cls === 'nonblocking') continue;
          if (cls === 'unknown') { unknown.add(`${name}(..., ${arg.text.trim()}) (gfp mask not known)`); continue; }
          gfp = gfpText(arg.text, env);
        } else if (entry.alloc) {
          gfp = implicitGfp(entry);
        }
        const key = `${topCall.node.startIndex}:${cur.name}:${c.node.startIndex}`;
        if (!seenHit.has(key)) {
          seenHit.add(key);
          out.hits.push({ entry, callee: name, gfp, chain: [...chain, step], top: topCall, certain });
        }
        continue;
      }
      const def = model.functions.get(name);
      if (def && def.side === 'new') {
        if (stack.has(name)) continue; // recursion: already on this chain
        if (chain.length + 1 > MAX_SLEEP_DEPTH) { unknown.add(`${name}() (beyond depth ${MAX_SLEEP_DEPTH})`); continue; }
        if (!out.followed.includes(name)) out.followed.push(name);
        const inner: Env = new Map();
        def.params.forEach((p, i) => { if (p.name && c.args[i]) inner.set(p.name, { text: c.args[i].text, env, fn: cur }); });
        stack.add(name);
        walk(def, inner, [...chain, step], stack, topCall);
        stack.delete(name);
        continue;
      }
      if (isTrivialCall(name)) continue;
      unknown.add(`${name}()`);
    }
  };
  walk(fn, new Map(), [], new Set([fn.name]), null);
  out.unknown = [...unknown];
  return out;
}

/** `bpf_foo() -> helper() [file:12] -> mutex_lock() [file:30]`. */
export function describeChain(h: SleepHit): string {
  const parts = [`${h.chain[0]?.fn ?? '?'}()`];
  for (const s of h.chain) parts.push(`${s.callee}() [${s.file}:${s.line}]`);
  return parts.join(' -> ');
}

// ---------------------------------------------------------------------------------------------
// Atomic sections inside one function body (KF-SLEEP-03)
// ---------------------------------------------------------------------------------------------

export interface HeldSection {
  kind: AtomicKind;
  /** The call that opened it, as written (`spin_lock_irqsave(&w->lock, flags)`). */
  opener: string;
  line: number;
  /** Byte range of the function text where the section is held. */
  from: number;
  to: number;
  /** Ranges inside [from, to] where an early-exit branch already released it. */
  holes: [number, number][];
}

function enclosingBlock(n: SyntaxNode, stop: SyntaxNode): SyntaxNode | null {
  let p = n.parent;
  while (p && p.id !== stop.id) {
    if (p.type === 'compound_statement') return p;
    p = p.parent;
  }
  return null;
}

function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** A block that ends the path (its last statement returns or jumps). */
function terminates(block: SyntaxNode): boolean {
  const stmts = block.namedChildren.filter((c) => c.type !== 'comment');
  const last = stmts[stmts.length - 1];
  return !!last && /^(return_statement|goto_statement|break_statement|continue_statement)$/.test(last.type);
}

function norm(t: string): string {
  return t.replace(/\s+/g, '');
}

/**
 * The atomic sections the function body opens itself, in source order: spin_lock/unlock pairs,
 * rcu_read_lock, preempt_disable, local_irq_save, and guard()/scoped_guard() forms. A release
 * inside an early-exit branch (`if (err) { spin_unlock(&l); return -E; }`) ends the section only
 * inside that branch.
 */
export function atomicSections(fn: FunctionDef): HeldSection[] {
  const body = fn.body;
  const out: HeldSection[] = [];
  const open: { s: HeldSection; lock: string; node: SyntaxNode }[] = [];
  const calls = callsIn(body).sort((a, b) => a.node.startIndex - b.node.startIndex);
  for (const c of calls) {
    const fnNode = c.node.childForFieldName('function');
    if (!fnNode || fnNode.type !== 'identifier') continue;
    const name = fnNode.text;
    if (name === 'guard' && c.args[0]) {
      const sec = atomicGuard(c.args[0].text.trim());
      if (!sec) continue;
      const block = enclosingBlock(c.node, body) ?? body;
      const outer = c.node.parent?.type === 'call_expression' ? c.node.parent : c.node;
      out.push({ kind: sec.kind, opener: outer.text.replace(/\s+/g, ' '), line: c.line, from: c.node.endIndex, to: block.endIndex, holes: [] });
      continue;
    }
    if (name === 'scoped_guard' && c.args[0]) {
      const sec = atomicGuard(c.args[0].text.trim());
      if (!sec) continue;
      const stmt = c.node.parent?.type === 'expression_statement' ? c.node.parent : c.node;
      const next = stmt.nextNamedSibling;
      if (!next) continue;
      out.push({ kind: sec.kind, opener: c.node.text.replace(/\s+/g, ' '), line: c.line, from: next.startIndex, to: next.endIndex, holes: [] });
      continue;
    }
    const acq = atomicAcquire(name);
    if (acq) {
      const s: HeldSection = { kind: acq.kind, opener: c.node.text.replace(/\s+/g, ' '), line: c.line, from: c.node.endIndex, to: body.endIndex, holes: [] };
      out.push(s);
      open.push({ s, lock: acq.kind === 'spinlock' && c.args[0] ? norm(c.args[0].text) : acq.kind, node: c.node });
      continue;
    }
    const rel = atomicRelease(name);
    if (rel) {
      const lock = rel.kind === 'spinlock' && c.args[0] ? norm(c.args[0].text) : rel.kind;
      for (let i = open.length - 1; i >= 0; i--) {
        const o = open[i];
        if (o.s.kind !== rel.kind || o.lock !== lock || c.node.startIndex < o.s.from) continue;
        const block = enclosingBlock(c.node, body);
        if (block && !contains(block, o.node) && terminates(block)) {
          o.s.holes.push([c.node.startIndex, block.endIndex]);
        } else {
          o.s.to = c.node.startIndex;
          open.splice(i, 1);
        }
        break;
      }
    }
  }
  // scoped_guard(rcu) { ... } parses as a nested function definition named by its class.
  for (const d of body.descendantsOfType('function_definition')) {
    if (d.childForFieldName('type')?.text !== 'scoped_guard') continue;
    const cls = (d.childForFieldName('declarator')?.text ?? '').replace(/[()\s]/g, '').split(',')[0];
    const sec = atomicGuard(cls);
    const inner = d.childForFieldName('body');
    if (sec && inner) out.push({ kind: sec.kind, opener: `scoped_guard(${cls})`, line: d.startPosition.row + 1, from: inner.startIndex, to: inner.endIndex, holes: [] });
  }
  return out;
}

/** The sections held at byte offset `at` of the function text. */
export function heldAt(sections: HeldSection[], at: number): HeldSection[] {
  return sections.filter((s) => at > s.from && at < s.to && !s.holes.some(([a, b]) => at >= a && at <= b));
}

// ---------------------------------------------------------------------------------------------
// Flags and registrations
// ---------------------------------------------------------------------------------------------

export interface SetReach {
  /** Program types the set is registered for (visible register_btf_kfunc_id_set calls). */
  progTypes: string[];
  /** Where those registrations are. */
  where: string[];
  /** False when no registration of the set is visible. */
  visible: boolean;
  /** Names of the btf_kfunc_id_set structs that point at the set. */
  idSets: string[];
}

/** How a kfunc set reaches the verifier: the program types of its visible registrations. */
export function setReach(model: PatchModel, set: string | null): SetReach {
  const reach: SetReach = { progTypes: [], where: [], visible: false, idSets: [] };
  if (!set) return reach;
  for (const ids of model.idSets.filter((i) => i.set === set)) {
    reach.idSets.push(ids.name);
    for (const c of model.registerCalls.filter((r) => r.idSet === ids.name && r.fn === 'register_btf_kfunc_id_set')) {
      reach.visible = true;
      if (c.progType) reach.progTypes.push(c.progType);
      reach.where.push(`register_btf_kfunc_id_set(${c.progType ?? '?'}, &${ids.name}) at ${c.file}:${c.line}`);
    }
  }
  return reach;
}

/** True when every visible registration of the set is for BPF_PROG_TYPE_SYSCALL (HID precedent). */
export function syscallOnly(reach: SetReach): boolean {
  return reach.visible && reach.progTypes.length > 0 && reach.progTypes.every((t) => t === 'BPF_PROG_TYPE_SYSCALL');
}

/** Registrations of a kfunc that lack KF_SLEEPABLE and whose set is not SYSCALL-only. */
export function nonSleepableRegistrations(model: PatchModel, regs: Registration[]): { reg: Registration; reach: SetReach }[] {
  return regs
    .filter((r) => !r.flags.includes('KF_SLEEPABLE'))
    .map((reg) => ({ reg, reach: setReach(model, reg.set) }))
    .filter((x) => !syscallOnly(x.reach));
}

/** True when the target tree has kmalloc_nolock(). */
export function hasKmallocNolock(model: PatchModel): boolean {
  const t = model.target;
  return t.major > KMALLOC_NOLOCK_SINCE.major || (t.major === KMALLOC_NOLOCK_SINCE.major && t.minor >= KMALLOC_NOLOCK_SINCE.minor);
}
