// Worker threads and the main thread produce identical audits (the worker script is the built
// dist/src/pipeline/audit/worker.js: `npm test` builds first).
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { runAudit, type AuditResult } from '../src/pipeline/audit/audit.js';
import { formatAuditText } from '../src/report/audit.js';
import { auditReport } from '../src/pipeline/report-input.js';
import { workerScript } from '../src/pipeline/audit/pool.js';

const TREE = join(import.meta.dirname, '..', 'fixtures', '_audit');

function stable(r: AuditResult) {
  const { ms: _ms, jobs: _jobs, ...rest } = r.stats;
  return { ...r, stats: rest };
}

describe('audit with worker threads', () => {
  it.skipIf(!workerScript())('gives the same result as --jobs 1', async () => {
    const one = await runAudit(TREE, { jobs: 1, cache: false });
    const two = await runAudit(TREE, { jobs: 2, cache: false });
    const three = await runAudit(TREE, { jobs: 3, cache: false });
    expect(one.stats.jobs).toBe(1);
    expect(two.stats.jobs).toBe(2);
    expect(stable(two)).toEqual(stable(one));
    expect(stable(three)).toEqual(stable(one));
    const strip = (s: string) => s.replace(/^time: .*$/m, '');
    const text = (r: AuditResult) => strip(formatAuditText(auditReport(r), []));
    expect(text(two)).toBe(text(one));
  });
});
