// KF-RET-01: return a failure value that cannot be mistaken for a valid result. Two sources:
// the semantics verdicts (a WARN the model reaches; the index rules stay silent on such a
// parameter, see ../idx/index-finding.ts) and the syntax (an early `return 0` on a parameter check
// while a success path can also return 0, from src/facts/return-sign.ts via the facts context).
import type { KfuncDef } from '../../model/model.js';
import { reviewedKfuncs, snippet } from '../../model/c-query.js';
import type { Facts } from '../../facts/context.js';
import { type ParamFlow, INDEX_KINDS } from '../../facts/index/flow-types.js';
import { classifyType } from '../../facts/semantics/index.js';
import { defineRule, type Report } from '../contract.js';
import { finalStatement } from './shared.js';

type Reporter = (r: Report & { messageId: 'warnReachable' | 'ambiguousZero' }) => void;

/** A WARN_ONCE the semantics model reaches with this parameter (confirmed or warn-reachable). */
function warnReachable(report: Reporter, facts: Facts, k: KfuncDef, f: ParamFlow): void {
  const v = facts.verdicts(k).get(f.name);
  if (!v?.warn || (v.verdict !== 'confirmed' && v.verdict !== 'warn-reachable')) return;
  const w = v.warn;
  const entry = f.sinks.find((s) => s.depth === 0 || s.entryLine)?.entryLine ?? k.line;
  const guard = v.guard;
  const ev = [
    `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
    `chain: ${w.chain}`,
    `input (${w.config}): ${f.name} = ${w.label} -> WARN_ONCE "${w.message}", returns ${w.returnsText}` +
      (w.returns === 'zero' ? ' (a real counter can be 0; the error value of these kfuncs is -1)' : ''),
  ];
  if (w.reach) ev.push(`reach: ${w.reach} hit the WARN on ${w.config}`);
  ev.push(
    guard
      ? `guard: \`${guard}\` keeps ${f.name} inside ${v.array ?? 'the table'} but does not reject untracked items`
      : `no guard: ${v.verdict === 'confirmed' ? 'a plain range check would stop the out-of-bounds read (KF-IDX-01/02) but not this WARN' : 'nothing rejects untracked items'}`,
  );
  ev.push(`fix: also reject items the table does not track (e.g. a *_valid() helper that tests the 0xFF sentinel) and return -1`);
  ev.push(
    `per config: ${Object.entries(v.perConfig)
      .map(([c, x]) => `${c} ${x}`)
      .join(', ')}`,
  );
  report({
    messageId: 'warnReachable',
    kfunc: k.name,
    file: k.file,
    line: entry,
    key: `warn:${f.name}`,
    severity: 'warning',
    verdict: 'warn-reachable',
    data: { name: k.name, param: f.name, value: w.name ? `${w.value} (${w.name})` : w.value, message: w.message, returns: w.returnsText },
    evidence: ev,
    claims: facts.claims(f, guard, 'warn-reachable', guard ? 'complete' : 'none'),
  });
}

/** An early `return 0` on a check of an indexing parameter, while a success path can return 0 too. */
function ambiguousZero(report: Reporter, facts: Facts, k: KfuncDef, flows: ParamFlow[]): void {
  const rt = classifyType(k.returnType);
  if (rt.kind !== 'int') return;
  const indexed = flows.filter((f) => f.sinks.some((s) => INDEX_KINDS.has(s.kind) || s.kind === 'call'));
  if (!indexed.length) return;
  // 0 is only ambiguous when some success path can produce it.
  if (!facts.successMayReturnZero(k)) return;
  for (const s of k.body.namedChildren) {
    if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
    const ret = finalStatement(s.childForFieldName('consequence'));
    if (!ret || ret.type !== 'return_statement' || !/^(0|0[uU][lL]*)$/.test(ret.namedChildren[0]?.text ?? '')) continue;
    const cond = s.childForFieldName('condition')!;
    const f = indexed.find((x) => cond.descendantsOfType('identifier').some((i) => i.text === x.name));
    if (!f) continue;
    report({
      messageId: 'ambiguousZero',
      kfunc: k.name,
      file: k.file,
      line: ret.startPosition.row + 1,
      key: `zero:${f.name}`,
      data: { name: k.name, param: f.name, guard: snippet(cond, 80).replace(/^\((.*)\)$/, '$1') },
      evidence: [
        `guard: \`if ${snippet(cond, 80)}\` returns 0 at ${k.file}:${ret.startPosition.row + 1}`,
        `other paths return a value read for ${f.name} (return type \`${k.returnType}\`), so 0 is also a valid result`,
        `fix: return an out-of-band value, e.g. \`(${k.returnType})-1\` as the memcg stat kfuncs do, or -EINVAL from an int kfunc, and document it under Return:`,
      ],
    });
  }
}

export default defineRule({
  meta: {
    id: 'KF-RET-01',
    severity: 'warning',
    description: 'Return a failure value that cannot be mistaken for a valid result',
    rationale:
      'If a kfunc returns 0 for an invalid input while 0 is also a valid counter, a BPF program cannot tell them apart. The same happens when BPF input reaches an internal WARN_ONCE-and-return-0 path: the kernel warns (fatal under panic_on_warn) and the program gets a plausible 0.',
    kernels: 'all',
    messages: {
      warnReachable:
        '{name}() lets BPF reach WARN_ONCE "{message}" with {param} = {value} and then returns {returns} instead of its -1 error value; reject such {param} values in the kfunc',
      ambiguousZero:
        '{name}() returns 0 when `{guard}` rejects {param}, but 0 is also a valid result; return a distinct error value (e.g. -1 cast to the return type)',
    },
  },
  check({ model, facts, report }) {
    for (const k of reviewedKfuncs(model)) {
      const flows = facts.flows(k);
      for (const f of flows) warnReachable(report, facts, k, f);
      ambiguousZero(report, facts, k, flows);
    }
  },
});
