// Kernel calls by which a function states an assumption about its calling context: a lock is
// held, it runs in process (or interrupt) context, or it is called from one particular
// struct_ops callback. Such a function breaks when any program type may call it.
//
// Where it comes from: include/linux/lockdep.h (lockdep_assert*(), lockdep_is_held()),
// include/linux/preempt.h and irqflags.h (in_task(), in_interrupt(), irqs_disabled(),
// preemptible()...), include/asm-generic/bug.h and rcupdate.h (WARN*(), BUG_ON(),
// RCU_LOCKDEP_WARN()), and sched_ext's scx_kf_allowed*() in kernel/sched/ext.c (6.12).

/** Lock assertions. */
export const LOCK_ASSERT = /^(lockdep_assert\w*|lockdep_is_held\w*)$/;

/** Socket-lock assertions (include/net/sock.h: sock_owned_by_me() warns unless the socket lock is held). */
export const SOCK_LOCK_ASSERT = /^(sock_owned_by_me)$/;

/**
 * Kernel-doc sentences that state a calling-context precondition ("Must be called with the
 * lock held", "may only be called from BPF LSM programs", "The caller must hold ...").
 */
export const DOC_PRECONDITION = new RegExp(
  [
    // a calling context: "may only be called from BPF LSM programs", "must be called in process context"
    String.raw`\b(must|may only|can only|should only) be (called|used) (only )?(from|under|in|inside|while|holding)\b`,
    // a lock or state: "must be called with the foo lock held", "... with IRQs disabled"
    String.raw`\b(must|may only|can only|should only) be (called|used) with\b[^.]{0,60}\b(held|locked|lock|disabled|enabled)\b`,
    String.raw`\bcaller must (hold|be holding|have (locked|disabled))\b`,
    String.raw`\bcalled with [^.]{0,40}\bheld\b`,
  ].join('|'),
  'i',
);

/** Checks that the caller is a particular struct_ops callback (sched_ext style). */
export const OPS_CALLER_CHECK = /^\w+_kf_allowed\w*$/;

/** Context probes: they test the context; asserting one (inside a WARN) is an assumption. */
export const CONTEXT_PROBE =
  /^(in_task|in_interrupt|in_irq|in_hardirq|in_softirq|in_serving_softirq|in_nmi|in_atomic|irqs_disabled|preemptible)$/;

/** Macros that warn or crash when their condition holds. */
export const WARN_MACRO = /^(WARN|WARN_ON|WARN_ONCE|WARN_ON_ONCE|BUG_ON|VM_WARN_ON\w*|RCU_LOCKDEP_WARN)$/;
