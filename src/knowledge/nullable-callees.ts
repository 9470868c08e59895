// Kernel functions whose pointer result is NULL when nothing is found or the object is already
// going away: lookups, finds, trygets and the *_or_null accessors. A kfunc that returns such a
// result unchecked can return NULL.
//
// Where it comes from: the kernel's naming conventions, checked against the 6.12 tree
// (xa_load() and xa_find*() in lib/xarray.c, radix_tree_lookup(), rhashtable_lookup*(),
// bsearch() in lib/bsearch.c, the *_tryget*() helpers, and the many *_lookup()/find_*()
// helpers that return NULL on a miss).

/** Callee names whose pointer result may be NULL. */
export const NULL_ON_MISS_CALLEE =
  /(^|_)lookup(_|$)|^find_|_find(_|$)|tryget|^xa_load$|^xa_find|_or_null$|^radix_tree_lookup|^rhashtable_lookup|^bsearch$/;
