// Kfunc sets of the registration API that came before BTF_ID_FLAGS and the `__bpf_kfunc` marker
// (Linux 5.13 to 5.19), read from the visible lines of one image. Functions they name are kfuncs
// although they carry no marker: the marker did not exist yet (it came with 6.2/6.3), so a patch
// for those kernels, or a backport, registers its kfuncs only through these sets.
//
//   5.17-5.19 (include/linux/btf.h of those versions: struct btf_kfunc_id_set has check_set,
//   acquire_set, release_set, ret_null_set, kptr_acquire_set, each a struct btf_id_set *):
//     BTF_SET_START(foo_check_ids) BTF_ID(func, bpf_foo) BTF_SET_END(foo_check_ids)
//     static const struct btf_kfunc_id_set foo_set = { .owner = THIS_MODULE, .check_set = &foo_check_ids, ... };
//   5.16 (include/linux/btf.h: DEFINE_KFUNC_BTF_ID_SET(set, name) wraps a struct kfunc_btf_id_set):
//     static DEFINE_KFUNC_BTF_ID_SET(&foo_check_ids, foo_kfunc_btf_set);
//   5.13-5.15 (a bpf_verifier_ops .check_kfunc_call callback, e.g. net/ipv4/bpf_tcp_ca.c):
//     static bool foo_check_kfunc_call(u32 kfunc_btf_id) { return btf_id_set_contains(&foo_ids, kfunc_btf_id); }
//
// Only a BTF set that one of these uses names counts: 6.x files keep plenty of BTF_SET lists that
// are not kfunc sets (the verifier's deny lists, LSM hook lists), and those stay plain functions.
import type { VisibleLine } from './preproc.js';

/** What the set members of a legacy btf_kfunc_id_set say about a kfunc, as today's KF_* flags. */
const MEMBER_FLAG: Record<string, string | null> = {
  check_set: null,
  acquire_set: 'KF_ACQUIRE',
  release_set: 'KF_RELEASE',
  ret_null_set: 'KF_RET_NULL',
  kptr_acquire_set: 'KF_KPTR_GET',
};

export interface LegacyKfunc {
  name: string;
  /** The BTF set that makes it callable (the check set). */
  set: string;
  /** Line of its BTF_ID(func, name) entry in that set. */
  line: number;
  /** The flags the other sets of the same id set give it, in today's spelling. */
  flags: string[];
  /** How the set was found to be a kfunc set, for evidence. */
  via: string;
}

/** The functions the legacy kfunc sets of these lines name, by function name. */
export function legacyKfuncs(lines: VisibleLine[]): Map<string, LegacyKfunc> {
  const out = new Map<string, LegacyKfunc>();
  const text = lines.map((l) => l.text).join('\n');
  // Fast path: none of the legacy spellings appears (every 6.x file).
  if (!/\.(check|acquire|release|ret_null|kptr_acquire)_set\b|DEFINE_KFUNC_BTF_ID_SET|check_kfunc_call/.test(text)) return out;

  const members = new Map<string, { name: string; line: number }[]>();
  const aliases = new Map<string, string>();
  let open: string | null = null;
  let prev = -1;
  for (const { line, text: t0 } of lines) {
    if (prev >= 0 && line !== prev + 1) open = null;
    prev = line;
    const t = t0.trim();
    let m: RegExpExecArray | null;
    if ((m = /^BTF_SET_START\s*\(\s*(\w+)\s*\)/.exec(t))) {
      open = m[1]!;
      members.set(open, []);
    } else if (/^BTF_SET_END\s*\(/.test(t)) open = null;
    else if (open && (m = /^BTF_ID\s*\(\s*func\s*,\s*(\w+)\s*\)/.exec(t))) members.get(open)!.push({ name: m[1]!, line });
    else if ((m = /^#\s*define\s+(\w+)\s+(\w+)\s*$/.exec(t))) aliases.set(m[1]!, m[2]!);
  }
  const resolve = (s: string) => aliases.get(s) ?? s;

  const callable: { set: string; via: string }[] = [];
  const flagged: { set: string; flag: string; via: string }[] = [];
  for (const m of text.matchAll(/struct\s+btf_kfunc_id_set\s+(\w+)\s*=\s*\{([^}]*)\}/g)) {
    for (const mm of m[2]!.matchAll(/\.\s*(\w+_set)\s*=\s*&?\s*(\w+)/g)) {
      if (!(mm[1]! in MEMBER_FLAG)) continue;
      const set = resolve(mm[2]!);
      const via = `.${mm[1]} of struct btf_kfunc_id_set ${m[1]}`;
      const flag = MEMBER_FLAG[mm[1]!];
      if (flag) flagged.push({ set, flag, via });
      else callable.push({ set, via });
    }
  }
  for (const m of text.matchAll(/DEFINE_KFUNC_BTF_ID_SET\s*\(\s*&\s*(\w+)\s*,\s*(\w+)\s*\)/g))
    callable.push({ set: resolve(m[1]!), via: `DEFINE_KFUNC_BTF_ID_SET(&${m[1]}, ${m[2]})` });
  for (const m of text.matchAll(/\b(\w*check_kfunc_call\w*)\s*\([^)]*\)\s*\{[^}]*?btf_id_set_contains\s*\(\s*&\s*(\w+)/g))
    callable.push({ set: resolve(m[2]!), via: `btf_id_set_contains() in ${m[1]}()` });

  for (const c of callable) {
    for (const e of members.get(c.set) ?? []) {
      if (out.has(e.name)) continue;
      const flags = [...new Set(flagged.filter((f) => members.get(f.set)?.some((x) => x.name === e.name)).map((f) => f.flag))];
      out.set(e.name, { name: e.name, set: c.set, line: e.line, flags, via: c.via });
    }
  }
  return out;
}
