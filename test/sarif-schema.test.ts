// SARIF that validates against the OASIS SARIF 2.1.0 schema (vendored in test/schemas/, see its
// README): a review, a series and an audit, each checked with ajv (with formats, so rule help
// URIs must be absolute URIs).
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { reviewText } from '../src/pipeline/review.js';
import { reviewReport, auditReport } from '../src/pipeline/report-input.js';
import { runAudit } from '../src/pipeline/audit/audit.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatAuditSarif } from '../src/report/audit.js';
import { registry } from '../src/rules/index.js';
import { repositoryUrl } from '../src/core/version.js';

const ROOT = join(import.meta.dirname, '..');
const rules = registry.map((r) => r.meta);
// ajv-formats is CommonJS: its default export arrives as the module namespace under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

let validate: ValidateFunction;
beforeAll(() => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
});

const check = (text: string) => {
  const log = JSON.parse(text) as unknown;
  const ok = validate(log);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  return log as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: unknown[] }[] };
};

describe('SARIF against the OASIS 2.1.0 schema', () => {
  it('validates a one-patch review, with absolute help URIs on the project repository', async () => {
    const r = await reviewText(readFileSync(join(ROOT, 'fixtures/KF-SLEEP-01/bad-mutex-through-helper.patch'), 'utf8'), 'one.patch');
    const log = check(formatSarif(reviewReport(r), rules));
    expect(log.runs[0]!.results.length).toBeGreaterThan(0);
    const repo = repositoryUrl();
    expect(repo).toMatch(/^https:\/\//);
    for (const rule of log.runs[0]!.tool.driver.rules) expect(rule.helpUri).toBe(`${repo}/blob/main/docs/rules/${rule.id}.md`);
  });

  it('validates a series with replies, notes and an error', async () => {
    const r = await reviewText(readFileSync(join(ROOT, 'fixtures/_intake/damaged-web-copy.txt'), 'utf8'), 'thread.txt');
    const input = reviewReport(r);
    const log = check(formatSarif({ ...input, errors: [{ input: 'x.patch', message: 'x.patch: empty input' }] }, rules));
    expect(log.runs[0]!.results.length).toBeGreaterThan(1);
    check(formatSarif(reviewReport(await reviewText(readFileSync(join(ROOT, 'examples/memcg-kfuncs-v2.mbox'), 'utf8'), 's.mbox')), rules));
  });

  it('validates an audit', async () => {
    const a = await runAudit(join(ROOT, 'fixtures', '_audit_tree'), { jobs: 1, cache: false });
    const log = check(formatAuditSarif(auditReport(a), rules));
    expect(log.runs[0]!.results.length).toBeGreaterThan(0);
  });

  it('would catch a relative help URI (the schema check can fail)', () => {
    const bad = JSON.parse(
      formatSarif({ tool: { name: 'kfunc-review', version: '0' }, patches: [], findings: [], errors: [], notes: [] }, rules),
    );
    bad.runs[0].tool.driver.rules[0].helpUri = 'docs/rules/KF-ARG-01.md';
    expect(validate(bad)).toBe(false);
  });

  it('reads the repository URL as npm writes it', () => {
    expect(repositoryUrl({ repository: 'github:someone/tool' })).toBe('https://github.com/someone/tool');
    expect(repositoryUrl({ repository: 'someone/tool' })).toBe('https://github.com/someone/tool');
    expect(repositoryUrl({ repository: { url: 'git+https://git.example.org/a/b.git' } })).toBe('https://git.example.org/a/b');
    expect(repositoryUrl({ repository: { url: 'git+ssh://git@github.com/a/b.git' } })).toBe('https://github.com/a/b');
    expect(repositoryUrl({ homepage: 'https://example.org/tool#readme' })).toBe('https://example.org/tool');
    expect(repositoryUrl({})).toBeNull();
  });
});
