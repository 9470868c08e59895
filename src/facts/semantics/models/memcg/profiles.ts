// Config profiles the memcg verdicts quantify over. Sizes of every enum and table follow
// from these flag sets (docs/memcg-model.md, "Config profiles", lists the expected numbers).
import type { ConfigProfile } from '../../model-types.js';

const DISTRO_X86_64 = [
  'MEMCG',
  'SMP',
  'X86',
  'X86_64',
  'ZONE_DMA',
  'ZONE_DMA32',
  'ZONE_DEVICE',
  'NUMA',
  'NUMA_BALANCING',
  'MIGRATION',
  'COMPACTION',
  'HUGETLB_PAGE',
  'CMA',
  'TRANSPARENT_HUGEPAGE',
  'HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD',
  'MEMORY_BALLOON',
  'BALLOON_COMPACTION',
  'SWAP',
  'KSM',
  'ZSWAP',
  'IOMMU_SUPPORT',
  'MEMCG_V1',
];

const without = (flags: string[], ...drop: string[]): string[] => flags.filter((f) => !drop.includes(f));

export const MEMCG_PROFILES: ConfigProfile[] = [
  {
    name: 'distro-x86_64',
    description: 'distro-like x86_64: zones DMA/DMA32/DEVICE, NUMA balancing, THP, swap, zswap, KSM, memcg v1',
    flags: DISTRO_X86_64,
  },
  { name: 'minimal', description: 'memcg with none of the optional mm symbols', flags: ['MEMCG'] },
  {
    name: 'numa-off',
    description: 'distro-x86_64 without NUMA (and so without NUMA balancing)',
    flags: without(DISTRO_X86_64, 'NUMA', 'NUMA_BALANCING'),
  },
  { name: 'memcg_v1-off', description: 'distro-x86_64 without the cgroup v1 memory controller', flags: without(DISTRO_X86_64, 'MEMCG_V1') },
];
