// KF-REG-14: a kfunc with context preconditions registered for every program type, every
// tracing program or every struct_ops without a .filter that narrows it. (A filter that tests
// the attach type without the program type is KF-REG-17's finding.)
import { defineRule } from '../contract.js';
import type { FunctionDef, PatchModel } from '../../model/model.js';
import { bodyTouched, callsIn, definitionOf, idSetsOf, isAudit, reviewedKfuncs, type CallSite } from '../../model/c-query.js';
import {
  CONTEXT_PROBE,
  DOC_PRECONDITION,
  LOCK_ASSERT,
  OPS_CALLER_CHECK,
  SOCK_LOCK_ASSERT,
  WARN_MACRO,
} from '../../knowledge/context-assertions.js';
import { ANY_CONTEXT_PROG_TYPES } from '../../knowledge/prog-types.js';
import { structOpsRegistered } from '../../model/text-query.js';
import { RUN_CONTEXTS } from '../../knowledge/attach-types.js';
import { filterTests, type FilterTests } from '../../facts/filter-tests.js';

/**
 * lock: a lock assertion in the kfunc's own body; probe: a context probe asserted in a WARN;
 * runctx: reads current->bpf_ctx as one runner's context; doc: its kernel-doc states a calling
 * precondition; ops: a runtime check that the caller is a particular struct_ops callback.
 */
type Kind = 'lock' | 'probe' | 'runctx' | 'doc' | 'ops';

interface Assumption {
  kind: Kind;
  what: string;
  chain: string;
}

/** A context probe used as the condition of a WARN/BUG: an assertion, not a test. */
function assertedProbe(c: CallSite): boolean {
  if (!CONTEXT_PROBE.test(c.name)) return false;
  for (let n = c.node.parent; n; n = n.parent) {
    if (n.type === 'call_expression' && WARN_MACRO.test(n.childForFieldName('function')?.text ?? '')) return true;
    if (n.type === 'compound_statement') return false;
  }
  return false;
}

/** A handled probe (`if (!in_task()) return -EBUSY;`): the kfunc enforces its context itself. */
function handledProbe(c: CallSite): boolean {
  return CONTEXT_PROBE.test(c.name) && !assertedProbe(c);
}

/** `container_of(current->bpf_ctx, struct X, ...)`: the run context it reads, or null. */
function runContext(c: CallSite): string | null {
  if (c.name !== 'container_of' || !/\bcurrent\s*->\s*bpf_ctx\b/.test(c.args[0]?.text ?? '')) return null;
  const m = /struct\s+(\w+)/.exec(c.args[1]?.text ?? '');
  return m && RUN_CONTEXTS[m[1]!] ? m[1]! : null;
}

/** The sentence of a kernel-doc that states a calling precondition. */
function docPrecondition(doc: string | null): string | null {
  if (!doc) return null;
  const text = doc
    .replace(/^\s*\/\*\*|\*\/\s*$/g, '')
    .replace(/\n\s*\*\s?/g, ' ')
    .replace(/\s+/g, ' ');
  return (
    text
      .split(/(?<=\.)\s+/)
      .find((s) => DOC_PRECONDITION.test(s))
      ?.trim() ?? null
  );
}

/** The strongest context assumption of `fn` (own body and visible non-kfunc callees one level down). */
function assumptionIn(model: PatchModel, fn: FunctionDef): { found: Assumption | null; enforced: boolean } {
  const calls = callsIn(fn.body);
  const levels: { c: CallSite; owner: FunctionDef; via: string }[] = calls.map((c) => ({ c, owner: fn, via: '' }));
  for (const c of calls) {
    const callee = model.functions.get(c.name);
    if (!callee || callee === fn || callee.isKfunc || callee.side !== 'new') continue;
    for (const d of callsIn(callee.body)) levels.push({ c: d, owner: callee, via: `${callee.name}() (${fn.file}:${c.line}) → ` });
  }
  const chain = (l: (typeof levels)[number]): string => `${fn.name}() → ${l.via}${l.c.name}() at ${l.owner.file}:${l.c.line}`;
  const enforced = levels.some((l) => OPS_CALLER_CHECK.test(l.c.name) || handledProbe(l.c));
  const direct = levels.find((l) => l.owner === fn && (LOCK_ASSERT.test(l.c.name) || SOCK_LOCK_ASSERT.test(l.c.name)));
  if (direct) return { found: { kind: 'lock', what: `${direct.c.name}()`, chain: chain(direct) }, enforced };
  const probe = levels.find((l) => assertedProbe(l.c));
  if (probe) return { found: { kind: 'probe', what: `${probe.c.name}() asserted in a warning`, chain: chain(probe) }, enforced };
  for (const l of levels) {
    const ctx = runContext(l.c);
    if (ctx)
      return {
        found: { kind: 'runctx', what: `current->bpf_ctx read as struct ${ctx}, which only ${RUN_CONTEXTS[ctx]} set`, chain: chain(l) },
        enforced,
      };
  }
  const sentence = docPrecondition(fn.doc);
  if (sentence)
    return {
      found: {
        kind: 'doc',
        what: `its kernel-doc: "${sentence.slice(0, 140)}"`,
        chain: `${fn.name}() kernel-doc at ${fn.file}:${fn.line}`,
      },
      enforced,
    };
  const ops = levels.find((l) => OPS_CALLER_CHECK.test(l.c.name));
  if (ops) return { found: { kind: 'ops', what: `${ops.c.name}()`, chain: chain(ops) }, enforced };
  return { found: null, enforced };
}

/** Does the filter narrow the set by program type or attach point (what a context needs)? */
function narrows(tests: FilterTests | null, kind: Kind): boolean {
  if (!tests) return false;
  if (kind === 'runctx') return !!tests.attachType;
  return !!(tests.attachType || tests.progType);
}

export default defineRule({
  meta: {
    id: 'KF-REG-14',
    severity: 'warning',
    description: 'Report kfuncs whose context preconditions a broad registration or an incomplete .filter does not enforce',
    rationale:
      'A set registered for BPF_PROG_TYPE_UNSPEC is callable from every program type, and one registered for tracing from any kprobe, tracepoint or fentry, in any context. A kfunc that asserts a lock is held, a process context, a run context only some attach types set, or a documented calling context breaks unless a .filter narrows where it may be called. A filter that tests the attach type but not the program type is left to KF-REG-17.',
    kernels: '>=6.5',
    messages: {
      broad:
        '{name}() assumes its calling context ({what}) but set {set} is registered for {progType} without a .filter in {idSet} that narrows it: check the assumption holds for every such program or add a filter',
      structOps:
        '{name}() assumes its calling context ({what}) but set {set} is registered for every struct_ops program, and {idSet} has no .filter testing that the program implements {ops} (prog->aux->st_ops): programs of any other struct_ops can call it',
    },
  },
  check({ model, report }) {
    const audit = isAudit(model);
    const reviewed = new Set(reviewedKfuncs(model).map((k) => k.name));
    for (const r of model.registrations) {
      if (r.removed || r.side !== 'new' || !r.set) continue;
      const def = definitionOf(model, r.kfunc);
      for (const { idSet, calls } of idSetsOf(model, r.set, r.file)) {
        const kfuncCalls = calls.filter((c) => c.fn === 'register_btf_kfunc_id_set' && c.progType);
        const filterFn = idSet.filter ? definitionOf(model, idSet.filter) : undefined;
        const touched =
          audit ||
          reviewed.has(r.kfunc) ||
          r.added ||
          kfuncCalls.some((c) => c.added) ||
          idSet.added ||
          (!!filterFn && bodyTouched(model, filterFn));
        if (!touched) continue;
        const tests = filterFn ? filterTests(model, filterFn) : null;
        if (!def) continue;
        // A filter the review cannot see may narrow the set: only an absent or visible one is judged.
        if (idSet.filter && !filterFn) continue;
        const broad = kfuncCalls.filter((c) => ANY_CONTEXT_PROG_TYPES.has(c.progType!));
        const { found, enforced } = assumptionIn(model, def);
        // A set for STRUCT_OPS in a file that defines its own struct_ops: meant for that one.
        const ops = kfuncCalls.some((c) => c.progType === 'BPF_PROG_TYPE_STRUCT_OPS') ? structOpsRegistered(model, idSet.file) : null;
        if (ops && found && found.kind !== 'ops' && !enforced && !tests?.structOps) {
          report({
            messageId: 'structOps',
            data: { name: r.kfunc, what: found.what, set: r.set, idSet: idSet.name, ops: ops.name },
            kfunc: r.kfunc,
            file: def.file,
            line: def.line,
            key: `${idSet.name}:st_ops`,
            evidence: [
              `assumption: ${found.chain}`,
              `${idSet.file}:${ops.line} registers struct_ops ${ops.name}; ${idSet.name} at ${idSet.file}:${idSet.line} ${filterFn ? `has filter ${filterFn.name}(), which does not read prog->aux->st_ops` : 'has no .filter'}`,
              ...kfuncCalls
                .filter((c) => c.progType === 'BPF_PROG_TYPE_STRUCT_OPS')
                .map((c) => `registered for ${c.progType} at ${c.file}:${c.line}`),
            ],
          });
        }
        if (broad.length === 0) continue;
        if (!found || narrows(tests, found.kind)) continue;
        const strong = found.kind === 'lock' || found.kind === 'probe' || found.kind === 'runctx' || (found.kind === 'doc' && !enforced);
        const progType = [...new Set(broad.map((c) => c.progType!))].join('/');
        report({
          messageId: 'broad',
          severity: strong ? 'warning' : 'info',
          data: { name: r.kfunc, what: found.what, set: r.set, progType, idSet: idSet.name },
          kfunc: r.kfunc,
          file: def.file,
          line: def.line,
          key: idSet.name,
          evidence: [
            `assumption: ${found.chain}`,
            filterFn
              ? `set ${r.set} (entry at ${r.file}:${r.line}) wrapped by ${idSet.name} at ${idSet.file}:${idSet.line}, whose filter ${filterFn.name}() tests neither the program type nor the attach type${found.kind === 'runctx' ? ' the run context needs' : ''}`
              : `set ${r.set} (entry at ${r.file}:${r.line}) wrapped by ${idSet.name} at ${idSet.file}:${idSet.line}, which has no .filter`,
            ...broad.map((c) => `registered for ${c.progType} at ${c.file}:${c.line}`),
            ...(enforced && !strong
              ? ['the kfunc checks its caller at run time, so a wrong caller gets an error rather than a crash']
              : []),
          ],
        });
      }
    }
  },
});
