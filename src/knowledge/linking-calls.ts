// Kernel calls that link an object into a container (or publish it in a slot other code
// reads), which then owns it: a kfunc that returns such an object hands out a borrowed pointer,
// not a reference. `objArg` is the argument naming the object (`list_add(&obj->node, head)`,
// `xa_store(xa, index, obj, gfp)`, `rcu_assign_pointer(slot, obj)`).
//
// Where it comes from (6.12): include/linux/list.h, rbtree.h and llist.h (list_add*(),
// hlist_add*(), rb_link_node(), llist_add()), include/linux/rcupdate.h and compiler.h
// (rcu_assign_pointer(), WRITE_ONCE(), smp_store_release()), lib/idr.c (idr_alloc() stores its
// pointer argument), lib/xarray.c and lib/radix-tree.c (xa_store(), radix_tree_insert()) and
// include/linux/rhashtable.h.
import type { UnlinkFact } from './unlinking-calls.js';

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
