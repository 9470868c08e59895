// How a kfunc set reaches the verifier: the program types of its visible
// register_btf_kfunc_id_set() calls, and which registrations of a kfunc leave it callable
// from programs that cannot sleep.
import type { PatchModel, Registration } from '../model/model.js';

export interface SetReach {
  /** Program types the set is registered for (visible register_btf_kfunc_id_set calls). */
  progTypes: string[];
  /** Where those registrations are. */
  where: string[];
  /** False when no registration of the set is visible. */
  visible: boolean;
  /** Names of the btf_kfunc_id_set structs that point at the set. */
  idSets: string[];
}

/** How a kfunc set reaches the verifier: the program types of its visible registrations. */
export function setReach(model: PatchModel, set: string | null): SetReach {
  const reach: SetReach = { progTypes: [], where: [], visible: false, idSets: [] };
  if (!set) return reach;
  for (const ids of model.idSets.filter((i) => i.set === set)) {
    reach.idSets.push(ids.name);
    for (const c of model.registerCalls.filter((r) => r.idSet === ids.name && r.fn === 'register_btf_kfunc_id_set')) {
      reach.visible = true;
      if (c.progType) reach.progTypes.push(c.progType);
      reach.where.push(`register_btf_kfunc_id_set(${c.progType ?? '?'}, &${ids.name}) at ${c.file}:${c.line}`);
    }
  }
  return reach;
}

/** True when every visible registration of the set is for BPF_PROG_TYPE_SYSCALL (HID precedent). */
export function syscallOnly(reach: SetReach): boolean {
  return reach.visible && reach.progTypes.length > 0 && reach.progTypes.every((t) => t === 'BPF_PROG_TYPE_SYSCALL');
}

/** Registrations of a kfunc that lack KF_SLEEPABLE and whose set is not SYSCALL-only. */
export function nonSleepableRegistrations(model: PatchModel, regs: Registration[]): { reg: Registration; reach: SetReach }[] {
  return regs
    .filter((r) => !r.flags.includes('KF_SLEEPABLE'))
    .map((reg) => ({ reg, reach: setReach(model, reg.set) }))
    .filter((x) => !syscallOnly(x.reach));
}
