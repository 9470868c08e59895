// Which kernel functions may sleep and which look like they do but do not: the tables behind
// the sleep rules. The call-graph scan that reads them is facts/sleep-scan.ts; the calls that
// open an atomic section are in atomic-sections.ts, the GFP masks in gfp.ts.
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
//              vmalloc'ed pointer), so a finding built on it is a warning, not an error. A
//              condition inside the callee that the caller cannot control (a rate limit, a
//              threshold) is not such a path: the callee is 'always'. With --tree the scan
//              follows a 'may' callee's own code and upgrades it when that reaches a sleeper.

export type SleepCause =
  | 'might_sleep'
  | 'mutex'
  | 'rwsem'
  | 'semaphore'
  | 'blocking-gfp'
  | 'might_fault'
  | 'wait'
  | 'rcu-sync'
  | 'workqueue'
  | 'kthread'
  | 'vfs'
  | 'module-load'
  | 'device-io'
  | 'release-callback';

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
  /** For allocators without a gfp argument: the mask they use (GFP_KERNEL when absent). */
  implicitGfp?: string;
  /** An allocation: the blocking-allocation rule reports it, with an allocation-specific fix. */
  alloc?: boolean;
}

export interface NonSleeperEntry {
  id: string;
  names: readonly string[];
  prefixes?: readonly string[];
  /** Why it does not sleep, and which sleeping function it is mistaken for. */
  why: string;
}

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
  kmalloc: 1,
  kzalloc: 1,
  kmalloc_node: 1,
  kzalloc_node: 1,
  kcalloc: 2,
  kmalloc_array: 2,
  kcalloc_node: 2,
  kmalloc_array_node: 2,
  krealloc: 2,
  krealloc_array: 3,
  kmemdup: 2,
  kmemdup_nul: 2,
  kstrdup: 1,
  kstrndup: 2,
  kstrdup_const: 1,
  kmem_cache_alloc: 1,
  kmem_cache_zalloc: 1,
  kmem_cache_alloc_node: 1,
} as const;

const PAGE_GFP = {
  alloc_pages: 0,
  alloc_page: 0,
  __alloc_pages: 0,
  __get_free_pages: 0,
  __get_free_page: 0,
  get_zeroed_page: 0,
  alloc_pages_node: 1,
  folio_alloc: 0,
} as const;

const KVMALLOC_GFP = { kvmalloc: 1, kvzalloc: 1, kvmalloc_node: 1, kvzalloc_node: 1, kvcalloc: 2, kvmalloc_array: 2 } as const;

const ID_GFP = {
  idr_alloc: 4,
  idr_alloc_cyclic: 4,
  idr_alloc_u32: 4,
  ida_alloc: 1,
  ida_alloc_range: 3,
  ida_alloc_min: 2,
  ida_alloc_max: 2,
  xa_store: 3,
  xa_insert: 3,
  xa_alloc: 4,
  xa_alloc_cyclic: 5,
  radix_tree_preload: 0,
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
    id: 'mutex',
    cause: 'mutex',
    certainty: 'always',
    names: [
      'mutex_lock',
      'mutex_lock_interruptible',
      'mutex_lock_killable',
      'mutex_lock_nested',
      'mutex_lock_io',
      'mutex_lock_interruptible_nested',
      'mutex_lock_killable_nested',
      'mutex_lock_io_nested',
      'guard(mutex)',
      'scoped_guard(mutex)',
      'scoped_cond_guard(mutex_intr)',
    ],
    why: 'a mutex waiter blocks; mutex_lock() begins with might_sleep() (kernel/locking/mutex.c:281-283)',
  },
  {
    id: 'ww-rt-mutex',
    cause: 'mutex',
    certainty: 'always',
    names: [
      'ww_mutex_lock',
      'ww_mutex_lock_interruptible',
      'ww_mutex_lock_slow',
      'rt_mutex_lock',
      'rt_mutex_lock_interruptible',
      'rt_mutex_lock_killable',
    ],
    why: 'wound/wait and RT mutexes block like plain mutexes (might_sleep() in kernel/locking/ww_mutex and rtmutex_api.c)',
  },
  {
    id: 'rwsem-read',
    cause: 'rwsem',
    certainty: 'always',
    names: [
      'down_read',
      'down_read_interruptible',
      'down_read_killable',
      'down_read_nested',
      'down_read_non_owner',
      'guard(rwsem_read)',
      'scoped_guard(rwsem_read)',
    ],
    why: 'readers of an rw_semaphore wait for the writer; down_read() calls might_sleep() (kernel/locking/rwsem.c:1521-1546)',
  },
  {
    id: 'rwsem-write',
    cause: 'rwsem',
    certainty: 'always',
    names: ['down_write', 'down_write_killable', 'down_write_nested', 'guard(rwsem_write)', 'scoped_guard(rwsem_write)'],
    why: 'a writer waits for every reader; down_write() calls might_sleep() (kernel/locking/rwsem.c:1574-1576)',
  },
  {
    id: 'semaphore',
    cause: 'semaphore',
    certainty: 'always',
    names: ['down', 'down_interruptible', 'down_killable', 'down_timeout'],
    why: 'counting semaphores put the caller to sleep when the count is zero; down() has might_sleep() (kernel/locking/semaphore.c:55-83)',
  },
  {
    id: 'percpu-rwsem',
    cause: 'rwsem',
    certainty: 'always',
    names: ['percpu_down_read', 'percpu_down_write'],
    why: 'percpu_down_read() has might_sleep() and falls back to an rwsem wait (include/linux/percpu-rwsem.h:49, kernel/locking/percpu-rwsem.c:228)',
  },
  {
    id: 'cpu-hotplug-lock',
    cause: 'rwsem',
    certainty: 'always',
    names: ['cpus_read_lock', 'get_online_cpus', 'cpus_write_lock', 'cpu_hotplug_disable', 'guard(cpus_read_lock)'],
    why: 'the CPU hotplug lock is a percpu rwsem: cpus_read_lock() is percpu_down_read() (kernel/cpu.c:488-490)',
  },
  {
    id: 'mmap-lock',
    cause: 'rwsem',
    certainty: 'always',
    names: ['mmap_read_lock', 'mmap_write_lock', 'mmap_read_lock_killable', 'mmap_write_lock_killable', 'mmap_write_lock_nested'],
    why: 'mmap_lock is an rw_semaphore; mmap_read_lock() is down_read() (include/linux/mmap_lock.h:161)',
  },
  {
    id: 'inode-lock',
    cause: 'rwsem',
    certainty: 'always',
    names: ['inode_lock', 'inode_lock_shared', 'inode_lock_nested', 'inode_lock_shared_nested', 'lock_rename'],
    why: 'i_rwsem is an rw_semaphore: inode_lock() is down_write() (include/linux/fs.h:848-850)',
  },
  {
    id: 'socket-lock',
    cause: 'mutex',
    certainty: 'always',
    names: ['lock_sock', 'lock_sock_nested', 'lock_sock_fast', '__lock_sock_fast'],
    why: 'the socket owner lock sleeps until the owner releases it; lock_sock_nested() and __lock_sock_fast() call might_sleep() (net/core/sock.c:3678-3711)',
  },
  {
    id: 'rtnl',
    cause: 'mutex',
    certainty: 'always',
    names: ['rtnl_lock', 'rtnl_lock_killable', 'rtnl_lock_interruptible'],
    why: 'rtnl_lock() is mutex_lock(&rtnl_mutex) (net/core/rtnetlink.c:77)',
  },
  {
    id: 'cgroup-mutex',
    cause: 'mutex',
    certainty: 'always',
    names: ['cgroup_lock', 'cgroup_lock_and_drain_offline'],
    why: 'cgroup_lock() takes cgroup_mutex (include/linux/cgroup.h, kernel/cgroup/cgroup.c)',
  },
  // --- allocations ---------------------------------------------------------------------------
  gfpEntry(
    'slab-alloc',
    SLAB_GFP,
    'slab allocations run might_alloc(gfp), which is might_sleep_if(gfpflags_allow_blocking(gfp)) (mm/slub.c:4131, include/linux/sched/mm.h:316-321); GFP_KERNEL-class masks may enter direct reclaim',
  ),
  gfpEntry(
    'page-alloc',
    PAGE_GFP,
    'the page allocator runs might_alloc(gfp) and may direct-reclaim or compact with a blocking mask (mm/page_alloc.c:4615)',
  ),
  gfpEntry(
    'kvmalloc',
    KVMALLOC_GFP,
    'kvmalloc() tries kmalloc with the given mask and falls back to vmalloc, which sleeps, when the mask is GFP_KERNEL-compatible (mm/util.c)',
  ),
  gfpEntry(
    'id-alloc',
    ID_GFP,
    "IDR/IDA/XArray stores allocate tree nodes with the caller's gfp mask (lib/idr.c, lib/xarray.c); a blocking mask may reclaim",
  ),
  gfpEntry('skb-alloc', NET_GFP, 'skb allocation and cloning use kmem_cache/kmalloc with the given priority mask (net/core/skbuff.c)'),
  gfpEntry(
    'bpf-map-alloc',
    BPF_MAP_GFP,
    "the BPF map accounting allocators pass their gfp mask to kmalloc_node/kvcalloc/__alloc_percpu_gfp under the map's memcg (kernel/bpf/syscall.c)",
  ),
  gfpEntry(
    'misc-gfp-alloc',
    MISC_GFP,
    "mempool, percpu and pool allocators honour the caller's mask: mempool_alloc() waits for a free element only when the mask can block (mm/mempool.c); __alloc_percpu_gfp() takes pcpu_alloc_mutex only for GFP_KERNEL (mm/percpu.c:1795)",
  ),
  {
    id: 'vmalloc',
    cause: 'blocking-gfp',
    certainty: 'always',
    alloc: true,
    names: [
      'vmalloc',
      'vzalloc',
      'vmalloc_node',
      'vzalloc_node',
      'vmalloc_user',
      'vmalloc_32',
      '__vmalloc',
      'vmap',
      'vm_map_ram',
      'bpf_map_area_alloc',
      'bpf_map_area_mmapable_alloc',
    ],
    why: 'vmalloc always allocates page tables with GFP_KERNEL and calls might_sleep() (mm/vmalloc.c:344, 3001); bpf_map_area_alloc() falls back to it',
  },
  {
    id: 'percpu-alloc',
    cause: 'blocking-gfp',
    certainty: 'always',
    alloc: true,
    names: ['alloc_percpu', '__alloc_percpu'],
    why: 'alloc_percpu() is a GFP_KERNEL percpu allocation that takes pcpu_alloc_mutex (mm/percpu.c:1795-1796)',
  },
  {
    id: 'user-memdup',
    cause: 'might_fault',
    certainty: 'always',
    alloc: true,
    implicitGfp: 'GFP_USER',
    names: ['memdup_user', 'memdup_user_nul', 'vmemdup_user', 'strndup_user', 'memdup_array_user'],
    why: 'allocates with GFP_USER/GFP_KERNEL and then copies from user memory, which may fault (mm/util.c)',
  },
  // --- memory unmapping / vfree ---------------------------------------------------------------
  {
    id: 'vfree',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['vfree', 'vunmap', 'vm_unmap_ram'],
    short: 'calls might_sleep() outside interrupt context',
    why: 'vfree() outside interrupt context calls might_sleep() and may flush lazily freed areas (mm/vmalloc.c:3407-3419)',
  },
  {
    id: 'kvfree',
    cause: 'might_sleep',
    certainty: 'may',
    names: ['kvfree', 'kvfree_sensitive', 'bpf_map_area_free'],
    short: 'calls vfree() when the memory came from vmalloc',
    why: 'kvfree() sleeps (through vfree()) only when the pointer came from vmalloc (mm/util.c:696); which one it is cannot be seen at the call',
  },
  // --- user memory ---------------------------------------------------------------------------
  {
    id: 'user-copy',
    cause: 'might_fault',
    certainty: 'always',
    names: [
      'copy_from_user',
      'copy_to_user',
      'get_user',
      'put_user',
      'clear_user',
      '__copy_from_user',
      '__copy_to_user',
      'copy_struct_from_user',
      'copy_from_sockptr',
      'copy_to_sockptr',
    ],
    why: 'user copies call might_fault() and a page fault may take mmap_lock and do I/O (include/linux/uaccess.h:106-192, mm/memory.c:6750-6756)',
  },
  {
    id: 'user-strings',
    cause: 'might_fault',
    certainty: 'always',
    names: ['strncpy_from_user', 'strnlen_user'],
    why: 'strncpy_from_user() calls might_fault() (lib/strncpy_from_user.c:117)',
  },
  {
    id: 'gup',
    cause: 'rwsem',
    certainty: 'always',
    names: ['access_process_vm', 'access_remote_vm', 'get_user_pages_unlocked', 'pin_user_pages_unlocked'],
    prefixes: ['get_user_pages', 'pin_user_pages'],
    why: "pinning or accessing another task's pages takes mmap_read_lock() and may fault pages in (mm/gup.c:1667-1738)",
  },
  {
    id: 'mmput',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['mmput'],
    short: 'may tear the address space down (might_sleep())',
    why: 'mmput() calls might_sleep(): the last reference tears the address space down (kernel/fork.c); mmput_async() is the atomic-safe variant',
  },
  // --- waiting --------------------------------------------------------------------------------
  {
    id: 'wait-event',
    cause: 'wait',
    certainty: 'always',
    names: ['wait_event'],
    prefixes: ['wait_event_', 'wait_var_event', 'wait_on_bit'],
    why: 'wait_event*() sleep until a condition holds and start with might_sleep() (include/linux/wait.h:340-342)',
  },
  {
    id: 'completion',
    cause: 'wait',
    certainty: 'always',
    names: ['wait_for_completion'],
    prefixes: ['wait_for_completion_'],
    why: 'wait_for_completion*() block on the completion and call might_sleep() (kernel/sched/completion.c:111, 146-148)',
  },
  {
    id: 'schedule',
    cause: 'might_sleep',
    certainty: 'always',
    names: [
      'schedule',
      'io_schedule',
      'msleep',
      'msleep_interruptible',
      'ssleep',
      'usleep_range',
      'usleep_range_state',
      'fsleep',
      'cond_resched',
      'cond_resched_lock',
      'yield',
    ],
    short: 'gives up the CPU',
    prefixes: ['schedule_timeout', 'schedule_hrtimeout', 'io_schedule_timeout'],
    why: 'these give up the CPU: schedule() must not run in atomic context (kernel/sched/core.c:6832); msleep()/schedule_timeout() sleep on a timer (kernel/time/timer.c:2578, 2768); cond_resched() is annotated __might_resched (core.c:7287)',
  },
  {
    id: 'annotation',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['might_sleep', 'might_fault', '__might_sleep', 'might_resched'],
    short: 'marks the call as a possible sleep',
    why: 'the explicit annotation: CONFIG_DEBUG_ATOMIC_SLEEP reports "sleeping function called from invalid context" when it runs in atomic context (kernel/sched/core.c:8646)',
  },
  {
    id: 'might-sleep-if',
    cause: 'might_sleep',
    certainty: 'may',
    names: ['might_sleep_if'],
    short: 'is annotated might_sleep() under a condition',
    why: 'might_sleep_if(cond) sleeps only when its condition holds; the condition is not evaluated here',
  },
  // --- deferred work and threads -------------------------------------------------------------
  {
    id: 'workqueue-flush',
    cause: 'workqueue',
    certainty: 'always',
    names: [
      'flush_work',
      'flush_delayed_work',
      'flush_workqueue',
      'drain_workqueue',
      'destroy_workqueue',
      'flush_scheduled_work',
      'flush_rcu_work',
    ],
    why: 'flushing waits for the work item to finish; __flush_work() calls might_sleep() (kernel/workqueue.c:3973, 4298-4300)',
  },
  {
    id: 'workqueue-cancel-sync',
    cause: 'workqueue',
    certainty: 'always',
    names: [
      'cancel_work_sync',
      'cancel_delayed_work_sync',
      'kthread_cancel_work_sync',
      'kthread_cancel_delayed_work_sync',
      'kthread_flush_work',
    ],
    why: 'the _sync cancel waits for a running instance to finish (kernel/workqueue.c:4393, 4435)',
  },
  {
    id: 'kthread',
    cause: 'kthread',
    certainty: 'always',
    names: ['kthread_stop', 'kthread_park', 'kthread_create_worker', 'stop_machine'],
    prefixes: ['kthread_create', 'kthread_run'],
    why: 'creating, stopping or parking a kthread waits on a completion for kthreadd or the thread (kernel/kthread.c:699); stop_machine() waits for every CPU',
  },
  {
    id: 'rcu-sync',
    cause: 'rcu-sync',
    certainty: 'always',
    names: [
      'synchronize_rcu',
      'synchronize_rcu_expedited',
      'synchronize_net',
      'synchronize_srcu',
      'synchronize_srcu_expedited',
      'synchronize_rcu_tasks',
      'synchronize_rcu_tasks_trace',
      'rcu_barrier',
      'srcu_barrier',
      'rcu_barrier_tasks_trace',
      'kvfree_rcu_mightsleep',
    ],
    why: 'waiting for a grace period blocks (kernel/rcu/tree.c:4027, 4113, 4578; kernel/rcu/srcutree.c:1396; net/core/dev.c:11514); inside an RCU reader it also deadlocks',
  },
  {
    id: 'irq-management',
    cause: 'wait',
    certainty: 'always',
    names: ['synchronize_irq', 'disable_irq', 'free_irq', 'request_irq', 'request_threaded_irq'],
    why: 'these wait for running handlers (synchronize_irq) or allocate with GFP_KERNEL and take a mutex (kernel/irq/manage.c)',
  },
  // --- cgroup / memcg statistics ------------------------------------------------------------
  {
    id: 'rstat-flush',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['cgroup_rstat_flush', 'cgroup_rstat_flush_hold', 'css_rstat_flush'],
    short: 'flushes rstat with might_sleep() and cond_resched()',
    why: 'the rstat flush calls might_sleep() and cond_resched() between CPUs (kernel/cgroup/rstat.c:360-381 in 6.12; css_rstat_flush() from ~6.16 is itself registered KF_SLEEPABLE)',
  },
  {
    id: 'memcg-flush',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['mem_cgroup_flush_stats', '__mem_cgroup_flush_stats', 'do_flush_stats'],
    short: 'runs the rstat flush (might_sleep, cond_resched)',
    why: 'mem_cgroup_flush_stats() runs the rstat flush (cgroup_rstat_flush in 6.12, css_rstat_flush later) once enough updates are pending (mm/memcontrol.c:596-622); a checker must assume it sleeps',
  },
  {
    id: 'memcg-flush-ratelimited',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['mem_cgroup_flush_stats_ratelimited'],
    short: 'flushes synchronously (might_sleep) when the periodic flush is late',
    why: 'the ratelimited flush calls mem_cgroup_flush_stats() itself whenever the periodic flusher is a full cycle late (mm/memcontrol.c:620-625), and that runs the sleeping rstat flush; a path the caller cannot rule out, so a checker must assume it sleeps',
  },
  // --- VFS --------------------------------------------------------------------------------------
  {
    id: 'dcache',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['dput', 'path_put', 'd_invalidate'],
    short: 'may kill the dentry on the last reference (might_sleep())',
    why: 'dput() calls might_sleep(): the last reference may kill the dentry and its inode (fs/dcache.c:857-861)',
  },
  {
    id: 'iput',
    cause: 'vfs',
    certainty: 'may',
    names: ['iput'],
    short: 'may evict the inode on the last reference',
    why: 'iput() evicts the inode on the last reference, which may write back and block (fs/inode.c:1886)',
  },
  {
    id: 'file-io',
    cause: 'vfs',
    certainty: 'always',
    names: [
      '__fput_sync',
      'filp_close',
      'filp_open',
      'file_open_root',
      'kernel_read',
      'kernel_write',
      'vfs_read',
      'vfs_write',
      'vfs_fsync',
      'kern_path',
      'kernel_read_file',
    ],
    why: 'opening, closing synchronously, reading or writing a file calls into the filesystem and may block on I/O (fs/file_table.c:452 __fput() might_sleep; fs/open.c:1542)',
  },
  {
    id: 'xattr',
    cause: 'vfs',
    certainty: 'always',
    names: [
      '__vfs_getxattr',
      'vfs_getxattr',
      '__vfs_setxattr',
      'vfs_setxattr',
      '__vfs_removexattr',
      'vfs_removexattr',
      '__vfs_setxattr_locked',
      '__vfs_removexattr_locked',
      'vfs_listxattr',
    ],
    why: 'xattr handlers call into the filesystem (disk or network I/O); the set/remove paths also take inode_lock (fs/xattr.c:375-428); the fs kfuncs that use them are KF_SLEEPABLE',
  },
  {
    id: 'inode-permission',
    cause: 'vfs',
    certainty: 'may',
    names: ['inode_permission', 'file_permission'],
    why: "permission checks may call the filesystem's ->permission() and security hooks, which can block outside RCU-walk mode (fs/namei.c)",
  },
  // --- modules, crypto, keys -----------------------------------------------------------------
  {
    id: 'module-load',
    cause: 'module-load',
    certainty: 'always',
    names: ['request_module', '__request_module', 'request_module_nowait', 'try_then_request_module', 'call_usermodehelper'],
    why: '__request_module() calls might_sleep() and runs modprobe through the usermode helper (kernel/module/kmod.c:131-143)',
  },
  {
    id: 'crypto-alloc',
    cause: 'module-load',
    certainty: 'always',
    prefixes: ['crypto_alloc_'],
    names: ['crypto_alloc_base', 'crypto_alloc_tfm_node'],
    why: 'looking up a transform may load its module and allocates with GFP_KERNEL (crypto/api.c); bpf_crypto_ctx_create() is KF_SLEEPABLE for this reason',
  },
  {
    id: 'keys',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['lookup_user_key', 'request_key', 'request_key_tag', 'request_key_with_auxdata', 'key_create_or_update'],
    short: 'may wait for key construction and keyring semaphores',
    why: 'key lookup may wait for construction and takes the keyring semaphores (security/keys); bpf_lookup_user_key() is KF_SLEEPABLE (kernel/trace/bpf_trace.c:1400)',
  },
  {
    id: 'signature',
    cause: 'might_sleep',
    certainty: 'always',
    names: ['verify_pkcs7_signature', 'verify_pefile_signature', 'public_key_verify_signature'],
    short: 'searches keyrings and runs crypto that may sleep',
    why: 'signature checks search keyrings and run crypto that may sleep; bpf_verify_pkcs7_signature() is KF_SLEEPABLE (kernel/trace/bpf_trace.c:1404)',
  },
  // --- devices -------------------------------------------------------------------------------
  {
    id: 'device-release',
    cause: 'release-callback',
    certainty: 'may',
    names: ['put_device', 'kobject_put'],
    why: 'dropping the last reference runs the release callback, which may sleep (drivers/base/core.c:3878); this is why hid_bpf_release_context() is KF_SLEEPABLE',
  },
  {
    id: 'bus-io',
    cause: 'device-io',
    certainty: 'always',
    names: [
      'hid_hw_raw_request',
      'hid_hw_output_report',
      'i2c_transfer',
      'i2c_smbus_xfer',
      'spi_sync',
      'spi_write_then_read',
      'usb_control_msg',
      'usb_bulk_msg',
      'gpiod_get_value_cansleep',
      'gpiod_set_value_cansleep',
    ],
    why: 'synchronous bus transfers wait for the controller (drivers/hid/bpf/hid_bpf_dispatch.c:453, drivers/i2c/i2c-core-base.c:2315, drivers/spi/spi.c:4620); the _cansleep GPIO accessors say so in their name',
  },
];

// ---------------------------------------------------------------------------------------------
// Look-alikes that do NOT sleep (checked before SLEEPERS, so `down_read_trylock` is not a
// `down_read`, and `copy_from_user_nofault` is not a `copy_from_user`).
// ---------------------------------------------------------------------------------------------

export const NON_SLEEPERS: readonly NonSleeperEntry[] = [
  {
    id: 'spinlocks',
    names: [
      'read_lock',
      'write_lock',
      'read_lock_bh',
      'write_lock_bh',
      'read_lock_irq',
      'write_lock_irq',
      'read_lock_irqsave',
      'write_lock_irqsave',
      'read_unlock',
      'write_unlock',
      'read_unlock_bh',
      'write_unlock_bh',
      'read_unlock_irq',
      'write_unlock_irq',
      'read_unlock_irqrestore',
      'write_unlock_irqrestore',
    ],
    prefixes: [
      'spin_lock',
      'spin_unlock',
      'raw_spin_lock',
      'raw_spin_unlock',
      'guard(spinlock',
      'scoped_guard(spinlock',
      'guard(raw_spinlock',
      'scoped_guard(raw_spinlock',
      'guard(read_lock',
      'guard(write_lock',
      'scoped_guard(read_lock',
      'scoped_guard(write_lock',
    ],
    why: 'spinlocks and rwlocks busy-wait instead of sleeping (on non-RT kernels); they open an atomic section, in which nothing may sleep',
  },
  {
    id: 'trylocks',
    names: [
      'mutex_trylock',
      'down_trylock',
      'down_read_trylock',
      'down_write_trylock',
      'mmap_read_trylock',
      'mmap_write_trylock',
      'inode_trylock',
      'inode_trylock_shared',
      'rtnl_trylock',
      'ww_mutex_trylock',
      'rt_mutex_trylock',
      'percpu_down_read_trylock',
      'cpus_read_trylock',
      'scoped_cond_guard(mutex_try)',
    ],
    prefixes: ['spin_trylock', 'raw_spin_trylock'],
    why: 'the try variants of the sleeping locks return at once when the lock is taken; they are the non-blocking siblings (hid_bpf_try_input_report carries no KF_SLEEPABLE)',
  },
  {
    id: 'unlocks',
    names: [
      'mutex_unlock',
      'up',
      'up_read',
      'up_write',
      'percpu_up_read',
      'percpu_up_write',
      'mmap_read_unlock',
      'mmap_write_unlock',
      'inode_unlock',
      'inode_unlock_shared',
      'cpus_read_unlock',
      'cgroup_unlock',
      'ww_mutex_unlock',
      'rt_mutex_unlock',
      'downgrade_write',
    ],
    why: 'releasing a sleeping lock only wakes waiters; it never blocks the caller',
  },
  {
    id: 'atomic-sections',
    names: [
      'rcu_read_lock',
      'rcu_read_unlock',
      'rcu_read_lock_bh',
      'rcu_read_unlock_bh',
      'rcu_read_lock_sched',
      'rcu_read_unlock_sched',
      'rcu_read_lock_trace',
      'rcu_read_unlock_trace',
      'srcu_read_lock',
      'srcu_read_unlock',
      'preempt_disable',
      'preempt_enable',
      'preempt_disable_notrace',
      'preempt_enable_notrace',
      'migrate_disable',
      'migrate_enable',
      'local_irq_save',
      'local_irq_restore',
      'local_irq_disable',
      'local_irq_enable',
      'local_bh_disable',
      'local_bh_enable',
      'get_cpu',
      'put_cpu',
      'get_cpu_ptr',
      'put_cpu_ptr',
      'get_cpu_var',
      'put_cpu_var',
      'guard(rcu)',
      'scoped_guard(rcu)',
      'guard(preempt)',
      'scoped_guard(preempt)',
      'guard(preempt_notrace)',
      'guard(irq)',
      'guard(irqsave)',
      'scoped_guard(irq)',
      'scoped_guard(irqsave)',
      'guard(srcu)',
      'scoped_guard(srcu)',
    ],
    why: 'entering or leaving an RCU reader, a preempt- or irq-disabled section never sleeps (it is what makes sleeping illegal)',
  },
  {
    id: 'nolock-alloc',
    names: [
      'kmalloc_nolock',
      'kfree_nolock',
      'alloc_pages_nolock',
      'free_pages_nolock',
      'bpf_mem_alloc',
      'bpf_mem_free',
      'bpf_mem_cache_alloc',
      'bpf_mem_cache_free',
      'bpf_mem_free_rcu',
      'bpf_mem_cache_free_rcu',
      'bpf_mem_cache_raw_alloc',
    ],
    why: 'allocators made for any context: bpf_mem_alloc() serves from per-CPU free lists refilled by irq_work (kernel/bpf/memalloc.c); kmalloc_nolock() (6.18+) never spins or sleeps',
  },
  {
    id: 'frees',
    names: [
      'kfree',
      'kfree_sensitive',
      'kmem_cache_free',
      'free_page',
      'free_pages',
      '__free_page',
      '__free_pages',
      'put_page',
      'folio_put',
      'free_percpu',
      'vfree_atomic',
      'kfree_const',
      'kfree_skb',
      'consume_skb',
      'dev_kfree_skb_any',
      'mempool_free',
      'idr_remove',
      'ida_free',
      'xa_erase',
    ],
    why: 'freeing slab, page or percpu memory takes at most spinlocks; vfree_atomic() defers the vfree to a work item',
  },
  {
    id: 'rcu-deferral',
    names: ['call_rcu', 'call_rcu_hurry', 'call_srcu', 'call_rcu_tasks', 'call_rcu_tasks_trace', 'kfree_rcu', 'kvfree_rcu'],
    why: 'queueing a callback for after a grace period returns at once (unlike synchronize_rcu()); two-argument kfree_rcu()/kvfree_rcu() never sleep',
  },
  {
    id: 'file-refs',
    names: ['fput', 'fget', 'fget_raw', 'fdget', 'fdput', 'get_file', 'path_get', 'dget', 'dget_parent', 'ihold', 'get_task_exe_file'],
    why: 'fput() defers the final __fput() to task_work or a delayed work item (fs/file_table.c), so it is safe where __fput_sync()/filp_close() are not',
  },
  {
    id: 'cgroup-refs',
    names: [
      'css_get',
      'css_put',
      'css_tryget',
      'css_tryget_online',
      'css_get_many',
      'css_put_many',
      'cgroup_get',
      'cgroup_put',
      'cgroup_tryget',
      'cgroup_get_from_id',
      'task_css',
      'task_dfl_cgroup',
      'mem_cgroup_from_task',
      'get_mem_cgroup_from_mm',
      'mem_cgroup_from_css',
      'cgroup_ancestor',
      'mem_cgroup_is_root',
    ],
    why: 'css references are percpu_ref operations; the final release is deferred to a work item; cgroup_get_from_id() looks the id up under RCU (bpf_cgroup_from_id() is not KF_SLEEPABLE)',
  },
  {
    id: 'task-refs',
    names: [
      'get_task_struct',
      'put_task_struct',
      'put_task_struct_rcu_user',
      'find_task_by_pid_ns',
      'find_task_by_vpid',
      'find_vpid',
      'pid_task',
      'get_pid_task',
      'put_pid',
      'get_pid',
      'task_lock',
      'task_unlock',
      'kref_get',
    ],
    why: 'task and pid references are refcounts; put_task_struct() may free the task but never blocks (bpf_task_release() is callable from any program)',
  },
  {
    id: 'refcounts-atomics',
    names: ['READ_ONCE', 'WRITE_ONCE', 'smp_load_acquire', 'smp_store_release', 'cmpxchg', 'xchg', 'try_cmpxchg'],
    prefixes: ['refcount_', 'atomic_', 'atomic64_', 'atomic_long_', 'percpu_ref_', 'this_cpu_', '__this_cpu_', 'raw_cpu_', 'local64_'],
    why: 'atomic and refcount operations are single instructions or short loops',
  },
  {
    id: 'nofault-copies',
    names: [
      'copy_from_kernel_nofault',
      'copy_to_kernel_nofault',
      'copy_from_user_nofault',
      'copy_to_user_nofault',
      'strncpy_from_user_nofault',
      'strncpy_from_kernel_nofault',
      'strnlen_user_nofault',
      '__copy_from_user_inatomic',
      '__copy_to_user_inatomic',
      'get_kernel_nofault',
    ],
    why: 'the _nofault/_inatomic copies disable page faults and return -EFAULT instead of faulting pages in (mm/maccess.c), so they are the atomic-safe siblings of copy_from_user()',
  },
  {
    id: 'async-work',
    names: [
      'schedule_work',
      'queue_work',
      'queue_work_on',
      'queue_delayed_work',
      'mod_delayed_work',
      'schedule_delayed_work',
      'queue_rcu_work',
      'irq_work_queue',
      'irq_work_queue_on',
      'task_work_add',
      'kthread_queue_work',
      'mmput_async',
      'wake_up',
      'wake_up_all',
      'wake_up_interruptible',
      'wake_up_process',
      'wake_up_var',
      'complete',
      'complete_all',
      'cancel_work',
      'cancel_delayed_work',
      'mod_timer',
      'add_timer',
      'hrtimer_start',
    ],
    why: 'queueing work or waking a waiter returns at once; only the flush/_sync/wait side blocks',
  },
  {
    id: 'memcg-stat-readers',
    names: [
      'memcg_page_state',
      'memcg_page_state_local',
      'memcg_page_state_output',
      'memcg_events',
      'memcg_events_local',
      'page_counter_read',
      'mem_cgroup_usage',
      'lruvec_page_state',
      'lruvec_page_state_local',
      'node_page_state',
      'global_node_page_state',
      'global_zone_page_state',
      'cgroup_rstat_updated',
      'css_rstat_updated',
      'memcg_vm_event_item_valid',
      'memcg_stat_item_valid',
      'mod_memcg_state',
    ],
    why: 'the memcg counters are read from the last flushed percpu totals without locks (mm/memcontrol.c); only the flush sleeps',
  },
  {
    id: 'lookups',
    names: [
      'xa_load',
      'idr_find',
      'radix_tree_lookup',
      'rhashtable_lookup',
      'rhashtable_lookup_fast',
      'bpf_map_lookup_elem',
      'find_next_bit',
      'kernfs_find_and_get_node_by_id',
    ],
    why: 'lookups in IDR/XArray/rhashtable run under RCU and take no sleeping lock',
  },
];

/** Helpers and macros that never sleep and carry no sleeping callee: a scan that meets them still knows every callee. */
export const TRIVIAL_CALLS: readonly string[] = [
  'container_of',
  'container_of_const',
  'min',
  'max',
  'min_t',
  'max_t',
  'clamp',
  'clamp_t',
  'clamp_val',
  'likely',
  'unlikely',
  'sizeof',
  'offsetof',
  'IS_ERR',
  'PTR_ERR',
  'ERR_PTR',
  'IS_ERR_OR_NULL',
  'PTR_ERR_OR_ZERO',
  'ERR_CAST',
  'memcpy',
  'memmove',
  'memset',
  'memcmp',
  'memchr',
  'strlen',
  'strnlen',
  'strcmp',
  'strncmp',
  'strscpy',
  'strscpy_pad',
  'strchr',
  'strrchr',
  'strstr',
  'snprintf',
  'scnprintf',
  'sprintf',
  'vsnprintf',
  'printk',
  'kstrtoint',
  'kstrtouint',
  'kstrtoul',
  'kstrtoull',
  'test_bit',
  'set_bit',
  'clear_bit',
  '__set_bit',
  '__clear_bit',
  'test_and_set_bit',
  'test_and_clear_bit',
  'smp_processor_id',
  'raw_smp_processor_id',
  'in_interrupt',
  'in_task',
  'in_nmi',
  'in_softirq',
  'in_hardirq',
  'irqs_disabled',
  'preemptible',
  'rcu_read_lock_held',
  'rcu_assign_pointer',
  'rcu_access_pointer',
  'rcu_replace_pointer',
  'array_index_nospec',
  'array_size',
  'struct_size',
  'check_add_overflow',
  'check_mul_overflow',
  'get_random_u32',
  'get_random_u64',
  'jhash',
  'jhash2',
  'hash_32',
  'hash_64',
  'ktime_get',
  'ktime_get_ns',
  'ktime_get_boot_ns',
  'ktime_get_mono_fast_ns',
  'jiffies_to_msecs',
  'msecs_to_jiffies',
  'div_u64',
  'div64_u64',
  'do_div',
  'roundup',
  'round_up',
  'round_down',
  'ilog2',
  'fls',
  'ffs',
  '__ffs',
  'fls64',
  'swap',
  'cpu_online',
  'cpu_possible',
  'num_possible_cpus',
  'num_online_cpus',
  'per_cpu_ptr',
  'per_cpu',
  'this_cpu_ptr',
  'task_pid_nr',
  'task_tgid_nr',
  'task_pid_vnr',
  'current_uid',
  'from_kuid',
  'page_address',
  'virt_to_page',
  'page_to_virt',
  'bpf_get_current_task',
  'btf_type_by_id',
  'lockdep_is_held',
  'list_empty',
  'skb_headlen',
  'skb_tail_pointer',
  'ntohs',
  'htons',
  'ntohl',
  'htonl',
  'be16_to_cpu',
  'be32_to_cpu',
  'cpu_to_be16',
  'cpu_to_be32',
  'le16_to_cpu',
  'le32_to_cpu',
  'cpu_to_le16',
  'cpu_to_le32',
  'ether_addr_copy',
  'BUILD_BUG_ON',
  'WARN_ON',
  'WARN_ON_ONCE',
  'WARN',
  'WARN_ONCE',
  'BUG_ON',
  'BUG',
];
const TRIVIAL_PREFIXES: readonly string[] = [
  'pr_',
  'dev_err',
  'dev_warn',
  'dev_info',
  'dev_dbg',
  'netdev_',
  'list_',
  'hlist_',
  'rb_',
  'bitmap_',
  'cpumask_',
  'for_each_',
  'rcu_dereference',
  'lockdep_assert',
  'ktime_',
  'nodes_',
  'trace_',
  'llist_',
  'bpf_dynptr_',
  '__bpf_dynptr_',
  'skb_',
  'is_',
  'get_unaligned',
  'put_unaligned',
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
