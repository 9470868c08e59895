// The macros that open and close a block of kfunc definitions. Inside the block the kernel
// silences -Wmissing-prototypes / -Wmissing-declarations, which wrapper kfuncs (global
// functions without a header prototype) would otherwise trigger.
//
// Where it comes from: include/linux/btf.h (__bpf_kfunc_start_defs()/__bpf_kfunc_end_defs(),
// and __bpf_hook_start()/__bpf_hook_end() for hooks) in 6.12, and the older form those macros
// replaced in 6.7: __diag_push(); __diag_ignore_all("-Wmissing-prototypes", ...); ... __diag_pop().
// The model (preproc.ts) marks each definition as inside or outside such a block, which is why
// this kernel fact sits in the model layer; the missing-prototype rule reads it from here.

/** Macros that open a definitions block. */
export const DEFS_BLOCK_OPENERS: readonly string[] = ['__bpf_kfunc_start_defs', '__bpf_hook_start'];

/** Macros that close it. */
export const DEFS_BLOCK_CLOSERS: readonly string[] = ['__bpf_kfunc_end_defs', '__bpf_hook_end'];

/** The legacy block: opened by __diag_ignore_all() of this warning, closed by __diag_pop(). */
export const LEGACY_DEFS_WARNING = '-Wmissing-prototypes';
export const LEGACY_DEFS_OPENER = '__diag_ignore_all';
export const LEGACY_DEFS_CLOSER = '__diag_pop';
