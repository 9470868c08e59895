// The RCU read side: which calls read RCU-protected pointers, and which calls make such a read
// legal inside the function itself (an RCU read-side section, or a lock that
// rcu_dereference_check() accepts as protection).
//
// Where it comes from: include/linux/rcupdate.h (rcu_dereference*(), rcu_read_lock*()),
// include/linux/rculist.h and rculist_nulls.h (the *_rcu list walkers, as opposed to the
// writer-side list helpers), include/linux/srcu.h, and the lock guards of
// include/linux/cleanup.h users (guard(rcu), guard(spinlock)...) in the 6.12 tree.

/** Readers that need an RCU read-side section (not the writer-side list helpers). */
export const RCU_READER =
  /^(rcu_dereference|rcu_dereference_check|rcu_access_pointer_deref|h?list(_nulls)?_(for_each\w*|first_or_null|next_or_null|entry|first|next)_rcu)$/;

/** Calls that open a read-side section, or take a lock that makes rcu_dereference_check() legal. */
export const RCU_SECTION_OPENER =
  /^(rcu_read_lock\w*|srcu_read_lock\w*|preempt_disable\w*|local_irq_save|local_irq_disable|spin_lock\w*|raw_spin_lock\w*|mutex_lock\w*|read_lock\w*|write_lock\w*|down_read\w*|down_write\w*)$/;

/** Lock classes of guard()/scoped_guard() that do the same. */
export const RCU_SECTION_GUARD_CLASS = /^(rcu|srcu|spinlock\w*|raw_spinlock\w*|mutex|rwsem\w*|preempt|irqsave)$/;
