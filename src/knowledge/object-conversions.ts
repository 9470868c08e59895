// Calls that hand back the same object they were given, seen through another type or read
// from a pointer slot: container_of() and the kernel's to_<type>() / <a>_to_<b>() wrappers
// around it, and the annotated pointer reads. Following them tells that the pointer a kfunc
// returns (or frees) is the object a reference was taken on.
//
// Where it comes from (6.12): include/linux/container_of.h (container_of(),
// container_of_const()), the to_<type>() convention of the driver core
// (include/linux/device.h to_... helpers, drivers/hid to_hid_device()), the <a>_to_<b>()
// accessors such as nf_ct_tuplehash_to_ctrack() in include/net/netfilter/nf_conntrack.h and
// key_ref_to_ptr() in include/linux/key.h, and include/linux/rcupdate.h / compiler.h for
// rcu_dereference*(), rcu_access_pointer() and READ_ONCE().

/** container_of() and friends: the first argument is the object, the rest name its type. */
export const CONTAINER_OF = /^container_of(_const)?$/;

/** Annotated reads of a pointer slot: the first argument is the slot (the rest are conditions). */
export const POINTER_READ = /^(rcu_dereference(_\w+)?|srcu_dereference(_\w+)?|rcu_access_pointer|READ_ONCE)$/;

/**
 * One-argument conversions that return the object they were given: to_<type>() and
 * <a>_to_<b>() (a call of such a name with more arguments is something else, e.g.
 * copy_to_user()).
 */
export const CONVERSION = /^(to_\w+|\w+_to_\w+)$/;
