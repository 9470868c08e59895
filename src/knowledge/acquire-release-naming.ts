// How the kernel names the two halves of a reference pair: an acquire kfunc and the release
// kfunc of the same type share a stem and differ in a verb (bpf_task_acquire/bpf_task_release,
// bpf_cpumask_create/bpf_cpumask_release, scx_bpf_get_idle_cpumask/scx_bpf_put_idle_cpumask,
// bpf_obj_new_impl/bpf_obj_drop_impl, hid_bpf_allocate_context/hid_bpf_release_context), and
// a kptr destructor stub is the release kfunc's name plus `_dtor` (bpf_task_release_dtor).
//
// Where it comes from: the KF_ACQUIRE/KF_RELEASE pairs and the register_btf_id_dtor_kfuncs()
// lists of the 6.12 tree (kernel/bpf/helpers.c, cpumask.c, crypto.c, kernel/sched/ext.c,
// kernel/trace/bpf_trace.c, net/netfilter/nf_conntrack_bpf.c, drivers/hid/bpf/), and
// Documentation/bpf/kfuncs.rst (section 2.4.1, KF_ACQUIRE and KF_RELEASE).

/** Name words that say a function hands out a reference or a new object. */
export const ACQUIRE_WORDS: ReadonlySet<string> = new Set([
  'acquire',
  'get',
  'tryget',
  'alloc',
  'allocate',
  'create',
  'new',
  'lookup',
  'find',
  'open',
  'grab',
  'hold',
  'ref',
  'dup',
  'clone',
  'pop',
  'obtain',
  'take',
]);

/** Name words that say a function gives a reference or an object back. */
export const RELEASE_WORDS: ReadonlySet<string> = new Set([
  'release',
  'put',
  'free',
  'drop',
  'destroy',
  'delete',
  'unref',
  'close',
  'unhold',
  'dispose',
]);

/** Words every kfunc name carries that say nothing about the pair. */
const NOISE_WORDS: ReadonlySet<string> = new Set(['bpf', 'kfunc', 'impl', 'call', 'xdp', 'skb']);

/** The words of a name that are neither verbs nor noise: what the pair must share. */
export function nameStem(name: string): string[] {
  return name.split('_').filter((w) => w && !ACQUIRE_WORDS.has(w) && !RELEASE_WORDS.has(w) && !NOISE_WORDS.has(w));
}

export function hasAcquireWord(name: string): boolean {
  return name.split('_').some((w) => ACQUIRE_WORDS.has(w));
}

export function hasReleaseWord(name: string): boolean {
  return name.split('_').some((w) => RELEASE_WORDS.has(w));
}

/**
 * True when `acquire` and `release` read as the two halves of one pair: each carries its verb,
 * and the release's stem is non-empty and part of the acquire's (scx_bpf_put_cpumask pairs
 * with scx_bpf_get_possible_cpumask), or the two stems share at least two words
 * (scx_bpf_get_idle_smtmask and scx_bpf_put_idle_cpumask).
 */
export function namedAsPair(acquire: string, release: string): boolean {
  if (!hasAcquireWord(acquire) || !hasReleaseWord(release)) return false;
  const stem = nameStem(release);
  const words = new Set(nameStem(acquire));
  const shared = stem.filter((w) => words.has(w)).length;
  return stem.length > 0 && (shared === stem.length || shared >= 2);
}

/** The destructor stub a release kfunc would have under the kptr dtor convention. */
export function destructorStubOf(release: string): string {
  return `${release}_dtor`;
}
