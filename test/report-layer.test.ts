// The report layer only prints: every format takes the same ReportInput (computed by the
// pipeline) and reads neither models nor mail threads, and a finding belongs to the patch it
// came from by the patch's key, not by a subject another patch may share.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { reviewText, mergeResults } from '../src/pipeline/review.js';
import { reviewReport } from '../src/pipeline/report-input.js';
import { REVIEW_FORMATS } from '../src/report/formats.js';
import { registry } from '../src/rules/index.js';

const ROOT = join(import.meta.dirname, '..');
const rules = registry.map((r) => r.meta);

describe('report layer', () => {
  it('imports only core and itself', () => {
    const dir = join(ROOT, 'src', 'report');
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) expect(m[1], `${name} imports ${m[1]}`).toMatch(/^(\.\/|\.\.\/core\/)/);
    }
  });

  it('ties findings to their patch by input and position, so equal subjects do not mix', async () => {
    const text = readFileSync(join(ROOT, 'fixtures', 'KF-SLEEP-01', 'bad-mutex-through-helper.patch'), 'utf8');
    const a = await reviewText(text, 'a.patch');
    const b = await reviewText(text, 'b.patch');
    expect(a.findings).toHaveLength(1);
    const input = reviewReport(mergeResults([a, b]));
    expect(input.patches.map((p) => p.key)).toEqual(['a.patch#0', 'b.patch#0']);
    expect(input.findings.map((f) => f.patch)).toEqual(['a.patch#0', 'b.patch#0']);
    // Same subject twice: each patch lists its own finding once.
    const out = REVIEW_FORMATS.text(input, rules);
    expect(out.match(/\[KF-SLEEP-01\]/g)).toHaveLength(2);
    const mail = REVIEW_FORMATS.email(input, rules);
    expect(mail.match(/\[KF-SLEEP-01\]$/gm)).toHaveLength(2);
    expect(JSON.parse(REVIEW_FORMATS.json(input, rules)).findings).toHaveLength(2);
    expect(JSON.parse(REVIEW_FORMATS.sarif(input, rules)).runs[0].results).toHaveLength(2);
  });
});
