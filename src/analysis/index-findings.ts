// Combines the syntax layer (./index-args.ts) with the semantics engine (./semantics) into the
// reports of the index, size and return-convention rules (KF-IDX-01..07, KF-RET-01..03).
// Computed once per model; each rule file picks its own reports. Keeping the decision in one
// place lets a finding appear under exactly one rule (e.g. KF-IDX-03 only when no IDX-01/02/04
// finding covers the parameter).
//
// Verdict policy (docs/rules/KF-IDX-01.md):
//   confirmed       error, with the model's witness (value, config, array, bound)
//   warn-reachable  no index finding; KF-RET-01 reports the WARN (also when confirmed + warn)
//   refuted         dropped
//   unconfirmed     warning when the syntax evidence is strong (visible unguarded access, or a
//                   known indexing callee), else nothing
import type { FunctionDef, KfuncDef, PatchModel } from './model.js';
import type { SyntaxNode } from './c-parser.js';
import type { Report, Verdict } from '../types.js';
import { reviewedKfuncs, snippet } from './c-query.js';
import { IndexFlowAnalyzer, type ParamFlow, type Sink, type GuardStatus } from './index-args.js';
import { evaluateKfunc, type ArgVerdict, summary, tableByAccess, classifyType } from './semantics/index.js';
import { isAudit } from './c-query.js';
import { claimsFor } from './disputes.js';

export interface PlannedReport {
  rule: string;
  report: Report;
}

const INDEX_KINDS = new Set(['subscript', 'offset', 'bit', 'callee']);
const RANK: Record<GuardStatus, number> = { none: 0, 'lower-only': 1, 'upper-only': 2, complete: 3 };
const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ERANGE: 34, ENOSYS: 38, ENODATA: 61,
  EOVERFLOW: 75, EOPNOTSUPP: 95, ENOTSUPP: 524,
};

/** Callees that only print or trace a value. */
const LOGGING = /^(printk|pr_\w+|dev_\w+|WARN\w*|BUG\w*|trace_\w+|\w*_error|\w*_err|\w*_warn\w*|\w*_dbg|\w*_info|bpf_log|verbose|snprintf|scnprintf|seq_printf)$/;

const cache = new WeakMap<PatchModel, PlannedReport[]>();

/** Every report of the KF-IDX-* and KF-RET-* rules for this model (computed once). */
export function indexFindings(model: PatchModel): PlannedReport[] {
  let out = cache.get(model);
  if (!out) {
    out = new Planner(model).run();
    cache.set(model, out);
  }
  return out;
}

export function reportsFor(model: PatchModel, rule: string): Report[] {
  return indexFindings(model).filter((p) => p.rule === rule).map((p) => p.report);
}

type Claims = NonNullable<Report['claims']>;

/** Guard text without its `(fn:line)` place. */
const bare = (t: string) => t.replace(/ \([\w.]+:\d+\)$/, '');

function familyOf(name: string): string {
  return name.split('_').filter(Boolean).slice(0, 2).join('_');
}

/** First meaningful word of a callee name: `memcg_events` -> memcg. */
function calleeFamily(name: string): string | null {
  const w = name.replace(/^_+/, '').split('_').find((x) => x && !/^(bpf|get|put|read|write|do|the|atomic|READ|WRITE)$/.test(x));
  return w ?? null;
}

class Planner {
  private readonly a: IndexFlowAnalyzer;
  private readonly out: PlannedReport[] = [];
  private readonly flowCache = new Map<string, ParamFlow[]>();
  private readonly audit: boolean;

  constructor(private readonly model: PatchModel) {
    this.a = new IndexFlowAnalyzer(model);
    this.audit = isAudit(model);
  }

  private flows(fn: FunctionDef): ParamFlow[] {
    let f = this.flowCache.get(fn.name);
    if (!f) {
      f = this.a.flows(fn);
      this.flowCache.set(fn.name, f);
    }
    return f;
  }

  private push(rule: string, report: Report): void {
    // Review what the patch adds or changes: an old line of an existing kfunc is shown at info.
    const k = this.model.kfuncs.find((x) => x.name === report.kfunc && x.side === 'new');
    const file = this.model.files.find((f) => f.path === report.file);
    if (!this.audit && k && k.status !== 'added' && file && !file.addedLines.has(report.line)) {
      report = { ...report, severity: 'info', evidence: [...(report.evidence ?? []), 'pre-existing: this line is not changed by the patch'] };
    }
    this.out.push({ rule, report });
  }


  run(): PlannedReport[] {
    for (const k of reviewedKfuncs(this.model)) {
      const flows = this.flows(k);
      const verdicts = this.verdicts(k, flows);
      for (const f of flows) {
        const v = verdicts.get(f.name);
        const idx = this.indexRules(k, f, v);
        this.siblingRule(k, f, v, idx);
        this.warnRule(k, f, v);
        this.sizeRules(k, f);
      }
      this.ambiguousZero(k, flows);
      this.errnoFromUnsigned(k);
      this.sentinelConsistency(k);
      this.untrustedPointers(k);
      this.szPairing(k);
    }
    return this.out;
  }

  private verdicts(k: KfuncDef, flows: ParamFlow[]): Map<string, ArgVerdict> {
    const m = new Map<string, ArgVerdict>();
    // The engine only decides for values that reach an index (or a callee it may model).
    // Only values that reach a modelled table or a summarised callee can get a verdict other
    // than `unconfirmed`, so the (costly) probing runs only for those.
    const modelled = (x: Sink) =>
      (x.kind === 'subscript' && !!tableByAccess(x.target)) ||
      x.chain.split(' -> ').slice(1).some((c) => !!summary(c.replace(/[([].*$/, '')));
    if (!flows.some((f) => f.sinks.some(modelled))) return m;
    try {
      for (const v of evaluateKfunc(k, { functions: this.model.functions, enums: this.model.enums })) m.set(v.param, v);
    } catch {
      // The engine gave up on this body (syntax it does not model): the syntax layer decides.
    }
    return m;
  }

  // ------------------------------------------------------------ claims

  private claims(f: ParamFlow, guard: string | null, verdict: Verdict | undefined, status: GuardStatus | null): Claims {
    return claimsFor({ paramType: f.type, suffix: f.suffix, guard, verdict, enums: this.model.enums, guardComplete: status === 'complete' });
  }

  // ------------------------------------------------------------ KF-IDX-01/02/04

  private siblingGuard(k: KfuncDef, f: ParamFlow): { name: string; param: string; guard: string; where: string } | null {
    const myCallees = new Set(f.sinks.flatMap((s) => s.chain.split(' -> ').slice(1).map((c) => c.replace(/\(.*$/, '').replace(/\[.*$/, ''))));
    const myFamilies = new Set([...myCallees].map(calleeFamily).filter((x): x is string => !!x));
    for (const s of this.model.kfuncs) {
      if (s.side !== 'new' || s.name === k.name || s.file !== k.file) continue;
      for (const q of this.flows(s)) {
        const guarded = q.sinks.find((x) => x.status !== 'none' && x.facts.texts.length);
        if (!guarded) continue;
        const sameEnum = q.ctype.kind === 'enum' && q.type === f.type;
        const sameName = q.name === f.name && q.type === f.type;
        const theirs = q.sinks.flatMap((x) => x.chain.split(' -> ').slice(1).map((c) => c.replace(/\(.*$/, '').replace(/\[.*$/, '')));
        const sameFamily = theirs.some((c) => myCallees.has(c) || myFamilies.has(calleeFamily(c) ?? '\0'));
        if (!sameEnum && !sameName && !sameFamily) continue;
        const t = guarded.facts.texts[0]!;
        const where = /\(([\w.]+):(\d+)\)$/.exec(t);
        return { name: s.name, param: q.name, guard: bare(t), where: where ? `${s.file}:${where[2]}` : `${s.file}:${s.line}` };
      }
    }
    return null;
  }

  private indexRules(k: KfuncDef, f: ParamFlow, v: ArgVerdict | undefined): boolean {
    const sinks = f.sinks.filter((s) => INDEX_KINDS.has(s.kind));
    const worst = [...sinks].sort((x, y) => RANK[x.status] - RANK[y.status] || x.depth - y.depth)[0];
    const verdict = v?.verdict;
    if (verdict === 'warn-reachable' || verdict === 'refuted') return false;
    if (verdict !== 'confirmed' && (!worst || worst.status === 'complete')) return false;

    const guard = worst && worst.facts.texts.length ? bare(worst.facts.texts[0]!) : null;
    const status = worst?.status ?? 'none';
    let rule: string;
    let messageId: string;
    if (status === 'none') {
      const direct = worst ? worst.depth === 0 && worst.kind !== 'callee' : false;
      rule = direct ? 'KF-IDX-01' : 'KF-IDX-02';
      messageId = direct ? 'unchecked' : 'uncheckedCallee';
    } else {
      rule = 'KF-IDX-04';
      messageId = 'incompleteGuard';
    }
    const confirmed = verdict === 'confirmed';
    const severity = confirmed ? 'error' : 'warning';
    const line = worst?.entryLine ?? k.line;
    const chain = confirmed && v ? v.chain : worst?.chain ?? `${k.name}(${f.name})`;
    let target = worst ? (worst.kind === 'callee' || worst.depth > 0 ? worst.chain.split(' -> ')[1]!.replace(/\(.*$/, '') : worst.target) : v?.array ?? '?';
    if (worst?.kind === 'bit' && worst.depth === 0) target = `a bitmap (${worst.target}())`;
    const sib = status === 'none' ? this.siblingGuard(k, f) : null;

    const consequence = confirmed && v?.witness
      ? `the memcg semantics model reads ${v.array ?? 'the table'} out of bounds with ${f.name} = ${v.witness.argValue} (${v.witness.config})`
      : `the verifier passes any ${f.ctype.signed ? 'signed' : 'unsigned'} ${f.ctype.bits}-bit value, so nothing stops an out-of-range ${f.name}`;
    let gap = '';
    if (status === 'upper-only') gap = `does not reject negative values (${f.name} is \`${f.type}\`, so the comparison is signed)`;
    else if (status === 'lower-only') gap = 'has no upper bound';
    else if (status === 'complete') gap = `does not hold on every kernel config (the bound it uses is not the size of ${v?.array ?? 'the table'} everywhere)`;
    const fix = status === 'upper-only'
      ? `add \`${f.name} < 0 ||\` or compare \`(u32)${f.name}\``
      : status === 'lower-only' ? `add the upper bound` : `compare against ${v?.bound?.name ?? 'the real table size'}`;

    const ev: string[] = [];
    ev.push(`parameter ${f.name}: \`${f.type}\` -> ${f.domain}`);
    ev.push(`chain: ${chain}`);
    if (worst) ev.push(`sink: \`${worst.text}\` at ${worst.file}:${worst.line}`);
    if (confirmed && v) ev.push(...v.evidence.filter((e) => !e.startsWith('parameter ') && !e.startsWith('chain: ')));
    else ev.push(`verdict: ${verdict ?? 'unconfirmed'} (no semantics model covers ${worst?.target ?? 'this access'}; the finding rests on the syntax)`);
    if (guard) ev.push(`guard found: \`${guard}\` -- it ${gap}`);
    else ev.push(`guard: none before the access (no early return on a bound, no clamp/array_index_nospec, no validator)`);
    if (worst?.facts.assumed.length) ev.push(`validator trusted by name (body not visible): ${worst.facts.assumed.join(', ')}`);
    if (sib) ev.push(`sibling ${sib.name}() validates ${sib.param} with \`${sib.guard}\` (${sib.where}); a similar check here is the suggested fix`);
    const data: Record<string, string> = { name: k.name, param: f.name, target, consequence, guard: guard ?? '', gap, fix };
    this.push(rule, {
      messageId, data, kfunc: k.name, file: k.file, line, evidence: ev, severity, key: f.name,
      verdict: verdict ?? 'unconfirmed', claims: this.claims(f, guard ?? v?.guard ?? null, verdict ?? 'unconfirmed', status),
    });
    return true;
  }

  // ------------------------------------------------------------ KF-IDX-03

  /**
   * A sibling that bounds a parameter of the same role: the same enum type reaching an index,
   * or the same callee/array reached with an upper-bound check in the sibling.
   */
  private strictSibling(k: KfuncDef, f: ParamFlow, open: Sink[]): { sink: Sink; name: string; param: string; guard: string; where: string } | null {
    for (const s of this.model.kfuncs) {
      if (s.side !== 'new' || s.name === k.name || s.file !== k.file) continue;
      for (const q of this.flows(s)) {
        for (const g of q.sinks) {
          if (g.status !== 'complete' && g.status !== 'upper-only') continue;
          if (!g.facts.upper && !g.facts.complete) continue;
          const t = g.facts.texts.find((x) => x.includes(`(${s.name}:`));
          if (!t) continue;
          const mine = open.find((o) => (o.target === g.target && o.kind === g.kind) || (q.ctype.kind === 'enum' && q.type === f.type && INDEX_KINDS.has(g.kind)));
          if (!mine) continue;
          const where = /\(([\w.]+):(\d+)\)$/.exec(t);
          return { sink: mine, name: s.name, param: q.name, guard: bare(t), where: where ? `${s.file}:${where[2]}` : `${s.file}:${s.line}` };
        }
      }
    }
    return null;
  }

  private siblingRule(k: KfuncDef, f: ParamFlow, v: ArgVerdict | undefined, covered: boolean): void {
    if (covered || v?.verdict === 'refuted' || v?.verdict === 'warn-reachable') return;
    if (/flags?$/.test(f.name) || f.suffix === '__sz' || f.suffix === '__szk') return;
    const open = f.sinks.filter((s) => (INDEX_KINDS.has(s.kind) || s.kind === 'call') && s.status === 'none' && !LOGGING.test(s.target));
    if (!open.length) return;
    const sib = this.strictSibling(k, f, open);
    if (!sib) return;
    const s = sib.sink;
    this.push('KF-IDX-03', {
      messageId: 'siblingChecks', kfunc: k.name, file: k.file, line: s.entryLine, key: f.name, severity: 'warning',
      data: { name: k.name, param: f.name, target: s.target, sibling: sib.name, sibParam: sib.param, guard: sib.guard },
      verdict: v?.verdict ?? 'unconfirmed',
      evidence: [
        `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
        `${f.name} reaches \`${s.text}\` (${s.file}:${s.line}) with no check: ${s.chain}`,
        `sibling ${sib.name}() validates ${sib.param} with \`${sib.guard}\` (${sib.where}); suggested fix: the same check before ${s.target}()`,
        `verdict: ${v?.verdict ?? 'unconfirmed'} (${s.target}() is not visible and no model describes it)`,
      ],
      claims: this.claims(f, null, v?.verdict ?? 'unconfirmed', 'none'),
    });
  }

  // ------------------------------------------------------------ KF-RET-01 (model)

  private warnRule(k: KfuncDef, f: ParamFlow, v: ArgVerdict | undefined): void {
    if (!v?.warn || (v.verdict !== 'confirmed' && v.verdict !== 'warn-reachable')) return;
    const w = v.warn;
    const entry = f.sinks.find((s) => s.depth === 0 || s.entryLine)?.entryLine ?? k.line;
    const guard = v.guard;
    const ev = [
      `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
      `chain: ${w.chain}`,
      `input (${w.config}): ${f.name} = ${w.label} -> WARN_ONCE "${w.message}", returns ${w.returnsText}` + (w.returns === 'zero' ? ' (a real counter can be 0; the error value of these kfuncs is -1)' : ''),
    ];
    if (w.reach) ev.push(`reach: ${w.reach} hit the WARN on ${w.config}`);
    ev.push(guard ? `guard: \`${guard}\` keeps ${f.name} inside ${v.array ?? 'the table'} but does not reject untracked items` : `no guard: ${v.verdict === 'confirmed' ? 'a plain range check would stop the out-of-bounds read (KF-IDX-01/02) but not this WARN' : 'nothing rejects untracked items'}`);
    ev.push(`fix: also reject items the table does not track (e.g. a *_valid() helper that tests the 0xFF sentinel) and return -1`);
    ev.push(`per config: ${Object.entries(v.perConfig).map(([c, x]) => `${c} ${x}`).join(', ')}`);
    this.push('KF-RET-01', {
      messageId: 'warnReachable', kfunc: k.name, file: k.file, line: entry, key: `warn:${f.name}`, severity: 'warning',
      verdict: 'warn-reachable',
      data: { name: k.name, param: f.name, value: w.name ? `${w.value} (${w.name})` : w.value, message: w.message, returns: w.returnsText },
      evidence: ev,
      claims: this.claims(f, guard, 'warn-reachable', guard ? 'complete' : 'none'),
    });
  }

  // ------------------------------------------------------------ KF-RET-01 (syntax)

  private ambiguousZero(k: KfuncDef, flows: ParamFlow[]): void {
    const rt = classifyType(k.returnType);
    if (rt.kind !== 'int') return;
    const indexed = flows.filter((f) => f.sinks.some((s) => INDEX_KINDS.has(s.kind) || s.kind === 'call'));
    if (!indexed.length) return;
    const rets = k.body.descendantsOfType('return_statement');
    const real = rets.some((r) => {
      const e = r.namedChildren[0];
      return e && !/^\(?\s*-?\s*(\d+|[A-Z_][A-Z0-9_]*|true|false)\s*\)?$/.test(e.text);
    });
    if (!real) return;
    // 0 is only ambiguous when some success path (a non-constant return) can produce it.
    const successes = rets.filter((r) => {
      const e = r.namedChildren[0];
      return e && !/^\(?\s*-?\s*(\d+|[A-Z_][A-Z0-9_]*|true|false)\s*\)?$/.test(e.text);
    });
    if (successes.every((r) => neverZero(r))) return;
    for (const s of k.body.namedChildren) {
      if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
      const cons = s.childForFieldName('consequence');
      const ret = cons?.type === 'return_statement' ? cons : cons?.type === 'compound_statement' ? cons.namedChildren.filter((c) => c.type !== 'comment').at(-1) : null;
      if (!ret || ret.type !== 'return_statement' || !/^(0|0[uU][lL]*)$/.test(ret.namedChildren[0]?.text ?? '')) continue;
      const cond = s.childForFieldName('condition')!;
      const f = indexed.find((x) => cond.descendantsOfType('identifier').some((i) => i.text === x.name));
      if (!f) continue;
      this.push('KF-RET-01', {
        messageId: 'ambiguousZero', kfunc: k.name, file: k.file, line: ret.startPosition.row + 1, key: `zero:${f.name}`,
        data: { name: k.name, param: f.name, guard: snippet(cond, 80).replace(/^\((.*)\)$/, '$1') },
        evidence: [
          `guard: \`if ${snippet(cond, 80)}\` returns 0 at ${k.file}:${ret.startPosition.row + 1}`,
          `other paths return a value read for ${f.name} (return type \`${k.returnType}\`), so 0 is also a valid result`,
          `fix: return an out-of-band value, e.g. \`(${k.returnType})-1\` as the memcg stat kfuncs do, or -EINVAL from an int kfunc, and document it under Return:`,
        ],
      });
    }
  }

  // ------------------------------------------------------------ KF-RET-02

  private errnoFromUnsigned(k: KfuncDef): void {
    const rt = classifyType(k.returnType);
    if ((rt.kind !== 'int' && rt.kind !== 'bool') || (rt.kind === 'int' && rt.signed)) return;
    for (const r of k.body.descendantsOfType('return_statement')) {
      const e = r.namedChildren[0];
      if (!e) continue;
      const x = e.type === 'parenthesized_expression' ? e.namedChildren[0]! : e;
      if (x.type !== 'unary_expression' || x.childForFieldName('operator')?.text !== '-') continue;
      const name = x.childForFieldName('argument')?.text ?? '';
      if (!/^E[A-Z0-9]+$/.test(name)) continue;
      const n = ERRNO[name];
      const seen = rt.kind === 'bool' ? 'true' : n !== undefined ? `${(1n << BigInt(rt.bits)) - BigInt(n)}` : `a huge positive value`;
      this.push('KF-RET-02', {
        messageId: 'errnoFromUnsigned', kfunc: k.name, file: k.file, line: r.startPosition.row + 1, key: `${name}:${r.startPosition.row + 1}`,
        data: { name: k.name, value: `-${name}`, type: k.returnType, seen },
        evidence: [
          `return type \`${k.returnType}\` is ${rt.kind === 'bool' ? 'bool' : `unsigned (${rt.bits} bits)`}`,
          `\`return -${name};\` at ${k.file}:${r.startPosition.row + 1} reaches BPF as ${seen}`,
          `fix: return an int (negative errno) or document an unsigned sentinel such as \`(${k.returnType})-1\``,
        ],
      });
    }
  }

  // ------------------------------------------------------------ KF-RET-03

  /** Failure values a kfunc returns when a scalar-parameter check fails. */
  private failureClass(k: FunctionDef): { cls: string; text: string; line: number } | null {
    const scal = new Set(k.params.filter((p) => !p.pointer).map((p) => p.name));
    if (!scal.size) return null;
    for (const s of k.body.namedChildren) {
      if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
      const cond = s.childForFieldName('condition')!;
      if (!cond.descendantsOfType('identifier').some((i) => scal.has(i.text))) continue;
      const cons = s.childForFieldName('consequence');
      const ret = cons?.type === 'return_statement' ? cons : cons?.type === 'compound_statement' ? cons.namedChildren.filter((c) => c.type !== 'comment').at(-1) : null;
      const e = ret?.type === 'return_statement' ? ret.namedChildren[0] : null;
      if (!e) continue;
      const t = e.text.replace(/\s+/g, '');
      let cls: string;
      if (/^(\([\w ]+\))?-1$|^(U8|U16|U32|U64|ULONG|UINT|ULLONG|S64|LONG)_MAX$|^~0[uUlL]*$/.test(t)) cls = '-1 (all ones)';
      else if (/^(0|false|NULL)$/.test(t)) cls = '0';
      else if (/^-E[A-Z0-9]+$/.test(t)) cls = '-errno';
      else continue;
      return { cls, text: e.text, line: e.startPosition.row + 1 };
    }
    return null;
  }

  private sentinelConsistency(k: KfuncDef): void {
    const mine = this.failureClass(k);
    if (!mine) return;
    const sibs = this.model.kfuncs.filter((s) => s.side === 'new' && s.file === k.file && s.name !== k.name && familyOf(s.name) === familyOf(k.name) && s.returnType === k.returnType);
    const classes = sibs.map((s) => ({ s, c: this.failureClass(s) })).filter((x) => x.c);
    const other = classes.filter((x) => x.c!.cls !== mine.cls);
    if (!other.length) return;
    const same = classes.length - other.length + 1;
    const counts = new Map<string, number>();
    for (const x of other) counts.set(x.c!.cls, (counts.get(x.c!.cls) ?? 0) + 1);
    const [topCls, topN] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    // Report the odd one out; on a tie, the later definition.
    const ref = other.find((x) => x.c!.cls === topCls)!;
    if (same > topN || (same === topN && k.line < ref.s.line)) return;
    this.push('KF-RET-03', {
      messageId: 'inconsistentSentinel', kfunc: k.name, file: k.file, line: mine.line, key: 'sentinel',
      data: { name: k.name, mine: mine.text, sibling: ref.s.name, theirs: ref.c!.text },
      evidence: [
        `${k.name}() returns \`${mine.text}\` (${mine.cls}) when its argument check fails (${k.file}:${mine.line})`,
        ...other.slice(0, 3).map((x) => `sibling ${x.s.name}() returns \`${x.c!.text}\` (${x.c!.cls}) on the same kind of failure (${x.s.file}:${x.c!.line})`),
        `fix: use one documented failure value across the ${familyOf(k.name)}_* family`,
      ],
    });
  }

  // ------------------------------------------------------------ KF-IDX-05/06

  private paired(k: KfuncDef, f: ParamFlow): string | null {
    if (f.suffix !== '__sz' && f.suffix !== '__szk') return null;
    const i = k.params.findIndex((p) => p.name === f.name);
    const prev = i > 0 ? k.params[i - 1] : undefined;
    return prev?.pointer ? prev.name : null;
  }

  private sizeRules(k: KfuncDef, f: ParamFlow): void {
    // A __k argument is a verifier-known constant (e.g. the type size bpf_obj_new_impl gets).
    if (f.suffix === '__k') return;
    const buf = this.paired(k, f);
    for (const s of f.sinks) {
      if (s.status === 'complete') continue;
      if (s.kind === 'length') {
        // A paired __sz length is verified for its own buffer only.
        if (buf && (s.depth > 0 || new RegExp(`\\b${buf}\\b`).test(s.text))) continue;
        this.push('KF-IDX-05', {
          messageId: 'unpairedLength', kfunc: k.name, file: k.file, line: s.entryLine, key: `${f.name}:${s.target}:${s.line}`,
          data: { name: k.name, param: f.name, callee: s.target },
          evidence: [
            `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
            `length sink: \`${s.text}\` at ${s.file}:${s.line} (${s.chain})`,
            buf ? `${f.name} is the __sz of ${buf}, but the copy does not use ${buf}: the verifier checked only ${buf}` : `${f.name} has no __sz/__szk suffix after a buffer parameter, so the verifier did not check any region against it`,
            s.status === 'upper-only' ? `guard: \`${bare(s.facts.texts[0]!)}\` misses negative values (${f.type} is signed; a negative length becomes a huge size_t)` : 'guard: none limits it to the size of the object copied',
            `fix: pass it as \`void *buf, u32 buf__sz\`, or check \`${f.name} <= sizeof(...)\` first`,
          ],
        });
      } else if (s.kind === 'alloc' || s.kind === 'loop') {
        if (buf) continue;
        this.push('KF-IDX-06', {
          messageId: s.kind === 'alloc' ? 'unboundedAlloc' : 'unboundedLoop', kfunc: k.name, file: k.file, line: s.entryLine,
          key: `${f.name}:${s.kind}:${s.line}`,
          data: { name: k.name, param: f.name, callee: s.target },
          evidence: [
            `parameter ${f.name}: \`${f.type}\` -> ${f.domain}`,
            `${s.kind === 'alloc' ? 'allocation size' : 'loop bound'}: \`${s.text}\` at ${s.file}:${s.line} (${s.chain})`,
            s.facts.texts.length ? `guard: \`${bare(s.facts.texts[0]!)}\` is not a complete cap` : 'guard: no maximum before it',
            s.kind === 'alloc' ? 'fix: cap it (e.g. `if (n > MAX_X) return -E2BIG;`) and use kcalloc()/array_size() for products' : 'fix: cap the count (cf. bpf_iter_num_new() and BPF_MAX_LOOPS) so a BPF program cannot stall the CPU',
          ],
        });
      }
    }
  }

  /** KF-IDX-05: `__sz` on a parameter that does not follow a pointer. */
  private szPairing(k: KfuncDef): void {
    k.params.forEach((p, i) => {
      if (p.suffix !== '__sz' && p.suffix !== '__szk') return;
      const prev = i > 0 ? k.params[i - 1] : undefined;
      if (prev?.pointer) return;
      this.push('KF-IDX-05', {
        messageId: 'szNotAfterPointer', kfunc: k.name, file: k.file, line: k.line, key: `sz:${p.name}`,
        data: { name: k.name, param: p.name },
        evidence: [
          `parameter ${i + 1} \`${p.type} ${p.name}\` carries ${p.suffix}`,
          prev ? `the parameter before it, \`${prev.type} ${prev.name}\`, is not a pointer` : 'it is the first parameter',
          'the verifier pairs a __sz/__szk size with the pointer right before it; here it checks no buffer',
        ],
      });
    });
  }

  // ------------------------------------------------------------ KF-IDX-07

  private untrustedPointers(k: KfuncDef): void {
    const READERS = /^(memcpy|memmove|memcmp|memchr|strcpy|strncpy|strscpy|strscpy_pad|strlcpy|strlen|strnlen|strcmp|strncmp|strchr|strstr|kstrdup|kstrndup|kmemdup|sprintf|snprintf|sscanf|simple_strtoul|kstrto\w+)$/;
    for (const p of k.params) {
      if (!p.pointer) continue;
      const user = /\b__user\b/.test(p.type);
      if (p.suffix !== '__ign' && !user) continue;
      const why = user ? `\`${p.type}\` is a user-space pointer` : `${p.name} carries __ign, so the verifier did not check what it points to`;
      for (const id of k.body.descendantsOfType('identifier')) {
        if (id.text !== p.name) continue;
        let n = id;
        while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'cast_expression')) n = n.parent;
        const par = n.parent;
        if (!par) continue;
        let how: string | null = null;
        if (par.type === 'pointer_expression' && par.childForFieldName('operator')?.text === '*') how = `dereferenced: \`${snippet(par, 60)}\``;
        else if (par.type === 'field_expression' && par.childForFieldName('argument')?.id === n.id) how = `dereferenced: \`${snippet(par, 60)}\``;
        else if (par.type === 'subscript_expression' && par.childForFieldName('argument')?.id === n.id) how = `indexed: \`${snippet(par, 60)}\``;
        else if (par.type === 'argument_list') {
          const call = par.parent!;
          const name = call.childForFieldName('function')?.text ?? '';
          if (READERS.test(name)) how = `passed to ${name}(), which reads kernel memory directly: \`${snippet(call, 60)}\``;
        }
        if (!how) continue;
        const line = par.startPosition.row + 1;
        this.push('KF-IDX-07', {
          messageId: 'untrustedDeref', kfunc: k.name, file: k.file, line, key: `${p.name}:${line}`,
          data: { name: k.name, param: p.name },
          evidence: [why, `${p.name} is ${how} at ${k.file}:${line}`, user ? 'fix: use copy_from_user()/strncpy_from_user() (sleepable) or the *_nofault variants' : 'fix: read it with copy_from_kernel_nofault()/copy_from_user_nofault() (or strncpy_from_*_nofault) and handle the fault'],
        });
      }
    }
  }
}

export type { Sink };

// ------------------------------------------------------------ sign of a returned value (KF-RET-01)

type Sign = 'neg' | 'pos' | 'nonneg' | null;

function unwrap(n: SyntaxNode): SyntaxNode {
  let x = n;
  for (;;) {
    if (x.type === 'parenthesized_expression' && x.namedChildren.length === 1) x = x.namedChildren[0]!;
    else if (x.type === 'call_expression' && /^(likely|unlikely)$/.test(x.childForFieldName('function')?.text ?? '')) {
      const a = x.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
      if (a.length !== 1) return x;
      x = a[0]!;
    } else return x;
  }
}

/** What `cond` being true says about the sign of `v` (`v < 0`, `0 > v`, `v <= 0`, `v > 0`, `v >= 0`). */
function signIf(cond: SyntaxNode, v: string, truth: boolean): Sign {
  const c = unwrap(cond);
  if (c.type !== 'binary_expression') return null;
  let o = c.childForFieldName('operator')?.text ?? '';
  let l = unwrap(c.childForFieldName('left')!);
  let r = unwrap(c.childForFieldName('right')!);
  if (r.type === 'identifier' && r.text === v) {
    [l, r] = [r, l];
    o = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[o] ?? o;
  }
  if (l.type !== 'identifier' || l.text !== v || r.text !== '0') return null;
  if (!truth) o = ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as Record<string, string>)[o] ?? '';
  return o === '<' ? 'neg' : o === '>' ? 'pos' : o === '>=' ? 'nonneg' : null;
}

function exits(stmt: SyntaxNode | null): boolean {
  if (!stmt) return false;
  if (stmt.type === 'return_statement' || stmt.type === 'goto_statement') return true;
  if (stmt.type !== 'compound_statement') return false;
  const last = stmt.namedChildren.filter((c) => c.type !== 'comment').at(-1);
  return !!last && exits(last);
}

function assigns(n: SyntaxNode, v: string): boolean {
  return n.descendantsOfType(['assignment_expression', 'update_expression']).some((a) => {
    const t = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('argument');
    return t?.type === 'identifier' && t.text === v;
  });
}

/** The sign of variable `v` at `at`, from the if-guards that dominate it in its function. */
function signAt(at: SyntaxNode, v: string): Sign {
  let node = at;
  while (node.parent) {
    const p = node.parent;
    if (p.type === 'if_statement') {
      const c = p.childForFieldName('condition');
      if (c && p.childForFieldName('consequence')?.id === node.id) { const s = signIf(c, v, true); if (s) return s; }
      if (c && p.childForFieldName('alternative')?.id === node.id) { const s = signIf(c, v, false); if (s) return s; }
    } else if (p.type === 'compound_statement') {
      const kids = p.namedChildren;
      const i = kids.findIndex((k) => k.id === node.id);
      for (let j = i - 1; j >= 0; j--) {
        const s = kids[j]!;
        if (s.type === 'if_statement' && !s.childForFieldName('alternative') && exits(s.childForFieldName('consequence'))) {
          const g = signIf(s.childForFieldName('condition')!, v, false);
          if (g) return g;
        }
        // An assignment between the guard and the use voids it.
        if (assigns(s, v)) return null;
      }
      if (p.parent?.type === 'function_definition') return null;
    }
    node = p;
  }
  return null;
}

/**
 * True when a `return` cannot return 0: `return v;` where a dominating guard makes v negative or
 * positive, or `return v + c;` (c a positive literal) where v is known to be non-negative.
 */
function neverZero(ret: SyntaxNode): boolean {
  const e0 = ret.namedChildren.find((c) => c.type !== 'comment');
  if (!e0) return false;
  const e = unwrap(e0);
  if (e.type === 'identifier') { const s = signAt(ret, e.text); return s === 'neg' || s === 'pos'; }
  if (e.type === 'binary_expression' && e.childForFieldName('operator')?.text === '+') {
    const l = unwrap(e.childForFieldName('left')!), r = unwrap(e.childForFieldName('right')!);
    const [v, c] = l.type === 'identifier' ? [l, r] : [r, l];
    if (v.type !== 'identifier' || c.type !== 'number_literal' || !/^[1-9]\d*[uUlL]*$/.test(c.text)) return false;
    const s = signAt(ret, v.text);
    return s === 'nonneg' || s === 'pos';
  }
  return false;
}
