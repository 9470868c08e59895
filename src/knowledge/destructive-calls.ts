// Kernel calls that take the whole machine down: panic, BUG, crash dump, halt, power-off and
// reboot. A kfunc reaching one must be KF_DESTRUCTIVE (the verifier then demands CAP_SYS_BOOT),
// and so must a kernel function of this list registered directly as a kfunc.
//
// Where it comes from: kernel/panic.c (panic(), vpanic(), nmi_panic()),
// include/asm-generic/bug.h (BUG()), kernel/kexec_core.c (crash_kexec(), __crash_kexec(),
// kernel_kexec()), kernel/reboot.c (emergency_restart(), kernel_restart(), kernel_halt(),
// kernel_power_off(), orderly_poweroff(), orderly_reboot(), ctrl_alt_del(),
// hw_protection_shutdown() and its __hw_protection_shutdown()/hw_protection_reboot() forms in
// include/linux/reboot.h) and the arch machine_*() hooks (6.12); crash_kexec is the precedent
// the kernel itself registers as a KF_DESTRUCTIVE kfunc (kernel/bpf/helpers.c).

export const DESTRUCTIVE_CALLS: ReadonlySet<string> = new Set([
  'panic',
  'vpanic',
  'nmi_panic',
  'BUG',
  'emergency_restart',
  'kernel_restart',
  'machine_restart',
  'crash_kexec',
  '__crash_kexec',
  'kernel_kexec',
  'kernel_halt',
  'kernel_power_off',
  'machine_halt',
  'machine_power_off',
  'orderly_poweroff',
  'orderly_reboot',
  'ctrl_alt_del',
  'hw_protection_shutdown',
  'hw_protection_reboot',
  '__hw_protection_shutdown',
]);
