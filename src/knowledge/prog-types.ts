// Which BPF program types register_btf_kfunc_id_set() accepts on which kernel tree.
//
// The kernel maps each program type to a "kfunc hook" (bpf_prog_type_to_kfunc_hook() in
// kernel/bpf/btf.c); a type with no hook makes the registration fail with -EINVAL, so the
// whole set is never callable. The map only ever grew. What we know, from the series that
// introduced the registration API, comparing the 6.1 and 6.12 trees and the bpf-next mails of
// the v7.0 window:
//   - 5.18 introduced register_btf_kfunc_id_set() with three hooks: XDP, SCHED_CLS (TC) and
//     STRUCT_OPS;
//   - 5.19 added TRACING and SYSCALL (kfuncs for HID-BPF's syscall programs);
//   - 6.1 maps XDP, SCHED_CLS, STRUCT_OPS, TRACING, LSM and SYSCALL; we did not pin the
//     release that added LSM, so it answers "supported" from 5.19 on;
//   - 6.12 adds UNSPEC (the common hook, visible to every program type), TRACEPOINT,
//     PERF_EVENT, the six CGROUP_* types, SCHED_ACT, SK_SKB, SOCKET_FILTER, the four LWT_*
//     types, NETFILTER and KPROBE. We did not pin the release of each addition, so for those
//     we answer "supported" from 6.2 on: a registration is never called unsupported on a tree
//     where it might work;
//   - v7.0 adds RAW_TRACEPOINT (kfuncs became callable from raw_tp programs);
//   - SK_MSG was proposed in 2025; we have not seen it merged.
// Beyond the newest tree we have facts for, the answer is "unknown".
//
// Two more facts per program type live here: which types can never be sleepable, and which
// run in any context (their programs attach anywhere in the kernel).
import type { TargetTree } from '../model/target.js';
import { compareVersion } from '../model/target.js';
import type { KernelVersion } from './kf-flags.js';

export interface ProgTypeFact {
  /** Without the BPF_PROG_TYPE_ prefix. */
  name: string;
  /** The kfunc hook it maps to. */
  hook: string;
  /** First release that maps it (for `exact: false`, the earliest it could be). */
  since: KernelVersion;
  /** False when `since` is a lower bound (absent in `absentIn`, present in a later tree we compared). */
  exact: boolean;
  /** For `exact: false`: the newest tree we know lacks the mapping. */
  absentIn?: string;
  /** True for proposals that are not known to be merged. */
  proposal?: boolean;
}

const NEWEST_KNOWN: KernelVersion = { major: 7, minor: 0 };
const v = (major: number, minor: number): KernelVersion => ({ major, minor });
const between = (name: string, hook: string): ProgTypeFact => ({ name, hook, since: v(6, 2), exact: false, absentIn: '6.1' });

export const PROG_TYPE_HOOKS: readonly ProgTypeFact[] = [
  { name: 'XDP', hook: 'XDP', since: v(5, 18), exact: true },
  { name: 'SCHED_CLS', hook: 'TC', since: v(5, 18), exact: true },
  { name: 'STRUCT_OPS', hook: 'STRUCT_OPS', since: v(5, 18), exact: true },
  { name: 'TRACING', hook: 'TRACING', since: v(5, 19), exact: true },
  { name: 'LSM', hook: 'TRACING', since: v(5, 19), exact: false, absentIn: '5.18' },
  { name: 'SYSCALL', hook: 'SYSCALL', since: v(5, 19), exact: true },
  between('UNSPEC', 'COMMON'),
  between('TRACEPOINT', 'TRACING'),
  between('PERF_EVENT', 'TRACING'),
  between('CGROUP_SKB', 'CGROUP'),
  between('CGROUP_SOCK', 'CGROUP'),
  between('CGROUP_DEVICE', 'CGROUP'),
  between('CGROUP_SOCK_ADDR', 'CGROUP'),
  between('CGROUP_SOCKOPT', 'CGROUP'),
  between('CGROUP_SYSCTL', 'CGROUP'),
  between('SCHED_ACT', 'SCHED_ACT'),
  between('SK_SKB', 'SK_SKB'),
  between('SOCKET_FILTER', 'SOCKET_FILTER'),
  between('LWT_IN', 'LWT'),
  between('LWT_OUT', 'LWT'),
  between('LWT_XMIT', 'LWT'),
  between('LWT_SEG6LOCAL', 'LWT'),
  between('NETFILTER', 'NETFILTER'),
  between('KPROBE', 'KPROBE'),
  { name: 'RAW_TRACEPOINT', hook: 'TRACING', since: v(7, 0), exact: true },
  { name: 'SK_MSG', hook: 'SK_MSG', since: v(7, 0), exact: false, proposal: true },
];

function bare(progType: string): string {
  return progType.trim().replace(/^BPF_PROG_TYPE_/, '');
}

export interface ProgTypeSupport {
  state: 'supported' | 'unsupported' | 'unknown';
  /** One sentence for evidence lines. */
  reason: string;
}

/** Detailed answer, with the reason, for evidence lines. */
export function progTypeSupport(progType: string, target: TargetTree): ProgTypeSupport {
  if (!/^(BPF_PROG_TYPE_)?[A-Z0-9_]+$/.test(progType.trim()) || !progType.includes('BPF_PROG_TYPE_')) {
    return { state: 'unknown', reason: `${progType} is not a BPF_PROG_TYPE_* constant` };
  }
  const name = bare(progType);
  const fact = PROG_TYPE_HOOKS.find((f) => f.name === name);
  const tv = `${target.major}.${target.minor}`;
  const beyond = compareVersion(target, NEWEST_KNOWN.major, NEWEST_KNOWN.minor) > 0;
  if (!fact) {
    return beyond
      ? { state: 'unknown', reason: `BPF_PROG_TYPE_${name} has no kfunc hook up to v7.0; the target ${tv} is newer than what we know` }
      : { state: 'unsupported', reason: `BPF_PROG_TYPE_${name} has no kfunc hook on ${tv} (registration returns -EINVAL)` };
  }
  const since = `${fact.since.major}.${fact.since.minor}`;
  if (fact.proposal) {
    return compareVersion(target, 6, 12) <= 0
      ? { state: 'unsupported', reason: `BPF_PROG_TYPE_${name} has no kfunc hook on ${tv} (only proposed later)` }
      : { state: 'unknown', reason: `a kfunc hook for BPF_PROG_TYPE_${name} was proposed but is not known to be merged` };
  }
  if (compareVersion(target, fact.since.major, fact.since.minor) >= 0) {
    return {
      state: 'supported',
      reason: `BPF_PROG_TYPE_${name} maps to the ${fact.hook} kfunc hook from ${fact.exact ? since : `no later than ${fact.absentIn === '6.1' ? '6.12' : '6.1'}`}`,
    };
  }
  return {
    state: 'unsupported',
    reason: fact.exact
      ? `BPF_PROG_TYPE_${name} gets a kfunc hook only from ${since}; the target is ${tv}`
      : `BPF_PROG_TYPE_${name} has no kfunc hook on ${tv} (${fact.absentIn} does not map it)`,
  };
}

/**
 * Can `register_btf_kfunc_id_set(progType, ...)` succeed on the target tree? False only when
 * we know it cannot; unknown cases (non-constant argument, newer trees, proposals) answer
 * true so that a rule built on this never reports a working registration.
 */
export function progTypeSupported(progType: string, target: TargetTree): boolean {
  return progTypeSupport(progType, target).state !== 'unsupported';
}

/**
 * Program types that can never be sleepable: their runners always hold rcu_read_lock() (or
 * run in softirq), so a kfunc only they can call is always inside an RCU read-side section.
 * TRACING, LSM, STRUCT_OPS, SYSCALL, KPROBE (uprobe.s), CGROUP_SOCKOPT and UNSPEC (every
 * type) can be sleepable.
 */
const NEVER_SLEEPABLE = new Set([
  'XDP',
  'SCHED_CLS',
  'SCHED_ACT',
  'SOCKET_FILTER',
  'LWT_IN',
  'LWT_OUT',
  'LWT_XMIT',
  'LWT_SEG6LOCAL',
  'CGROUP_SKB',
  'CGROUP_SOCK',
  'CGROUP_DEVICE',
  'CGROUP_SOCK_ADDR',
  'CGROUP_SYSCTL',
  'SK_SKB',
  'SK_MSG',
  'NETFILTER',
  'PERF_EVENT',
  'TRACEPOINT',
  'RAW_TRACEPOINT',
]);

/** False when no program of this type can be sleepable; true when it can (or we cannot tell). */
export function progTypeMaySleep(progType: string): boolean {
  return !NEVER_SLEEPABLE.has(bare(progType));
}

/**
 * Program types whose programs run in any context: UNSPEC (the common hook, so every program
 * type) and the tracing family, which attaches to arbitrary kernel functions and events
 * (kprobes, tracepoints, perf events, fentry/fexit), in process, softirq, hardirq or NMI context.
 */
export const ANY_CONTEXT_PROG_TYPES: ReadonlySet<string> = new Set([
  'BPF_PROG_TYPE_UNSPEC',
  'BPF_PROG_TYPE_TRACING',
  'BPF_PROG_TYPE_TRACEPOINT',
  'BPF_PROG_TYPE_PERF_EVENT',
  'BPF_PROG_TYPE_KPROBE',
  'BPF_PROG_TYPE_RAW_TRACEPOINT',
]);
