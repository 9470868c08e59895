// KF-FLAG-10: iterator kfuncs registered without their KF_ITER_* flag, iterator kfuncs whose
// new/next/destroy siblings are not registered, and a next kfunc without KF_RET_NULL.
import { defineRule } from '../contract.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  fileFullyVisible,
  flagFindingAnchor,
  hasFlag,
  registrationsOf,
  reviewedKfuncNames,
  structPointee,
} from '../../model/c-query.js';
import type { PatchModel, Registration } from '../../model/model.js';
import {
  ITER_FLAG_KIND,
  ITER_KIND_FLAG,
  ITER_KINDS,
  iterKfuncName,
  iterKfuncParts,
  iterStructName,
} from '../../knowledge/iterator-naming.js';

/** True when the entry carries any KF_ITER_* flag. */
const hasIterFlag = (r: Registration): boolean => r.flags.some((f) => f in ITER_FLAG_KIND);

/** The sibling members of `type`'s triplet registered with their own flag. */
function flaggedSiblings(model: PatchModel, type: string, kind: string): Registration[] {
  return ITER_KINDS.filter((k) => k !== kind).flatMap((k) =>
    registrationsOf(model, iterKfuncName(type, k)).filter((r) => hasFlag(r, ITER_KIND_FLAG[k])),
  );
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-10',
    severity: 'warning',
    description: 'Register iterator kfuncs with their KF_ITER_* flag, as a complete new/next/destroy triplet, with KF_RET_NULL on next',
    rationale:
      'An open-coded iterator is only usable when its constructor, next and destructor are all callable as iterator kfuncs: the verifier tracks the iterator state as a reference that only destroy releases, and a loop needs next. A member registered without its KF_ITER_* flag is checked as an ordinary kfunc, so its state argument is plain memory and every program using the iterator is rejected. next should carry KF_RET_NULL because NULL is how it ends the loop.',
    kernels: '>=6.4',
    messages: {
      lacksIterFlag:
        '{name}() is the {kind} member of the bpf_iter_{type} iterator ({shape}) but is registered without {flag}: the verifier checks it as an ordinary kfunc, so its struct bpf_iter_{type} argument is not an iterator state and programs cannot {use}. Add {flag}',
      missingMember:
        '{name}() is an iterator kfunc but {missing}() is not registered with {flag}{where}: programs cannot complete the bpf_iter_{type} loop. Register the whole new/next/destroy triplet',
      nextNoRetNull:
        '{name}() is an iterator next kfunc registered without KF_RET_NULL: next signals the end of iteration by returning NULL, so add KF_RET_NULL',
    },
  },
  check({ model, report }) {
    const reviewed = reviewedKfuncNames(model);
    // A member that lacks its flag is named itself, also when only a sibling is reviewed.
    const candidates = new Set(reviewed);
    for (const name of reviewed) {
      const m = iterKfuncParts(name);
      if (m) for (const k of ITER_KINDS) candidates.add(iterKfuncName(m.type, k));
    }
    const lacking = new Set<string>();
    for (const name of candidates) {
      const m = iterKfuncParts(name);
      if (!m) continue;
      const { type, kind } = m;
      const flag = ITER_KIND_FLAG[kind];
      const bare = registrationsOf(model, name).filter((r) => !hasIterFlag(r));
      if (!bare.length) continue;
      const def = definitionOf(model, name);
      const arg0 = def?.params[0];
      // The shape: its prototype takes the state struct first, or its siblings carry their flags.
      const byProto = !!arg0 && structPointee(arg0.type) === iterStructName(type);
      const siblings = flaggedSiblings(model, type, kind);
      if (!byProto && !siblings.length) continue;
      lacking.add(name);
      const use = kind === 'new' ? 'start the loop' : kind === 'next' ? 'advance the loop' : 'release the iterator state';
      for (const r of bare) {
        const at = flagFindingAnchor(r, def);
        const evidence = [`flags: ${describeRegistration(r)}`];
        if (byProto)
          evidence.push(
            `prototype: ${name}(${def!.params.map((p) => `${bareType(p.type)} ${p.name}`.trim()).join(', ')}) at ${def!.file}:${def!.line}`,
          );
        for (const s of siblings.slice(0, 2)) evidence.push(`sibling: ${describeRegistration(s)}`);
        evidence.push(
          'btf_check_iter_kfuncs() and the verifier treat only KF_ITER_* kfuncs as iterator members; the bpf_iter_<type>_{new,next,destroy} names are the convention',
        );
        report({
          messageId: 'lacksIterFlag',
          // The prototype proves the shape; a name and flagged siblings make it very likely.
          severity: byProto ? 'error' : 'warning',
          data: {
            name,
            kind,
            type,
            flag,
            use,
            shape: byProto
              ? `its first argument is struct ${iterStructName(type)} *`
              : 'named like one, and its siblings carry their flags',
          },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: `noflag:${r.set ?? r.file}`,
          evidence,
        });
      }
    }
    const done = new Set<string>();
    for (const name of reviewed) {
      const m = iterKfuncParts(name);
      if (!m) continue;
      const { type, kind } = m;
      const regs = registrationsOf(model, name).filter((r) => hasFlag(r, ITER_KIND_FLAG[kind]));
      if (!regs.length) continue;
      if (kind === 'next') {
        for (const r of regs) {
          if (hasFlag(r, 'KF_RET_NULL')) continue;
          report({
            messageId: 'nextNoRetNull',
            data: { name },
            kfunc: name,
            file: r.file,
            line: r.line,
            key: `retnull:${r.set ?? r.file}`,
            evidence: [`flags: ${describeRegistration(r)}`, 'the verifier forks at every next call and ends the loop on the NULL branch'],
          });
        }
      }
      if (done.has(type)) continue;
      done.add(type);
      const r0 = regs[0];
      for (const other of ITER_KINDS) {
        if (other === kind) continue;
        const sibling = iterKfuncName(type, other);
        const flag = ITER_KIND_FLAG[other];
        // A sibling registered without its flag is reported on itself (lacksIterFlag).
        if (lacking.has(sibling) || registrationsOf(model, sibling).some((r) => hasFlag(r, flag))) continue;
        const full = fileFullyVisible(model, r0.file);
        const loose = registrationsOf(model, sibling);
        report({
          messageId: 'missingMember',
          severity: full ? 'warning' : 'info',
          data: { name, missing: sibling, flag, type, where: full ? '' : ' in the visible part of the patch' },
          kfunc: name,
          file: r0.file,
          line: r0.line,
          key: `missing:${other}`,
          evidence: [
            `registered member: ${describeRegistration(r0)}`,
            loose.length
              ? `${sibling} is registered without ${flag}: ${describeRegistration(loose[0])}`
              : `no BTF_ID_FLAGS(func, ${sibling}, ${flag}) entry is visible`,
            full ? `${r0.file} was fully visible` : `only the diff hunks of ${r0.file} were visible`,
          ],
        });
      }
    }
  },
});
