// Kernel functions whose pointer result is NULL when nothing is found, the container is
// empty or the object is already going away. A kfunc that returns such a result unchecked can
// return NULL, so it needs KF_RET_NULL.
//
// Two kinds of evidence:
// - the naming conventions (NULL_ON_MISS_CALLEE), checked against the 6.12 tree: xa_load()
//   and xa_find*() in lib/xarray.c, radix_tree_lookup(), rhashtable_lookup*(), bsearch() in
//   lib/bsearch.c, the *_tryget*() helpers, and the many *_lookup()/find_*() helpers that
//   return NULL on a miss;
// - the documented functions below, one entry per family with the place that says so.
// The reference getters (reference-getters.ts, `fails: 'null'`) and the allocators
// (object-allocators.ts) can return NULL too; the facts consult all three tables.
import type { CalleeFact } from './callee-facts.js';

/** Callee names whose pointer result may be NULL. */
export const NULL_ON_MISS_CALLEE =
  /(^|_)lookup(_|$)|^find_|_find(_|$)|tryget|^xa_load$|^xa_find|_or_null$|^radix_tree_lookup|^rhashtable_lookup|^bsearch$/;

/** Kernel functions documented (or plainly written) to return NULL. */
export const NULL_RETURNING_CALLEES: readonly CalleeFact[] = [
  {
    names: ['rb_first', 'rb_last', 'rb_next', 'rb_prev', 'rb_first_cached', 'rb_first_postorder', 'rb_next_postorder'],
    why: 'lib/rbtree.c and include/linux/rbtree.h: rb_first() returns NULL for an empty tree, rb_next()/rb_prev() past the last node, and rb_first_cached() reads the cached leftmost node, NULL when the tree is empty',
  },
  {
    names: ['pid_task', 'find_task_by_pid_ns', 'find_task_by_vpid', 'find_vpid', 'find_pid_ns'],
    why: 'kernel/pid.c: pid_task() starts from NULL and only sets a task when the pid has one; find_task_by_pid_ns() and find_task_by_vpid() return its result, find_pid_ns() returns NULL for an unknown number',
  },
  {
    names: ['skb_header_pointer', '__skb_header_pointer', 'skb_pointer_if_linear'],
    why: 'include/linux/skbuff.h: return NULL when the requested range is not inside the packet (or, for skb_pointer_if_linear(), not in its linear part)',
  },
  {
    names: ['sk_to_full_sk', 'sk_fullsock_or_null'],
    why: 'include/net/inet_sock.h: for a request socket sk_to_full_sk() returns its listener, which may be NULL',
  },
  {
    names: ['idr_find', 'idr_get_next', 'xa_load', 'xa_find', 'xa_find_after', 'radix_tree_lookup'],
    why: 'lib/idr.c, lib/xarray.c and lib/radix-tree.c: return NULL when no entry is stored at the index',
  },
  {
    names: ['get_task_exe_file', 'get_mm_exe_file', 'get_task_mm'],
    why: 'kernel/fork.c: kernel-doc "Returns %NULL if" the task has no mm or the mm no executable file',
  },
];
