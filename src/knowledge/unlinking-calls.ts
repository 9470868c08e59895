// Kernel calls that take an object out of the container that owned it: after the call the
// caller owns the object (must free it or put it back), so a kfunc that returns the unlinked
// object transfers ownership to the BPF program and must be KF_ACQUIRE. The calls that put an
// object in are in linking-calls.ts.
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
