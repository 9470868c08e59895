// Packet fragment memory the CPU may not be able to read. Since device memory TCP (6.12), an
// skb or xdp fragment can hold a net_iov (dma-buf or io_uring memory) instead of a page: the
// host cannot read it, and the address accessors return NULL for it.
//
// Where it comes from:
//   - include/linux/skbuff.h (6.12): skb_frag_page() returns NULL when skb_frag_is_net_iov();
//     skb_frag_address() and skb_frag_address_safe() return NULL when there is no page;
//     skb_frags_readable() tests skb->unreadable, which __skb_fill_netmem_desc() sets for a
//     net_iov frag; skb_frag_is_net_iov()/skb_frag_net_iov() test one frag;
//   - include/net/netmem.h (6.12): netmem_is_net_iov(), and netmem_to_page() is only valid for
//     a page; newer trees add netmem_address(), NULL for a net_iov, and __netmem_address(),
//     documented as undefined behaviour for one;
//   - include/net/xdp.h (newer kernels): XDP_FLAGS_FRAGS_UNREADABLE marks an xdp_buff whose
//     frags hold unreadable memory (xdp_buff_set_frag_unreadable()), and
//     xdp_update_skb_frags_info() carries it into skb->unreadable.

/** Calls that give the CPU address (or page) of a fragment's memory. */
export const FRAG_ADDRESS =
  /^(skb_frag_address|skb_frag_address_safe|skb_frag_page|netmem_address|__netmem_address|netmem_to_page|__netmem_to_page)$/;

/** Calls that turn a page into an address: the fragment's memory still. */
export const PAGE_TO_ADDRESS = /^(page_address|lowmem_page_address|kmap|kmap_local_page|kmap_atomic|kmap_local_page_try_from_panic)$/;

/** Calls that test whether fragment memory is readable by the CPU. */
export const FRAG_READABLE_CHECK =
  /^(skb_frags_readable|skb_frag_is_net_iov|skb_frag_net_iov|netmem_is_net_iov|net_is_devmem_iov|xdp_buff_has_frags_unreadable|xdp_frame_has_frags_unreadable)$/;

/** Other spellings of a readability test: the skb bit and the xdp_buff flag. */
export const FRAG_READABLE_TEXT = /->\s*unreadable\b|\bXDP_FLAGS_FRAGS_UNREADABLE\b/;

/** Calls that read (or write) the memory at an address they are given. */
export const MEMORY_ACCESS_CALL =
  /^(memcpy|memmove|memcmp|memset|memcpy_\w+|__memcpy|copy_to_user\w*|copy_to_iter|csum_partial\w*|skb_put_data|strscpy|strncpy|crc32\w*|bpf_probe_read_kernel\w*)$/;
