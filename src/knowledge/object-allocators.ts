// Kernel allocators: each returns a new object that belongs to its caller (who must free it),
// and NULL (or, where said, an ERR_PTR) when the allocation fails. A kfunc that returns their
// result hands a new object to the BPF program: it must be KF_ACQUIRE (with a release kfunc),
// and, since the allocation can fail, KF_RET_NULL.
//
// Where it comes from: include/linux/slab.h (kmalloc(), kzalloc(), kcalloc(), kmalloc_array(),
// krealloc(), kmemdup(), kmem_cache_alloc() and their _node variants return NULL on failure),
// mm/util.c (kstrdup(), kmemdup(), kvmalloc_node()), mm/vmalloc.c (vmalloc(), vzalloc()),
// kernel/bpf/memalloc.c (bpf_mem_alloc() and bpf_mem_cache_alloc() return NULL when the
// per-cpu cache is empty), net/netfilter/nf_conntrack_core.c (nf_conntrack_alloc() returns an
// ERR_PTR) and net/core/skbuff.c (alloc_skb() and friends return NULL) in the 6.12 tree.
import type { CalleeFact } from './callee-facts.js';

export interface AllocatorFact extends CalleeFact {
  fails: 'null' | 'err';
}

export const OBJECT_ALLOCATORS: readonly AllocatorFact[] = [
  {
    names: [
      'kmalloc',
      'kzalloc',
      'kcalloc',
      'kmalloc_array',
      'kmalloc_node',
      'kzalloc_node',
      'kcalloc_node',
      'kmalloc_array_node',
      'krealloc',
      'krealloc_array',
      'kmemdup',
      'kstrdup',
      'kstrndup',
      'kmemdup_nul',
      'kmem_cache_alloc',
      'kmem_cache_zalloc',
      'kmem_cache_alloc_node',
      'kmem_cache_alloc_lru',
      'kmalloc_nolock',
    ],
    fails: 'null',
    why: 'include/linux/slab.h and mm/util.c: the slab allocators return a new object or NULL when memory is short',
  },
  {
    names: [
      'kvmalloc',
      'kvzalloc',
      'kvmalloc_node',
      'kvzalloc_node',
      'kvcalloc',
      'kvmalloc_array',
      'vmalloc',
      'vzalloc',
      'vmalloc_node',
      'vzalloc_node',
    ],
    fails: 'null',
    why: 'mm/util.c (kvmalloc_node()) and mm/vmalloc.c: return a new area or NULL',
  },
  {
    names: [
      'bpf_mem_alloc',
      'bpf_mem_cache_alloc',
      'bpf_mem_cache_alloc_flags',
      'bpf_map_kmalloc_node',
      'bpf_map_kzalloc',
      'bpf_map_kvcalloc',
    ],
    fails: 'null',
    why: 'kernel/bpf/memalloc.c and kernel/bpf/syscall.c: the BPF allocators return a new object, NULL when the cache or the slab is empty',
  },
  {
    names: ['alloc_skb', '__alloc_skb', 'skb_clone', 'skb_copy', 'pskb_copy', 'build_skb', 'napi_alloc_skb', 'netdev_alloc_skb'],
    fails: 'null',
    why: 'net/core/skbuff.c: return a new sk_buff owned by the caller (freed with kfree_skb()/consume_skb()), NULL on failure',
  },
  {
    names: ['nf_conntrack_alloc'],
    fails: 'err',
    why: 'net/netfilter/nf_conntrack_core.c: allocates a new conntrack entry for the caller (freed with nf_conntrack_free()) and returns an ERR_PTR on failure',
  },
];
