// The rule registry: one line per rule, sorted by id.
import type { Rule } from '../types.js';
import kfReg01 from './kf-reg-01-unregistered-kfunc.js';

export const registry: Rule[] = [
  kfReg01,
];

export function ruleById(id: string): Rule | undefined {
  return registry.find((r) => r.meta.id === id);
}
