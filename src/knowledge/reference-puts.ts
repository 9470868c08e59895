// Kernel calls that drop the caller's reference on an object or free it: after one of them
// the caller may no longer use the object. A kfunc that does this to one of its arguments
// consumes the program's reference, so it must be KF_RELEASE (or the verifier lets the
// program go on using, and releasing, a freed object). `objArg` is the 0-based position of the
// argument that names the object (`kmem_cache_free(cache, obj)` frees its second argument;
// `call_rcu(&obj->rcu, cb)` and `refcount_dec_and_test(&obj->ref)` name it through a member).
//
// Where it comes from (6.12): include/linux/slab.h (kfree(), kmem_cache_free()),
// include/linux/rcupdate.h (call_rcu(), kfree_rcu()), include/linux/bpf_mem_alloc.h (the
// bpf_mem_*free*() calls), include/linux/refcount.h and kref.h (refcount_dec_and_test(),
// refcount_dec(), kref_put()), include/linux/sched/task.h (put_task_struct*()), fs/file_table.c
// (fput()), net/core/skbuff.c (kfree_skb(), consume_skb()), and the kernel's naming of
// reference drops: `<object>_put()` / `put_<object>()` (documented for kref users in
// Documentation/core-api/kref.rst; cgroup_put(), css_put(), key_put(), nf_ct_put(),
// xfrm_state_put(), put_device(), sock_put(), ...).
import type { CalleeFact } from './callee-facts.js';

export interface PutFact extends CalleeFact {
  /** 0-based position of the argument naming the object. */
  objArg: number;
  /** 'free' gives the memory back; 'put' drops one reference (the object may live on). */
  kind: 'free' | 'put';
}

export const REFERENCE_PUTS: readonly PutFact[] = [
  {
    names: ['kfree', 'kvfree', 'kfree_sensitive', 'vfree', 'kfree_rcu', 'kvfree_rcu', 'kfree_rcu_mightsleep', 'kvfree_rcu_mightsleep'],
    objArg: 0,
    kind: 'free',
    why: 'include/linux/slab.h, mm/vmalloc.c and include/linux/rcupdate.h: free the object (at once or after a grace period)',
  },
  {
    names: ['kmem_cache_free', 'bpf_mem_free', 'bpf_mem_free_rcu', 'bpf_mem_cache_free', 'bpf_mem_cache_free_rcu', 'bpf_map_area_free'],
    objArg: 1,
    kind: 'free',
    why: 'include/linux/slab.h and include/linux/bpf_mem_alloc.h: the object is the second argument, the cache or allocator the first',
  },
  {
    names: ['call_rcu', 'call_rcu_hurry', 'call_rcu_tasks', 'call_rcu_tasks_trace', 'call_srcu'],
    objArg: 0,
    kind: 'free',
    why: 'include/linux/rcupdate.h: queues the callback that frees the object embedding the rcu_head after a grace period (call_srcu() takes the srcu_struct first, but its object is named through the same member)',
  },
  {
    names: [
      'refcount_dec_and_test',
      'refcount_dec',
      'refcount_dec_and_lock',
      'refcount_dec_and_mutex_lock',
      'refcount_dec_and_lock_irqsave',
      'kref_put',
      'kref_put_lock',
      'kref_put_mutex',
      'percpu_ref_put',
      'atomic_dec_and_test',
      'atomic_long_dec_and_test',
    ],
    objArg: 0,
    kind: 'put',
    why: 'include/linux/refcount.h, kref.h and percpu-refcount.h: drop one reference on the counter embedded in the object (the last one frees it)',
  },
  {
    names: [
      'nf_conntrack_free',
      'kfree_skb',
      'consume_skb',
      'dev_kfree_skb',
      'dev_kfree_skb_any',
      'sk_free',
      'free_page',
      '__free_page',
      'folio_put',
      'put_page',
    ],
    objArg: 0,
    kind: 'free',
    why: 'net/netfilter/nf_conntrack_core.c, net/core/skbuff.c, net/core/sock.c and include/linux/mm.h: free the object or drop the last reference on it',
  },
  {
    names: [
      '__qdisc_drop',
      '__qdisc_drop_all',
      'qdisc_drop',
      'qdisc_drop_all',
      'kfree_skb_reason',
      'kfree_skb_list',
      '__kfree_skb',
      'napi_consume_skb',
    ],
    objArg: 0,
    kind: 'free',
    why: 'include/net/sch_generic.h (__qdisc_drop() chains the skb onto the to_free list that the qdisc core frees) and net/core/skbuff.c (the kfree_skb() variants): the caller gives the skb up',
  },
  {
    names: ['fput', 'dput', 'iput', 'mntput', 'mmput', 'mmdrop', 'put_net'],
    objArg: 0,
    kind: 'put',
    why: 'fs/file_table.c, fs/dcache.c, fs/inode.c, fs/namespace.c, kernel/fork.c and include/net/net_namespace.h: drop the reference a get took',
  },
  {
    names: [],
    // `put_<object>` and `<object>_put` (also `<object>_put_<how>`), minus the puts that write
    // data rather than drop a reference: put_user()/put_unaligned() store a value, skb_put*()
    // and nla_put*() append to a buffer, seq_put*() print, put_cpu*() re-enable preemption.
    pattern:
      /^(?!(__)?put_(user|unaligned|cpu|online)|_*skb_put|nla_put|seq_put|\w+_put_(u8|u16|u32|u64|s8|s16|s32|s64|data|zero|char|str|string|be\d+|le\d+|padto)$)(put_\w+|\w+_put(_\w+)?)$/,
    objArg: 0,
    kind: 'put',
    why: 'the kernel names a reference drop `<object>_put()` or `put_<object>()` (Documentation/core-api/kref.rst; cgroup_put(), css_put(), key_put(), nf_ct_put(), xfrm_state_put(), put_device(), put_task_struct(), sock_put() in 6.12)',
  },
];
