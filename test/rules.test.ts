// Runs every fixture of every rule through the real engine: the findings of the fixture's
// rule (and of any other rule it names) must match its Expect lines exactly.
import { describe, it, expect } from 'vitest';
import { reviewText } from '../src/pipeline/review.js';
import { registry } from '../src/rules/index.js';
import { readFixtures, key } from './support/fixtures.js';

for (const rule of registry) {
  const id = rule.meta.id;
  describe(id, () => {
    for (const fx of readFixtures(id)) {
      it(fx.name, async () => {
        if (fx.kind === 'bad')
          expect(fx.expect.filter((e) => e.rule === id).length, `${fx.name} has no Expect line for ${id}`).toBeGreaterThan(0);
        else expect(fx.none || fx.expect.length > 0, `${fx.name} must say "Expect: none" or list findings`).toBe(true);
        const result = await reviewText(fx.text, fx.path, { kernel: fx.kernel });
        // a fixture is a clean patch: recovery would mean its @@ counts are wrong
        expect(result.warnings, `${fx.name} needed recovery: fix its @@ counts (node scripts/recount-hunks.mjs)`).toEqual([]);
        const rules = new Set([id, ...fx.expect.map((e) => e.rule)]);
        const got = result.findings
          .filter((f) => rules.has(f.rule))
          .map((f) => key({ rule: f.rule, kfunc: f.kfunc, file: f.file, line: f.line }))
          .sort();
        expect(got).toEqual(fx.expect.map(key).sort());
        for (const f of result.findings.filter((x) => x.rule === id)) {
          expect(f.evidence.length, `${id} finding on ${f.kfunc} carries no evidence`).toBeGreaterThan(0);
          expect(f.message).toContain(f.kfunc);
        }
      });
    }
  });
}
