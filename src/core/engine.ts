// Runs the rules over one model and turns their reports into Findings: message templates,
// fingerprints, diff position, de-duplication and a stable order. Every rule gets the model's
// facts context (computed lazily, shared by the rules). A rule that throws is reported as a
// tool error and the other rules still run; so is a fact or a rule that stops at its work budget
// or at the stack depth: what was not reviewed is said, never dropped.
import { createHash } from 'node:crypto';
import type { PatchModel } from '../model/model.js';
import type { Finding } from './types.js';
import type { Report, Rule } from '../rules/contract.js';
import { factsFor, factStops } from '../facts/context.js';
import { withWork, WORK_LIMITS, type WorkStop } from '../model/work.js';

function stopText(why: WorkStop): string {
  return why.kind === 'budget'
    ? `its work budget of ${why.limit.toLocaleString('en-US')} steps was used up`
    : 'the code nests deeper than it can follow';
}

export interface EngineResult {
  findings: Finding[];
  /** Rule crashes, as one-line messages (never a stack trace). */
  errors: string[];
}

/** Code-unit order: deterministic in every locale, and without ICU's collator start-up cost. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function fingerprintOf(rule: string, kfunc: string, what: string): string {
  return createHash('sha256').update(`${rule}\0${kfunc}\0${what}`).digest('hex').slice(0, 16);
}

function interpolate(template: string, data: Report['data'], rule: string, id: string): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = data?.[k];
    if (v === undefined) throw new Error(`rule ${rule}: message ${id} needs data.${k}`);
    return String(v);
  });
}

export function runRules(model: PatchModel, rules: Rule[]): EngineResult {
  const findings = new Map<string, Finding>();
  // Per identity (rule, kfunc, message, key): the places reported so far. The same identity at
  // another place is a further occurrence (e.g. a second `return -EINVAL`), told apart by its
  // rank in report order, never by its line, so fingerprints survive line moves.
  const places = new Map<string, string[]>();
  const errors: string[] = [];
  const facts = factsFor(model);
  for (const rule of rules) {
    const report = (r: Report) => {
      const template = rule.meta.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id}: unknown message id ${r.messageId}`);
      const side = r.side ?? 'new';
      const file = model.files.find((f) => f.path === r.file);
      const onAddedLine = !!file && (side === 'new' ? file.addedLines.has(r.line) : file.removedLines.has(r.line));
      const inDiff =
        !!file && (side === 'old' ? file.removedLines.has(r.line) : file.shownRanges.some(([a, b]) => r.line >= a && r.line <= b));
      const f: Finding = {
        rule: rule.meta.id,
        severity: r.severity ?? rule.meta.severity,
        kfunc: r.kfunc,
        file: r.file,
        line: r.line,
        side,
        patch: model.subject,
        patchIndex: model.index,
        message: interpolate(template, r.data, rule.meta.id, r.messageId),
        evidence: r.evidence ?? [],
        fingerprint: '',
        onAddedLine,
        inDiff,
        messageId: r.messageId,
      };
      if (r.verdict) f.verdict = r.verdict;
      if (r.claims?.length) f.claims = r.claims;
      const what = `${r.messageId}\0${r.key ?? ''}`;
      const identity = `${rule.meta.id}\0${r.kfunc}\0${what}`;
      const place = `${side}:${r.file}:${r.line}`;
      const seen = places.get(identity) ?? [];
      let rank = seen.indexOf(place);
      if (rank < 0) {
        rank = seen.length;
        seen.push(place);
        places.set(identity, seen);
      }
      f.fingerprint = fingerprintOf(rule.meta.id, r.kfunc, rank === 0 ? what : `${what}\0#${rank}`);
      if (!findings.has(f.fingerprint)) findings.set(f.fingerprint, f);
    };
    try {
      const run = withWork(WORK_LIMITS.ruleSteps, () => rule.check({ model, facts, report }));
      if ('stopped' in run)
        errors.push(`rule ${rule.meta.id} stopped on ${model.subject || 'input'}: ${stopText(run.stopped)}; not reviewed by that rule`);
    } catch (err) {
      errors.push(`rule ${rule.meta.id} failed on ${model.subject || 'input'}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const s of factStops(model))
    errors.push(`${s.fn}(): the ${s.fact} analysis stopped: ${stopText(s.why)}; ${s.fn}() was not reviewed in full`);
  const out = [...findings.values()];
  out.sort((a, b) => byText(a.file, b.file) || a.line - b.line || byText(a.rule, b.rule) || byText(a.kfunc, b.kfunc));
  return { findings: out, errors };
}
