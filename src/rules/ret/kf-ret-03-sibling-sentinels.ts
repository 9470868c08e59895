// KF-RET-03: use the same failure value as sibling kfuncs of the same family.
// Compares what each kfunc returns when its scalar-argument check fails with its siblings'.
import type { FunctionDef } from '../../model/model.js';
import { reviewedKfuncs } from '../../model/c-query.js';
import { defineRule } from '../contract.js';
import { finalStatement } from './shared.js';

/** The family of a kfunc: the first two words of its name (`bpf_mem_cgroup_vm_events` -> bpf_mem). */
function familyOf(name: string): string {
  return name.split('_').filter(Boolean).slice(0, 2).join('_');
}

/** Failure values a kfunc returns when a scalar-parameter check fails. */
function failureClass(k: FunctionDef): { cls: string; text: string; line: number } | null {
  const scal = new Set(k.params.filter((p) => !p.pointer).map((p) => p.name));
  if (!scal.size) return null;
  for (const s of k.body.namedChildren) {
    if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
    const cond = s.childForFieldName('condition')!;
    if (!cond.descendantsOfType('identifier').some((i) => scal.has(i.text))) continue;
    const ret = finalStatement(s.childForFieldName('consequence'));
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

export default defineRule({
  meta: {
    id: 'KF-RET-03',
    severity: 'warning',
    description: 'Use the same failure value as sibling kfuncs of the same family',
    rationale:
      'BPF programs that call a family of kfuncs (e.g. the memcg stat readers) test one failure convention; a sibling that returns 0 where the others return -1 (or -EINVAL) is misread as a valid value.',
    kernels: 'all',
    messages: {
      inconsistentSentinel:
        '{name}() returns `{mine}` when its argument check fails, but its sibling {sibling}() returns `{theirs}`; use one failure convention for the family',
    },
  },
  check({ model, report }) {
    for (const k of reviewedKfuncs(model)) {
      const mine = failureClass(k);
      if (!mine) continue;
      const sibs = model.kfuncs.filter(
        (s) =>
          s.side === 'new' &&
          s.file === k.file &&
          s.name !== k.name &&
          familyOf(s.name) === familyOf(k.name) &&
          s.returnType === k.returnType,
      );
      const classes = sibs.map((s) => ({ s, c: failureClass(s) })).filter((x) => x.c);
      const other = classes.filter((x) => x.c!.cls !== mine.cls);
      if (!other.length) continue;
      const same = classes.length - other.length + 1;
      const counts = new Map<string, number>();
      for (const x of other) counts.set(x.c!.cls, (counts.get(x.c!.cls) ?? 0) + 1);
      const [topCls, topN] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      // Report the odd one out; on a tie, the later definition.
      const ref = other.find((x) => x.c!.cls === topCls)!;
      if (same > topN || (same === topN && k.line < ref.s.line)) continue;
      report({
        messageId: 'inconsistentSentinel',
        kfunc: k.name,
        file: k.file,
        line: mine.line,
        key: 'sentinel',
        data: { name: k.name, mine: mine.text, sibling: ref.s.name, theirs: ref.c!.text },
        evidence: [
          `${k.name}() returns \`${mine.text}\` (${mine.cls}) when its argument check fails (${k.file}:${mine.line})`,
          ...other
            .slice(0, 3)
            .map(
              (x) => `sibling ${x.s.name}() returns \`${x.c!.text}\` (${x.c!.cls}) on the same kind of failure (${x.s.file}:${x.c!.line})`,
            ),
          `fix: use one documented failure value across the ${familyOf(k.name)}_* family`,
        ],
      });
    }
  },
});
