// KF-FLAG-12: KF_TRUSTED_ARGS judged against the target tree. v7.0 deleted the flag (trusted
// arguments became the default); before that it interacts with KF_RELEASE and KF_RCU, and a
// kfunc whose code relies on a pointer argument the flags would check (dereferences it, hands
// it on, keeps it) needs KF_TRUSTED_ARGS, or KF_RCU when RCU protection is all it needs.
import { defineRule } from '../contract.js';
import {
  bareType,
  definitionOf,
  describeRegistration,
  flagFindingAnchor,
  hasFlag,
  isAudit,
  isFmodretEntry,
  registrationsOf,
  reviewedKfuncNames,
  snippet,
} from '../../model/c-query.js';
import type { FunctionDef } from '../../model/model.js';
import { baseTreeUse, flagFact, targetEvidence } from '../../knowledge/kf-flags.js';
import { trustedArgsIsDefault } from '../../model/target.js';
import { POINTER_ARG_KIND_TEXT } from '../../knowledge/trusted-arg-kinds.js';
import { pointerArgs, type ArgUse, type PointerArg, type UseSite } from '../../facts/pointer-args.js';
import { bpfParams } from './shared.js';

/** `task->mm (kernel/x.c:12)`, `passed to foo() (kernel/x.c:12, via helper())`. */
function describeUse(u: UseSite): string {
  const how = u.how === 'deref' ? `\`${u.text}\`` : u.how === 'call' ? `passed to ${u.text}` : `kept by \`${u.text}\``;
  const via =
    u.chain.length > 1
      ? `, via ${u.chain
          .slice(1)
          .map((f) => `${f}()`)
          .join(' -> ')}`
      : '';
  return `${how} at ${u.file}:${u.line}${via}`;
}

/**
 * The output pointers of a kfunc whose visible body is only `return <constant>;` (a default
 * stub such as `return -EOPNOTSUPP;`): non-const pointers to plain data that BPF passes and
 * that the replacing implementations are there to fill.
 */
function stubOutputs(def: FunctionDef, args: PointerArg[]): PointerArg[] {
  const stmts = def.body.namedChildren.filter((c) => c.type !== 'comment');
  if (stmts.length !== 1 || stmts[0]!.type !== 'return_statement') return [];
  const value = stmts[0]!.namedChildren[0]?.text.replace(/[()\s]/g, '') ?? '';
  if (!/^-?([A-Z][A-Z0-9_]*|\d+)$/.test(value)) return [];
  return args.filter((a) => a.effect === 'null' && a.kind === 'memory' && !/\bconst\b/.test(a.param.type));
}

interface Need {
  arg: PointerArg;
  use: ArgUse;
}

export default defineRule({
  meta: {
    id: 'KF-FLAG-12',
    severity: 'warning',
    description: 'Require KF_TRUSTED_ARGS or KF_RCU where the code relies on a pointer argument; check the flag against the target tree',
    rationale:
      'v7.0 made trusted arguments the default and deleted KF_TRUSTED_ARGS, so using it there is a build error. On older trees KF_RELEASE already implies it, KF_RCU overrides it with weaker semantics, and a kfunc with none of TRUSTED_ARGS/RCU/RELEASE is passed walked kernel pointers and NULL: a dereference of such an argument is a crash or a use-after-free.',
    kernels: 'all (version-gated at 7.0)',
    messages: {
      removedOnTarget:
        '{name}() uses KF_TRUSTED_ARGS, which the target tree ({version}) no longer defines: trusted arguments are the default there and the build fails on the undeclared flag. Delete it (use KF_RCU where RCU-protected pointers must still be accepted)',
      redundantWithRelease:
        '{name}() sets KF_TRUSTED_ARGS together with KF_RELEASE, which already implies trusted arguments on {version}: drop KF_TRUSTED_ARGS',
      overriddenByRcu:
        "{name}() sets KF_TRUSTED_ARGS together with KF_RCU: the verifier then applies KF_RCU's weaker rule (trusted or RCU-protected pointers), so KF_TRUSTED_ARGS has no effect. Keep only KF_RCU if RCU pointers are meant to be accepted, otherwise drop KF_RCU",
      stubOutputs:
        '{name}() is a stub whose real implementations write through {params}, but it is registered without KF_TRUSTED_ARGS: on {version} the verifier lets BPF pass NULL there. Add KF_TRUSTED_ARGS',
      untrustedPointers:
        '{name}() uses {params} but is registered without KF_TRUSTED_ARGS, KF_RCU or KF_RELEASE: on {version} the verifier lets BPF pass {passes} there. Add {flag}{why}',
    },
  },
  check({ model, facts, report }) {
    const t = model.target;
    const version = t.version ?? 'unknown';
    const gone = trustedArgsIsDefault(t);
    const fact = flagFact('KF_TRUSTED_ARGS');
    for (const name of reviewedKfuncNames(model)) {
      const def = definitionOf(model, name);
      for (const r of registrationsOf(model, name)) {
        const at = flagFindingAnchor(r, def);
        const key = `${r.file}:${r.set ?? ''}`;
        const trusted = hasFlag(r, 'KF_TRUSTED_ARGS');
        if (gone) {
          // Only the entries the patch writes: a context entry with the flag proves the base tree still has it.
          if (!trusted || !r.added || baseTreeUse(model, 'KF_TRUSTED_ARGS')) continue;
          report({
            messageId: 'removedOnTarget',
            severity: 'error',
            data: { name, version },
            kfunc: name,
            file: r.file,
            line: r.line,
            key,
            evidence: [`flag: ${describeRegistration(r)}`, targetEvidence(t), `KF_TRUSTED_ARGS: ${fact?.note ?? 'deleted in v7.0'}`],
          });
          continue;
        }
        if (trusted && hasFlag(r, 'KF_RELEASE')) {
          report({
            messageId: 'redundantWithRelease',
            severity: 'info',
            data: { name, version },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `${key}:release`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              targetEvidence(t),
              'before v7.0 the verifier treats every KF_RELEASE kfunc as having trusted arguments',
            ],
          });
        }
        if (trusted && hasFlag(r, 'KF_RCU')) {
          report({
            messageId: 'overriddenByRcu',
            severity: 'warning',
            data: { name },
            kfunc: name,
            file: at.file,
            line: at.line,
            key: `${key}:rcu`,
            evidence: [
              `flag: ${describeRegistration(r)}`,
              targetEvidence(t),
              'with KF_RCU set, argument checks accept RCU-protected pointers (refcount possibly zero) as well as trusted ones',
            ],
          });
        }
        if (trusted || hasFlag(r, 'KF_RCU') || hasFlag(r, 'KF_RELEASE') || !def) continue;
        // fmod_ret attach lists name hooks, not callable kfuncs.
        if (isFmodretEntry(model, r)) continue;
        // The arguments the flags would check, and what the code does with each.
        const needs: Need[] = [];
        for (const arg of pointerArgs(model, bpfParams(def.params, r.flags), [r])) {
          if (arg.effect === 'none' || !arg.param.name) continue;
          const use = facts.argUse(def, arg.param.name);
          if (!use.use) continue;
          // A NULL check is all a plain-memory, map or kptr argument gains from the flags.
          if (arg.effect === 'null' && !use.unguarded) continue;
          needs.push({ arg, use });
        }
        if (!needs.length) {
          const outputs = stubOutputs(def, pointerArgs(model, bpfParams(def.params, r.flags), [r]));
          if (outputs.length) {
            report({
              messageId: 'stubOutputs',
              severity: 'warning',
              data: { name, version, params: outputs.map((a) => `\`${bareType(a.param.type)}${a.param.name}\``).join(', ') },
              kfunc: name,
              file: at.file,
              line: at.line,
              key: `${key}:untrusted`,
              evidence: [
                `flags: ${describeRegistration(r)}`,
                `definition: ${def.file}:${def.line} only returns a constant (\`${snippet(def.body, 60)}\`): the kfunc's work is done by implementations that replace it (an ops callback the verifier substitutes, an arch or driver override)`,
                ...outputs.map(
                  (a) =>
                    `parameter ${a.param.name}: \`${bareType(a.param.type)}\` is an output (a non-const pointer to plain data): those implementations write through it`,
                ),
                targetEvidence(t),
                'check_mem_reg() accepts a NULL register for plain memory unless the kfunc has KF_TRUSTED_ARGS (before v7.0)',
              ],
            });
          }
          continue;
        }
        const rcu = needs.find((n) => n.use.rcu);
        const flag = rcu ? 'KF_RCU' : 'KF_TRUSTED_ARGS';
        const passes = needs.some((n) => n.arg.effect === 'trust') ? 'walked kernel pointers that may be NULL or already freed' : 'NULL';
        const evidence = [`flags: ${describeRegistration(r)}`];
        for (const { arg, use } of needs) {
          const p = arg.param;
          evidence.push(
            `parameter ${p.name}: \`${bareType(p.type)}\` is checked as ${POINTER_ARG_KIND_TEXT[arg.kind]}${arg.notContextIn ? ` in ${arg.notContextIn.join(', ')} programs, whose context it is not` : ''}; used: ${use.uses.map(describeUse).join('; ')}`,
          );
          if (arg.effect === 'null') evidence.push(`no NULL test of ${p.name} comes before ${describeUse(use.unguarded!)}`);
        }
        if (rcu?.use.rcu) evidence.push(`RCU protection is enough: ${rcu.use.rcu.text} at ${rcu.use.rcu.file}:${rcu.use.rcu.line}`);
        evidence.push(
          targetEvidence(t),
          'before v7.0 the NULL and trusted-pointer checks run only for KF_TRUSTED_ARGS, KF_RCU or KF_RELEASE kfuncs',
        );
        // Proven: NULL reaches a dereference in visible code. Likely: a kernel object is used, and
        // walked pointers of its type reach it; an audit of code that shipped that way says so
        // only as info, since whether the type can be walked to is not visible in the code.
        const nullDeref = needs.some((n) => n.arg.effect === 'null' && n.use.unguarded?.how === 'deref');
        const severity = nullDeref ? 'error' : isAudit(model) && !needs.some((n) => n.arg.effect === 'null') ? 'info' : 'warning';
        if (nullDeref) evidence.push('check_mem_reg() accepts a NULL register for plain memory, so the dereference above can be of NULL');
        report({
          messageId: 'untrustedPointers',
          severity,
          data: {
            name,
            version,
            params: needs.map((n) => `\`${bareType(n.arg.param.type)}${n.arg.param.name}\``).join(', '),
            passes,
            flag,
            why: rcu ? ' (it only needs the object RCU-protected)' : '',
          },
          kfunc: name,
          file: at.file,
          line: at.line,
          key: `${key}:untrusted`,
          evidence,
        });
      }
    }
  },
});
