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
import type { FunctionDef, KfuncDef, PatchModel } from '../../model/model.js';
import type { Report, Verdict } from '../contract.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { IndexFlowAnalyzer, type ParamFlow, type Sink, type GuardStatus } from '../../facts/index/args.js';
import { evaluateKfunc, type ArgVerdict, summary, tableByAccess } from '../../facts/semantics/index.js';
import { isAudit } from '../../model/c-query.js';
import { claimsFor } from '../../facts/disputes.js';
import { type PlanContext, chainCallees } from './plan-context.js';
import { indexRules, siblingRule } from './guard-reports.js';
import { sizeRules, szPairing, untrustedPointers } from './buffer-reports.js';
import { ambiguousZero, errnoFromUnsigned, sentinelConsistency, warnRule } from '../ret/return-reports.js';

export interface PlannedReport {
  rule: string;
  report: Report;
}

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

/** Runs every index and return rule over the reviewed kfuncs; the rule modules report through it. */
class Planner implements PlanContext {
  private readonly a: IndexFlowAnalyzer;
  private readonly out: PlannedReport[] = [];
  private readonly flowCache = new Map<string, ParamFlow[]>();
  private readonly audit: boolean;

  constructor(readonly model: PatchModel) {
    this.a = new IndexFlowAnalyzer(model);
    this.audit = isAudit(model);
  }

  flows(fn: FunctionDef): ParamFlow[] {
    let f = this.flowCache.get(fn.name);
    if (!f) {
      f = this.a.flows(fn);
      this.flowCache.set(fn.name, f);
    }
    return f;
  }

  push(rule: string, report: Report): void {
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
        const idx = indexRules(this, k, f, v);
        siblingRule(this, k, f, v, idx);
        warnRule(this, k, f, v);
        sizeRules(this, k, f);
      }
      ambiguousZero(this, k, flows);
      errnoFromUnsigned(this, k);
      sentinelConsistency(this, k);
      untrustedPointers(this, k);
      szPairing(this, k);
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
      chainCallees(x).some((c) => !!summary(c));
    if (!flows.some((f) => f.sinks.some(modelled))) return m;
    try {
      for (const v of evaluateKfunc(k, { functions: this.model.functions, enums: this.model.enums })) m.set(v.param, v);
    } catch {
      // The engine gave up on this body (syntax it does not model): the syntax layer decides.
    }
    return m;
  }

  claims(f: ParamFlow, guard: string | null, verdict: Verdict | undefined, status: GuardStatus | null): NonNullable<Report['claims']> {
    return claimsFor({ paramType: f.type, suffix: f.suffix, guard, verdict, enums: this.model.enums, guardComplete: status === 'complete' });
  }
}
