// The members of `struct btf_kfunc_id_set` (include/linux/btf.h), the initialiser a kfunc set
// is registered with, per kernel version. A member the target tree's struct does not have is a
// build error. Known up to 6.12 (read in its include/linux/btf.h); the struct did not exist
// before 5.18 (kfuncs were then allowed per program type through struct_ops callbacks).
//
// Evidence, in our words:
// - 5.18 ("bpf: Populate kfunc BTF ID sets in struct btf"): owner plus a union of check_set,
//   acquire_set, release_set, ret_null_set (struct btf_id_set *) and the array sets[].
// - 5.19 ("bpf: Allow storing referenced kptr in map"): kptr_acquire_set joins the union.
// - 6.0 ("bpf: Switch to new kfunc flags infrastructure"): the union is replaced by one
//   `struct btf_id_set8 *set` whose entries carry KF_* flags (BTF_SET8_START/BTF_ID_FLAGS).
// - 6.5 ("bpf: Add kfunc filter function to 'struct btf_kfunc_id_set'"): `filter`.
// - 6.12 include/linux/btf.h: owner, set, filter.
// A `sleepable_set` member was proposed with the HID-BPF series in 2022 but never merged:
// sleepable kfuncs are marked with KF_SLEEPABLE in the set8 since 6.0.

export interface IdSetMember {
  name: string;
  /** First and last kernel version (X.Y) whose struct has the member; `until` absent = still there. */
  since: string;
  until?: string;
  /** What replaced it, for the message. */
  instead?: string;
}

export const ID_SET_MEMBERS: readonly IdSetMember[] = [
  { name: 'owner', since: '5.18' },
  { name: 'check_set', since: '5.18', until: '5.19', instead: '.set = &<BTF_KFUNCS set> with BTF_ID_FLAGS entries' },
  { name: 'acquire_set', since: '5.18', until: '5.19', instead: 'KF_ACQUIRE on the BTF_ID_FLAGS entry' },
  { name: 'release_set', since: '5.18', until: '5.19', instead: 'KF_RELEASE on the BTF_ID_FLAGS entry' },
  { name: 'ret_null_set', since: '5.18', until: '5.19', instead: 'KF_RET_NULL on the BTF_ID_FLAGS entry' },
  { name: 'kptr_acquire_set', since: '5.19', until: '5.19', instead: 'KF_ACQUIRE on the BTF_ID_FLAGS entry' },
  { name: 'sets', since: '5.18', until: '5.19', instead: '.set' },
  { name: 'set', since: '6.0' },
  { name: 'filter', since: '6.5', instead: 'no .filter (narrow the set by the program types it is registered for)' },
];

/** The newest version whose struct this table was checked against. */
export const ID_SET_MEMBERS_KNOWN_UNTIL = '6.12';

/** How a member that no kernel had is usually meant, for the message. */
export const NEVER_MERGED_HINT: Readonly<Record<string, string>> = {
  sleepable_set: 'KF_SLEEPABLE on the BTF_ID_FLAGS entry of a flagged set (6.0+): no earlier kernel could mark a kfunc sleepable',
};
