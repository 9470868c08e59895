// How kernel code takes a reference on an object: conditionally (the grab fails once the
// count reached zero, so the caller must handle failure) or unconditionally (only correct when
// something else already pins the object).
//
// Where it comes from: include/linux/refcount.h (refcount_inc_not_zero(), refcount_inc()),
// include/linux/kref.h (kref_get_unless_zero(), kref_get()), include/linux/percpu-refcount.h
// and the css_tryget*() / get_task_struct() families (6.12).

/** Reference grabs that fail when the object's count already dropped to zero. */
export const CONDITIONAL_GET = /tryget|inc_not_zero|get_unless_zero|_get_not_zero$/;

/** Unconditional reference grabs. */
export const PLAIN_GET = /(^|_)get$|^refcount_inc$|^kref_get$|^get_task_struct$/;
