// Helpers the flag rules share: how a kfunc's C prototype looks from the BPF side.
import { bareType } from '../../model/c-query.js';
import type { Param } from '../../model/model.js';
import { IMPLICIT_ARG_TYPE } from '../../knowledge/kf-flags.js';

/** Parameters BPF passes: with KF_IMPLICIT_ARGS the trailing implicit argument is hidden. */
export function bpfParams(params: Param[], flags: string[]): Param[] {
  const last = params[params.length - 1];
  return flags.includes('KF_IMPLICIT_ARGS') && last && bareType(last.type).includes(IMPLICIT_ARG_TYPE) ? params.slice(0, -1) : params;
}
