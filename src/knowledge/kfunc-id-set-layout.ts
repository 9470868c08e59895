// The members of `struct btf_kfunc_id_set` (include/linux/btf.h) on each kernel release: a
// designated initialiser that names a member the target's struct lacks does not compile, and
// the kfuncs it registers never reach the verifier.
//
// Where it comes from:
//   - 5.18 and 5.19 (include/linux/btf.h): owner, and one `struct btf_id_set *` per kind —
//     check_set, acquire_set, release_set, ret_null_set, kptr_acquire_set — in a union with the
//     array `sets`;
//   - 6.0 (commit "bpf: Switch to new kfunc flags infrastructure"): owner and one
//     `struct btf_id_set8 *set` whose entries carry KF_* flags;
//   - 6.5 adds `btf_kfunc_filter_t filter`; 6.12 and the v7.0 window still have exactly owner,
//     set and filter.
// Before 5.18 the struct does not exist (kfuncs were registered with register_kfunc_btf_id_set()).
import type { KernelVersion } from './kf-flags.js';

export interface IdSetLayout {
  from: KernelVersion;
  /** Last release with this layout, or null for "up to the newest we know". */
  to: KernelVersion | null;
  members: readonly string[];
  why: string;
}

const v = (major: number, minor: number): KernelVersion => ({ major, minor });

export const ID_SET_LAYOUTS: readonly IdSetLayout[] = [
  {
    from: v(5, 18),
    to: v(5, 19),
    members: ['owner', 'check_set', 'acquire_set', 'release_set', 'ret_null_set', 'kptr_acquire_set', 'sets'],
    why: 'include/linux/btf.h in 5.18/5.19: owner plus one struct btf_id_set pointer per kfunc kind',
  },
  {
    from: v(6, 0),
    to: v(6, 4),
    members: ['owner', 'set'],
    why: 'include/linux/btf.h from 6.0: owner and one struct btf_id_set8 *set whose entries carry KF_* flags',
  },
  {
    from: v(6, 5),
    to: null,
    members: ['owner', 'set', 'filter'],
    why: 'include/linux/btf.h from 6.5 (6.12 included): owner, set and the filter callback',
  },
];

/** The first release we know the struct in. */
export const ID_SET_FIRST: KernelVersion = v(5, 18);

const cmp = (a: KernelVersion, b: KernelVersion): number => (a.major !== b.major ? a.major - b.major : a.minor - b.minor);

/** The layout of the target release, or null before the struct existed. */
export function idSetLayout(target: KernelVersion): IdSetLayout | null {
  return ID_SET_LAYOUTS.find((l) => cmp(target, l.from) >= 0 && (l.to === null || cmp(target, l.to) <= 0)) ?? null;
}

/** The releases that have member `m`, for evidence ("5.18-5.19"), or null when none ever had it. */
export function releasesWithMember(m: string): string | null {
  const ranges = ID_SET_LAYOUTS.filter((l) => l.members.includes(m)).map(
    (l) => `${l.from.major}.${l.from.minor}${l.to ? `-${l.to.major}.${l.to.minor}` : ' and later'}`,
  );
  return ranges.length ? ranges.join(', ') : null;
}
