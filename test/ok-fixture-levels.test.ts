// An ok fixture is correct code: when it still lists findings of its own rule (a question worth
// asking, an attach target kept with the kfunc marker), they must be info, never a warning or an
// error that would fail a maintainer's CI.
import { describe, it, expect } from 'vitest';
import { reviewText } from '../src/pipeline/review.js';
import { registry } from '../src/rules/index.js';
import { readFixtures } from './support/fixtures.js';

describe('ok fixtures stay at info', () => {
  for (const rule of registry) {
    const id = rule.meta.id;
    const listed = readFixtures(id).filter((fx) => fx.kind === 'ok' && fx.expect.some((e) => e.rule === id));
    for (const fx of listed)
      it(`${id} ${fx.name}`, async () => {
        const r = await reviewText(fx.text, fx.path, { kernel: fx.kernel });
        const own = r.findings.filter((f) => f.rule === id);
        expect(own.length).toBeGreaterThan(0);
        expect(own.map((f) => `${f.kfunc}: ${f.severity}`)).toEqual(own.map((f) => `${f.kfunc}: info`));
      });
  }
});
