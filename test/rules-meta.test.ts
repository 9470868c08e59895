// Keeps the rule lists from drifting: registry, rule files, docs, fixtures, README table and
// message ids all agree.
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../src/rules/index.js';
import { reviewText } from '../src/pipeline/review.js';
import { readFixtures, ruleFixtureDirs, FIXTURES } from './support/fixtures.js';
import { runAudit } from '../src/pipeline/audit/audit.js';
import type { Finding } from '../src/core/types.js';

const ROOT = join(FIXTURES, '..');
const ids = registry.map((r) => r.meta.id);
// Audit-only messages (whole-tree knowledge) are exercised by the fixture trees.
let auditFindings: Promise<Finding[]> | null = null;
const auditTrees = () =>
  (auditFindings ??= Promise.all(['_audit', '_audit_tree'].map((t) => runAudit(join(FIXTURES, t), { jobs: 1, cache: false }))).then((rs) =>
    rs.flatMap((r) => r.findings),
  ));

describe('rule registry', () => {
  it('is sorted and unique', () => {
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has a fixture folder for every rule and a rule for every fixture folder', () => {
    expect(ruleFixtureDirs()).toEqual([...ids].sort());
  });

  it('has one rule file per rule, named after its id', () => {
    const family = (id: string) => id.split('-')[1]!.toLowerCase();
    for (const id of ids) {
      const files = readdirSync(join(ROOT, 'src', 'rules', family(id))).filter((f) => f.startsWith(id.toLowerCase() + '-'));
      expect(files, `src/rules/${family(id)}/${id.toLowerCase()}-*.ts`).toHaveLength(1);
    }
  });

  for (const rule of registry) {
    const m = rule.meta;
    describe(m.id, () => {
      it('has complete metadata', () => {
        expect(['error', 'warning', 'info']).toContain(m.severity);
        expect(m.description.length).toBeGreaterThan(10);
        expect(m.rationale.length).toBeGreaterThan(20);
        expect(m.kernels).toBeTruthy();
        expect(Object.keys(m.messages).length).toBeGreaterThan(0);
      });

      it('has a doc page with a bad and a good example', () => {
        const doc = join(ROOT, 'docs', 'rules', `${m.id}.md`);
        expect(existsSync(doc), doc).toBe(true);
        const text = readFileSync(doc, 'utf8');
        expect(text).toMatch(new RegExp(`^# ${m.id}\\b`, 'm'));
        expect(text).toMatch(/^## Bad\b/m);
        expect(text).toMatch(/^## Good\b/m);
        expect(text).toMatch(/```c/);
        expect(text).toMatch(/^## Silencing\b/m);
      });

      it('has at least two bad and two ok fixtures', () => {
        const fx = readFixtures(m.id);
        expect(fx.filter((f) => f.kind === 'bad').length).toBeGreaterThanOrEqual(2);
        expect(fx.filter((f) => f.kind === 'ok').length).toBeGreaterThanOrEqual(2);
      });

      it('exercises every message in its fixtures', async () => {
        const seen = new Set<string>();
        for (const fx of readFixtures(m.id)) {
          const r = await reviewText(fx.text, fx.path, { kernel: fx.kernel });
          for (const f of r.findings) if (f.rule === m.id) seen.add(f.messageId);
        }
        for (const f of await auditTrees()) if (f.rule === m.id) seen.add(f.messageId);
        expect([...seen].sort()).toEqual(Object.keys(m.messages).sort());
      });

      it('is listed in the README with its severity and doc link', () => {
        const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
        expect(readme).toContain(`[${m.id}](docs/rules/${m.id}.md)`);
        expect(readme).toMatch(new RegExp(`\\[${m.id}\\]\\(docs/rules/${m.id}\\.md\\)\\s*\\|\\s*${m.severity}\\s*\\|`));
      });
    });
  }
});
