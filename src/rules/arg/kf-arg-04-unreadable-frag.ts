// KF-ARG-04: a kfunc reads packet fragment memory by address without making sure the CPU can
// read it.
import { defineRule } from '../contract.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { fragReads, type FragSite } from '../../facts/arg-contracts/frag-reads.js';

const at = (s: FragSite): string => `${s.text} at ${s.file}:${s.line}${s.chain.length > 1 ? ` (via ${s.chain.join(' → ')})` : ''}`;

export default defineRule({
  meta: {
    id: 'KF-ARG-04',
    severity: 'warning',
    description: 'Report kfuncs that read packet fragment memory by address without a readability check',
    rationale:
      'Since device memory TCP, a packet fragment may hold net_iov memory (dma-buf, io_uring) that the CPU cannot read: skb_frag_page() and skb_frag_address() return NULL for it (include/linux/skbuff.h). A kfunc that copies from or dereferences a fragment address without testing skb_frags_readable()/skb_frag_is_net_iov() (or the xdp_buff unreadable flag), or the address for NULL, lets a BPF program make the kernel read through NULL.',
    kernels: '>=6.12',
    messages: {
      unreadable:
        '{name}() reads fragment memory through {address} ({access}) without checking that the fragment is readable: a net_iov fragment has no CPU address; test skb_frags_readable()/skb_frag_is_net_iov() (or the address for NULL) first',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      const r = fragReads(model, k);
      if (r.readable || r.reads.length === 0) continue;
      const first = r.reads[0]!;
      const here = first.access.chain.length === 1;
      report({
        messageId: 'unreadable',
        data: { name: k.name, address: first.address.text, access: first.access.text },
        kfunc: k.name,
        file: here ? first.access.file : k.file,
        line: here ? first.access.line : k.line,
        evidence: [
          `address: ${at(first.address)}`,
          `access: ${at(first.access)}`,
          'no skb_frags_readable()/skb_frag_is_net_iov()/netmem_is_net_iov() test and no NULL test of the address on the way',
          'include/linux/skbuff.h: skb_frag_page() returns NULL for a net_iov fragment, and skb_frag_address() then returns NULL',
        ],
      });
    }
  },
});
