// The BPF calling convention as it limits kfunc prototypes: arguments travel in R1-R5.
//
// Where it comes from: MAX_BPF_FUNC_REG_ARGS in include/linux/bpf.h and the "Function %s has
// %d > %d args" check of check_kfunc_args() in kernel/bpf/verifier.c (6.12).

/** Most arguments a BPF program can pass to a kfunc (R1-R5). */
export const MAX_BPF_FUNC_REG_ARGS = 5;
