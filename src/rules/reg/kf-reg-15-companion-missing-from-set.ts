// KF-REG-15: a kfunc that works together with another one is registered in fewer kfunc sets
// than its partner, so some programs can call the partner but not it.
import { defineRule } from '../contract.js';
import type { FunctionDef, KfuncSet, PatchModel } from '../../model/model.js';
import { bareType, definitionOf, isAudit, isReviewed, registrationsOf, structPointee } from '../../model/c-query.js';

/** `name` named as a word in `doc` (`foo()`, `foo[_bar]()`, `@foo`). */
function mentions(doc: string | null, name: string): boolean {
  return !!doc && new RegExp(`(^|[^\\w])${name}(?![\\w])`).test(doc);
}

/** The pointer-to-struct parameter types two functions share (the object they work on). */
function sharedObject(a: FunctionDef, b: FunctionDef): string | null {
  const types = new Set(a.params.filter((p) => structPointee(p.type)).map((p) => bareType(p.type)));
  return b.params.map((p) => bareType(p.type)).find((t) => types.has(t)) ?? null;
}

/** Sets whose START and END are both visible: absence from them is evidence. */
function wholeSets(model: PatchModel): KfuncSet[] {
  return model.sets.filter((s) => s.endLine !== null);
}

export default defineRule({
  meta: {
    id: 'KF-REG-15',
    severity: 'warning',
    description: 'Report kfuncs left out of a kfunc set that holds the kfunc they work with',
    rationale:
      'Kfunc sets decide which programs may call a kfunc (sched_ext registers one set per callback context, networking one per program type). When a kfunc documented to work with another one is registered only in some of the sets its partner is in, programs served by the other sets can call the partner but not it, and the pair does not work there.',
    kernels: '>=6.0',
    messages: {
      missing:
        '{name}() works with {partner}() ({why}) and is registered with it in {shared}, but not in {set}, which also holds {partner}(): programs that {set} serves can call {partner}() but not {name}(); add BTF_ID_FLAGS(func, {name}) to {set}',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const sets = wholeSets(model);
    for (const other of sets) {
      for (const shared of model.sets) {
        if (shared === other || shared.file !== other.file) continue;
        const inShared = new Set(
          model.registrations
            .filter((r) => !r.removed && r.side === 'new' && r.set === shared.name && r.file === shared.file)
            .map((r) => r.kfunc),
        );
        const inOther = new Set(
          model.registrations
            .filter((r) => !r.removed && r.side === 'new' && r.set === other.name && r.file === other.file)
            .map((r) => r.kfunc),
        );
        for (const name of inShared) {
          if (inOther.has(name)) continue;
          const def = definitionOf(model, name);
          if (!def) continue;
          for (const partner of inShared) {
            if (partner === name || !inOther.has(partner)) continue;
            const pdef = definitionOf(model, partner);
            if (!pdef) continue;
            const object = sharedObject(def, pdef);
            if (!object) continue;
            const why = mentions(def.doc, partner)
              ? `its kernel-doc names ${partner}()`
              : mentions(pdef.doc, name)
                ? `the kernel-doc of ${partner}() names it`
                : null;
            if (!why) continue;
            const touched =
              audit || isReviewed(model, name) || registrationsOf(model, partner).some((r) => r.added && r.set === other.name);
            if (!touched) continue;
            const reg = registrationsOf(model, name).find((r) => r.set === shared.name);
            const preg = registrationsOf(model, partner).find((r) => r.set === other.name);
            report({
              messageId: 'missing',
              data: { name, partner, why: `${why}; both take ${object}`, shared: shared.name, set: other.name },
              kfunc: name,
              file: reg?.file ?? def.file,
              line: reg?.line ?? def.line,
              key: other.name,
              evidence: [
                `${name}() registered in ${shared.name}${reg ? ` at ${reg.file}:${reg.line}` : ''}; ${partner}() too`,
                `${partner}() is also in ${other.name}${preg ? ` at ${preg.file}:${preg.line}` : ''} (set ${other.file}:${other.line}-${other.endLine}), ${name}() is not`,
                `${why}: ${def.name}() at ${def.file}:${def.line}, ${pdef.name}() at ${pdef.file}:${pdef.line}`,
              ],
            });
            break;
          }
        }
      }
    }
  },
});
