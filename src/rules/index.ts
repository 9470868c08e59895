// The rule registry: one line per rule, sorted by id.
import type { Rule } from './contract.js';
import kfArg01 from './arg/kf-arg-01-unchecked-flags.js';
import kfArg02 from './arg/kf-arg-02-iter-state-uninit.js';
import kfArg03 from './arg/kf-arg-03-unpinned-sub-object.js';
import kfArg04 from './arg/kf-arg-04-unreadable-frag.js';
import kfCfg01 from './cfg/kf-cfg-01-config-only-check.js';
import kfCfg02 from './cfg/kf-cfg-02-config-only-callee.js';
import kfFlag01 from './flag/kf-flag-01-acquire-non-pointer.js';
import kfFlag02 from './flag/kf-flag-02-ret-null-non-pointer.js';
import kfFlag03 from './flag/kf-flag-03-nullable-without-ret-null.js';
import kfFlag05 from './flag/kf-flag-05-release-without-argument.js';
import kfFlag06 from './flag/kf-flag-06-acquire-without-release.js';
import kfFlag08 from './flag/kf-flag-08-rcu-acquire-without-ret-null.js';
import kfFlag09 from './flag/kf-flag-09-iterator-prototype.js';
import kfFlag10 from './flag/kf-flag-10-iterator-triplet.js';
import kfFlag11 from './flag/kf-flag-11-destructive-usage.js';
import kfFlag12 from './flag/kf-flag-12-trusted-args.js';
import kfFlag13 from './flag/kf-flag-13-rcu-protected.js';
import kfFlag14 from './flag/kf-flag-14-sleepable-rcu-protected.js';
import kfFlag16 from './flag/kf-flag-16-arena-flag-target.js';
import kfFlag18 from './flag/kf-flag-18-unknown-flag.js';
import kfFlag19 from './flag/kf-flag-19-flag-change.js';
import kfFlag20 from './flag/kf-flag-20-uncallable-prototype.js';
import kfFlag21 from './flag/kf-flag-21-missing-acquire.js';
import kfFlag22 from './flag/kf-flag-22-missing-release.js';
import kfIdx01 from './idx/kf-idx-01-unchecked-index.js';
import kfIdx02 from './idx/kf-idx-02-index-to-callee.js';
import kfIdx03 from './idx/kf-idx-03-sibling-index-check.js';
import kfIdx04 from './idx/kf-idx-04-incomplete-guard.js';
import kfIdx05 from './idx/kf-idx-05-size-without-sz.js';
import kfIdx06 from './idx/kf-idx-06-unbounded-size.js';
import kfIdx07 from './idx/kf-idx-07-untrusted-pointer-deref.js';
import kfIdx08 from './idx/kf-idx-08-size-underflow.js';
import kfIdx09 from './idx/kf-idx-09-sized-struct-access.js';
import kfIdx10 from './idx/kf-idx-10-unbounded-extent.js';
import kfIdx11 from './idx/kf-idx-11-scalar-to-pointer.js';
import kfIdx12 from './idx/kf-idx-12-documented-range.js';
import kfIdx13 from './idx/kf-idx-13-removed-check.js';
import kfIdx14 from './idx/kf-idx-14-unterminated-string.js';
import kfIdx15 from './idx/kf-idx-15-dynptr-data-direct.js';
import kfMem01 from './mem/kf-mem-01-kernel-length.js';
import kfMem02 from './mem/kf-mem-02-size-unit.js';
import kfMem03 from './mem/kf-mem-03-unsized-pointer.js';
import kfMem04 from './mem/kf-mem-04-fixed-array-copy.js';
import kfReg01 from './reg/kf-reg-01-unregistered-kfunc.js';
import kfReg02 from './reg/kf-reg-02-registered-not-defined.js';
import kfReg03 from './reg/kf-reg-03-static-kfunc.js';
import kfReg04 from './reg/kf-reg-04-duplicate-entry.js';
import kfReg05 from './reg/kf-reg-05-set-never-registered.js';
import kfReg09 from './reg/kf-reg-09-unsupported-prog-type.js';
import kfReg10 from './reg/kf-reg-10-outside-defs-block.js';
import kfReg11 from './reg/kf-reg-11-ifdef-mismatch.js';
import kfReg13 from './reg/kf-reg-13-missing-kernel-doc.js';
import kfReg14 from './reg/kf-reg-14-over-broad-visibility.js';
import kfReg15 from './reg/kf-reg-15-unknown-id-set-member.js';
import kfReg16 from './reg/kf-reg-16-sibling-set-missing.js';
import kfReg17 from './reg/kf-reg-17-filter-attach-type-only.js';
import kfRet01 from './ret/kf-ret-01-ambiguous-failure.js';
import kfRet02 from './ret/kf-ret-02-errno-from-unsigned.js';
import kfRet03 from './ret/kf-ret-03-sibling-sentinels.js';
import kfSleep01 from './sleep/kf-sleep-01-sleeps-without-flag.js';
import kfSleep02 from './sleep/kf-sleep-02-needless-sleepable.js';
import kfSleep03 from './sleep/kf-sleep-03-sleep-in-atomic.js';
import kfSleep04 from './sleep/kf-sleep-04-blocking-alloc.js';

export const registry: Rule[] = [
  kfArg01,
  kfArg02,
  kfArg03,
  kfArg04,
  kfCfg01,
  kfCfg02,
  kfFlag01,
  kfFlag02,
  kfFlag03,
  kfFlag05,
  kfFlag06,
  kfFlag08,
  kfFlag09,
  kfFlag10,
  kfFlag11,
  kfFlag12,
  kfFlag13,
  kfFlag14,
  kfFlag16,
  kfFlag18,
  kfFlag19,
  kfFlag20,
  kfFlag21,
  kfFlag22,
  kfIdx01,
  kfIdx02,
  kfIdx03,
  kfIdx04,
  kfIdx05,
  kfIdx06,
  kfIdx07,
  kfIdx08,
  kfIdx09,
  kfIdx10,
  kfIdx11,
  kfIdx12,
  kfIdx13,
  kfIdx14,
  kfIdx15,
  kfMem01,
  kfMem02,
  kfMem03,
  kfMem04,
  kfReg01,
  kfReg02,
  kfReg03,
  kfReg04,
  kfReg05,
  kfReg09,
  kfReg10,
  kfReg11,
  kfReg13,
  kfReg14,
  kfReg15,
  kfReg16,
  kfReg17,
  kfRet01,
  kfRet02,
  kfRet03,
  kfSleep01,
  kfSleep02,
  kfSleep03,
  kfSleep04,
];
