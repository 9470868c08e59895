// The kernel's convention for a flags argument of an API: bits that have no meaning yet must be
// rejected, so that a later kernel can give them one without changing what existing callers
// get. A kernel that silently ignores unknown bits can never tell an old program that set a bit
// by mistake from a new one that means it.
//
// Where it comes from (6.12 tree):
//   - kernel/bpf/helpers.c bpf_wq_init()/bpf_wq_start(): `if (flags) return -EINVAL;` for a
//     flags word with no bits defined yet; bpf_copy_from_user_str(): `flags & ~BPF_F_PAD_ZEROS`
//     rejected with -EINVAL;
//   - kernel/trace/bpf_trace.c bpf_lookup_user_key(): `flags & ~KEY_LOOKUP_ALL` -> -EINVAL;
//   - kernel/bpf/cgroup_iter.c bpf_iter_css_new() and kernel/bpf/task_iter.c
//     bpf_iter_task_new(): `switch (flags)` with `default: return -EINVAL;`;
//   - net/core/filter.c bpf_dynptr_from_skb()/bpf_dynptr_from_xdp(): `if (flags)` fails;
//   - kernel/bpf/syscall.c: every bpf(2) command checks `attr->..._flags & ~VALID` the same way,
//     and include/uapi/linux/bpf.h documents reserved flags as "must be zero".

/** A parameter named as a flags word: `flags`, `<what>_flags`, with an optional kfunc suffix. */
export const FLAGS_PARAM = /^(\w+_)?flags(__\w+)?$/;

/** Calls that only wrap a condition (branch hints, warnings): the test inside still decides. */
export const CONDITION_WRAPPER = /^(likely|unlikely|WARN|WARN_ON|WARN_ON_ONCE|WARN_ONCE)$/;

/** A negative errno constant, what a rejected flags word returns or stores for return. */
export const ERRNO_VALUE = /^\(?\s*-\s*E[A-Z0-9]+\s*\)?$/;

/** What a flags word needs, for messages: the shapes that reject unknown bits. */
export const FLAGS_REJECT_SHAPES = '`if (flags & ~KNOWN_FLAGS) return -EINVAL;` (or `if (flags) return -EINVAL;` while no bit is defined)';

/**
 * A named mask of bits a caller must not set (`__SCX_ENQ_INTERNAL_MASK`): a failing test
 * against it is the API rejecting what it reserves, e.g. scx_dispatch_preamble() in
 * kernel/sched/ext.c (6.12).
 */
export const RESERVED_MASK = /(INTERNAL|INVALID|RESERVED|UNSUPPORTED|PRIVATE|KERNEL_ONLY|KERN_ONLY)/;

/**
 * Kernel-doc words saying a flags argument is the word a callback received, handed back by the
 * program (kernel/sched/ext.c scx_bpf_select_cpu_dfl(): "@wake_flags match ops.select_cpu()"):
 * the kernel chose its bits, so it is not the kfunc's own API word.
 */
export const PASSED_THROUGH_DOC = /\b(match(es)?|same as|as passed|passed to|received by|given to|from the callback)\b/i;
