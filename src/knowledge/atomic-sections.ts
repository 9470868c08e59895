// Calls that open and close an atomic section, in which nothing may sleep: spinlocks and
// rwlocks, the RCU read side, preemption (and bottom halves) off, interrupts off, with their
// cleanup.h guard() classes. facts/sleep-scan.ts finds the sections a function body opens.
//
// Where it comes from: include/linux/spinlock.h and rwlock.h, rcupdate.h, preempt.h,
// bottom_half.h, irqflags.h, and the DEFINE_LOCK_GUARD/DEFINE_GUARD classes of those headers
// (6.12). docs/sleepers.md lists the same names; test/sleepers.test.ts keeps the two in step.

export type AtomicKind = 'spinlock' | 'rcu_read_lock' | 'preempt_disable' | 'local_irq_save';

export interface AtomicSectionEntry {
  kind: AtomicKind;
  acquire: readonly string[];
  acquirePrefixes?: readonly string[];
  release: readonly string[];
  releasePrefixes?: readonly string[];
  /** Lock classes of guard()/scoped_guard() that open this section. */
  guardClasses: readonly string[];
  guardPrefixes?: readonly string[];
  why: string;
}

export const ATOMIC_SECTIONS: readonly AtomicSectionEntry[] = [
  {
    kind: 'spinlock',
    acquire: [
      'read_lock',
      'write_lock',
      'read_lock_bh',
      'write_lock_bh',
      'read_lock_irq',
      'write_lock_irq',
      'read_lock_irqsave',
      'write_lock_irqsave',
    ],
    acquirePrefixes: ['spin_lock', 'raw_spin_lock', 'spin_trylock', 'raw_spin_trylock'],
    release: [
      'read_unlock',
      'write_unlock',
      'read_unlock_bh',
      'write_unlock_bh',
      'read_unlock_irq',
      'write_unlock_irq',
      'read_unlock_irqrestore',
      'write_unlock_irqrestore',
    ],
    releasePrefixes: ['spin_unlock', 'raw_spin_unlock'],
    guardClasses: [
      'read_lock',
      'write_lock',
      'read_lock_irq',
      'write_lock_irq',
      'read_lock_irqsave',
      'write_lock_irqsave',
      'read_lock_bh',
      'write_lock_bh',
    ],
    guardPrefixes: ['spinlock', 'raw_spinlock'],
    why: 'a spinlock holder runs with preemption disabled (and interrupts off for the _irq variants): sleeping there can deadlock against the next spinner',
  },
  {
    kind: 'rcu_read_lock',
    acquire: ['rcu_read_lock', 'rcu_read_lock_bh', 'rcu_read_lock_sched'],
    release: ['rcu_read_unlock', 'rcu_read_unlock_bh', 'rcu_read_unlock_sched'],
    guardClasses: ['rcu'],
    why: 'sleeping inside an RCU read-side section is illegal with non-preemptible RCU and stalls grace periods (rcu_read_lock_trace() and SRCU are the sleepable readers)',
  },
  {
    kind: 'preempt_disable',
    acquire: ['preempt_disable', 'preempt_disable_notrace', 'get_cpu', 'get_cpu_ptr', 'get_cpu_var', 'local_bh_disable'],
    release: ['preempt_enable', 'preempt_enable_notrace', 'put_cpu', 'put_cpu_ptr', 'put_cpu_var', 'local_bh_enable'],
    guardClasses: ['preempt', 'preempt_notrace'],
    why: 'with preemption (or bottom halves) disabled the task must not schedule: "scheduling while atomic"',
  },
  {
    kind: 'local_irq_save',
    acquire: ['local_irq_save', 'local_irq_disable'],
    release: ['local_irq_restore', 'local_irq_enable'],
    guardClasses: ['irq', 'irqsave'],
    why: 'with local interrupts disabled the CPU must not schedule',
  },
];

/** The section a call opens, if any. */
export function atomicAcquire(name: string): AtomicSectionEntry | undefined {
  if (/_init$/.test(name)) return undefined; // spin_lock_init() only initialises
  return ATOMIC_SECTIONS.find((s) => s.acquire.includes(name) || !!s.acquirePrefixes?.some((p) => name.startsWith(p)));
}

/** The section a call closes, if any. */
export function atomicRelease(name: string): AtomicSectionEntry | undefined {
  return ATOMIC_SECTIONS.find((s) => s.release.includes(name) || !!s.releasePrefixes?.some((p) => name.startsWith(p)));
}

/** The section a guard()/scoped_guard() lock class opens, if any. */
export function atomicGuard(cls: string): AtomicSectionEntry | undefined {
  return ATOMIC_SECTIONS.find((s) => s.guardClasses.includes(cls) || !!s.guardPrefixes?.some((p) => cls.startsWith(p)));
}
