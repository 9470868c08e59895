// Kernel calls that take the whole machine down: panic, BUG, crash dump, halt, power-off and
// reboot. A kfunc reaching one must be KF_DESTRUCTIVE (the verifier then demands CAP_SYS_BOOT).
//
// Where it comes from: kernel/panic.c (panic()), include/asm-generic/bug.h (BUG()),
// kernel/kexec_core.c (crash_kexec(), __crash_kexec()), kernel/reboot.c (emergency_restart(),
// kernel_restart(), kernel_halt(), kernel_power_off()) and the arch machine_*() hooks (6.12);
// crash_kexec is the precedent the kernel itself registers as a KF_DESTRUCTIVE kfunc.

export const DESTRUCTIVE_CALLS: ReadonlySet<string> = new Set([
  'panic',
  'BUG',
  'emergency_restart',
  'kernel_restart',
  'machine_restart',
  'crash_kexec',
  '__crash_kexec',
  'kernel_halt',
  'kernel_power_off',
  'machine_halt',
  'machine_power_off',
]);
