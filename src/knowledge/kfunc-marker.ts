// When the `__bpf_kfunc` definition marker appeared: include/linux/btf.h defines it from v6.3
// (the "bpf: Add __bpf_kfunc tag for marking kernel functions as kfuncs" series, in bpf-next at
// the start of February 2023). Before it, kfuncs were plain global `noinline` functions inside a
// `__diag_push()` block that silences -Wmissing-prototypes.
export const BPF_KFUNC_MARKER: { since: [number, number]; merged: string } = { since: [6, 3], merged: '2023-02-01' };
