// Kernel calls that take an object out of the container that owned it (and, below, the calls
// that put one in): after an unlink the caller owns the object (must free it or put it back),
// so a kfunc that returns the unlinked object transfers ownership to the BPF program and must
// be KF_ACQUIRE; after a link the container owns it.
//
// Where it comes from (6.12): include/linux/list.h (list_del(), list_del_init(),
// list_del_rcu(), hlist_del*()), include/linux/rbtree.h and lib/rbtree.c (rb_erase(),
// rb_erase_cached()), include/linux/llist.h (llist_del_first() returns the removed node), and
// the remove-and-return calls of lib/xarray.c (xa_erase() "Return: The entry which used to be
// at this index"), lib/idr.c (idr_remove()), lib/radix-tree.c (radix_tree_delete()) and
// net/core/skbuff.c (skb_dequeue()).
import type { CalleeFact } from './callee-facts.js';

export interface UnlinkFact extends CalleeFact {
  /** 'node': the call unlinks its argument `objArg`; 'returns': it returns the removed entry. */
  how: 'node' | 'returns';
  objArg: number;
}

export const UNLINKING_CALLS: readonly UnlinkFact[] = [
  {
    names: [
      'list_del',
      'list_del_init',
      'list_del_rcu',
      '__list_del_entry',
      'list_del_init_careful',
      'hlist_del',
      'hlist_del_init',
      'hlist_del_rcu',
      'hlist_del_init_rcu',
      'hlist_nulls_del',
      'hlist_nulls_del_rcu',
      'rb_erase',
      'rb_erase_cached',
    ],
    how: 'node',
    objArg: 0,
    why: 'include/linux/list.h and include/linux/rbtree.h: remove the node from its list or tree',
  },
  {
    names: [
      'xa_erase',
      '__xa_erase',
      'idr_remove',
      'radix_tree_delete',
      'llist_del_first',
      'skb_dequeue',
      '__skb_dequeue',
      'skb_dequeue_tail',
      '__skb_dequeue_tail',
    ],
    how: 'returns',
    objArg: -1,
    why: 'lib/xarray.c, lib/idr.c, lib/radix-tree.c, include/linux/llist.h and net/core/skbuff.c: remove an entry and return it to the caller',
  },
];

/**
 * The reverse: calls that link an object into a container, which then owns it. `objArg` is
 * the argument naming the object (`list_add(&obj->node, head)`, `xa_store(xa, index, obj, gfp)`,
 * `rcu_assign_pointer(slot, obj)`). Where it comes from: the same headers, plus lib/idr.c
 * (idr_alloc() stores its pointer argument) and include/linux/rhashtable.h.
 */
export const LINKING_CALLS: readonly UnlinkFact[] = [
  {
    names: [
      'list_add',
      'list_add_tail',
      'list_add_rcu',
      'list_add_tail_rcu',
      'hlist_add_head',
      'hlist_add_head_rcu',
      'hlist_add_before',
      'hlist_add_behind',
      'hlist_nulls_add_head_rcu',
      'rb_link_node',
      'rb_link_node_rcu',
      'llist_add',
    ],
    how: 'node',
    objArg: 0,
    why: 'include/linux/list.h, rbtree.h and llist.h: link the node into a list or tree',
  },
  {
    names: [
      'rcu_assign_pointer',
      'WRITE_ONCE',
      'smp_store_release',
      'idr_alloc',
      'idr_alloc_cyclic',
      'idr_alloc_u32',
      'idr_replace',
      'rhashtable_insert_fast',
      'rhashtable_lookup_insert_fast',
      'rhashtable_insert_slow',
    ],
    how: 'node',
    objArg: 1,
    why: 'include/linux/rcupdate.h and compiler.h (publish the pointer into a slot), lib/idr.c and include/linux/rhashtable.h (store the pointer in the table)',
  },
  {
    names: ['xa_store', '__xa_store', 'xa_insert', 'radix_tree_insert'],
    how: 'node',
    objArg: 2,
    why: 'lib/xarray.c and lib/radix-tree.c: store the entry at the index',
  },
];
