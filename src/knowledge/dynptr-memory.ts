// How the memory behind a BPF dynptr may be reached. A `struct bpf_dynptr` argument is a
// `struct bpf_dynptr_kern` (include/linux/bpf.h): `data` points at the bytes only for the
// contiguous kinds; for the skb and xdp kinds it points at the sk_buff / xdp_buff, whose bytes
// may sit in fragments. Where it comes from (6.12): enum bpf_dynptr_type in include/linux/bpf.h,
// and kernel/bpf/helpers.c, where bpf_dynptr_read()/__bpf_dynptr_write() and bpf_dynptr_slice()
// switch on bpf_dynptr_get_type() and use `data + offset` only for LOCAL and RINGBUF, calling
// __bpf_skb_load_bytes()/__bpf_xdp_load_bytes() (and their store variants) otherwise.

/** The dynptr argument types, as written in a kfunc prototype or a cast. */
export const DYNPTR_TYPES = /^(const\s+)?struct\s+bpf_dynptr(_kern)?\s*\*$/;

/** The field that points at the memory (contiguous kinds) or at the skb/xdp object. */
export const DYNPTR_DATA_FIELD = 'data';

/** Dynptr kinds whose `data` is the bytes themselves. */
export const CONTIGUOUS_KINDS: readonly string[] = ['BPF_DYNPTR_TYPE_LOCAL', 'BPF_DYNPTR_TYPE_RINGBUF'];

/** Dynptr kinds whose bytes must be reached through the skb/xdp accessors. */
export const NONCONTIGUOUS_KINDS: readonly string[] = ['BPF_DYNPTR_TYPE_SKB', 'BPF_DYNPTR_TYPE_XDP'];

/**
 * Code that knows the kind it handles: it asks for it (bpf_dynptr_get_type()) or names a kind
 * constant (a `switch`/`if` on the type).
 */
export const KIND_AWARE = /\bbpf_dynptr_get_type\b|\bBPF_DYNPTR_TYPE_\w+\b/;

/** The accessors that handle every kind, for the suggested fix. */
export const DYNPTR_ACCESSORS: readonly string[] = [
  '__bpf_dynptr_read()',
  '__bpf_dynptr_write()',
  'bpf_dynptr_slice()',
  'bpf_dynptr_slice_rdwr()',
];
