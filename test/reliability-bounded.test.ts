// Issue 13, class 2: bounded work on any input. Lying hunk headers, pathological C, a helper
// fan-out, thousands of kfuncs and huge inputs each end in a review within seconds, a one-line
// input error, or an error line naming what was not reviewed (a parse timeout, a work budget).
// The shapes come from scripts/hostile-inputs.mjs, shared with `npm run fuzz`; sizes are the
// issue's. (Split from reliability-input.test.ts so the two run in parallel.)
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { decodeInput } from '../src/pipeline/review.js';
import { LIMITS } from '../src/intake/limits.js';
import { parseC, PARSE_LIMITS } from '../src/model/c-parser.js';
import { WORK_LIMITS } from '../src/model/work.js';
import { outcome, hostile } from './support/outcome.js';
import { kfuncFile, kfuncPatch, mail, newFileDiff } from '../scripts/hostile-inputs.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8' });
const INTERNAL = /failed on|internal error|Maximum call stack|TypeError|Cannot read properties/;
/**
 * "In seconds": these inputs took minutes (or never finished) before. The bound leaves room for
 * a loaded CI machine; `npm run fuzz` holds every input to 10 s of CPU.
 */
const SECONDS = 20_000;

const limits = { ...PARSE_LIMITS };
const work = { ...WORK_LIMITS };
afterEach(() => {
  Object.assign(PARSE_LIMITS, limits);
  Object.assign(WORK_LIMITS, work);
});

describe('2. bounded work on any input', () => {
  it('refuses a hunk at line 10^8 or 10^23 with one line, before sizing anything by it', async () => {
    for (const name of ['hunk-start-1e8', 'hunk-start-1e23']) {
      const o = await outcome(hostile(name).text);
      expect(o.kind).toBe('rejected');
      if (o.kind !== 'rejected') continue;
      expect(o.message).toMatch(/^input\.patch: kernel\/bpf\/x\.c hunk @@ .* @@: line numbers over the limit of 1,000,000$/);
      expect(o.ms).toBeLessThan(2000);
    }
  });

  it('reads hunk counts that lie by hundreds of thousands as truncated, and 100k blank context lines, at once', async () => {
    for (const name of ['hunk-counts-lie-by-millions', 'blank-context-100k']) {
      const o = await outcome(hostile(name).text);
      expect(o.kind).toBe('review');
      expect(o.ms).toBeLessThan(SECONDS);
    }
  });

  it('refuses more hunks than the limit', async () => {
    const hunks = Array.from({ length: LIMITS.hunks + 1 }, (_, i) => `@@ -${i * 3 + 1},1 +${i * 3 + 1},1 @@\n-a\n+b`);
    const text = mail(['diff --git a/x.c b/x.c', '--- a/x.c', '+++ b/x.c', ...hunks, ''].join('\n'));
    const o = await outcome(text);
    expect(o).toMatchObject({ kind: 'rejected', message: 'input.patch: more than 20,000 hunks (the limit)' });
  });

  it.each([
    'sum-1000-terms',
    'else-if-10k',
    'if-chain-10k',
    'parens-100k',
    'unclosed-attribute',
    'nested-if-10k',
    'nested-braces-100k',
    'nested-calls-20k',
    'deref-100k',
  ])('reviews pathological C (%s) in seconds, without an internal error', async (name) => {
    const o = await outcome(hostile(name).text);
    expect(o.kind).toBe('review');
    expect(o.ms).toBeLessThan(SECONDS);
  });

  it('follows a helper fan-out (80 calls of 80 calls of 80 calls) in seconds, and says where it stopped', async () => {
    // The sleep scan used to walk every call path (80^3); the index flows stop at their budget
    // (lowered here so the test spends its time on the scan, not on reaching the budget).
    WORK_LIMITS.factSteps = 20_000;
    const o = await outcome(hostile('call-fanout').text);
    expect(o.ms).toBeLessThan(SECONDS);
    if (o.kind === 'rejected') throw new Error(o.message);
    expect(o.r.findings.some((f) => f.kfunc === 'bpf_hostile' && /sleep/i.test(f.message))).toBe(true);
    expect(o.r.errors.map((e) => e.message)).toEqual([
      'input.patch: bpf_hostile(): the flows analysis stopped: its work budget of 20,000 steps was used up; bpf_hostile() was not reviewed in full',
    ]);
  });

  it('refuses to run the rules on more kfuncs than the limit, and says so', async () => {
    const lines = Array.from({ length: LIMITS.kfuncs + 1 }, (_, i) => `__bpf_kfunc int bpf_k${i}(u32 x) { return x; }`);
    const o = await outcome(mail(newFileDiff('kernel/bpf/many.c', lines)));
    if (o.kind === 'rejected') throw new Error(o.message);
    expect(o.r.errors.map((e) => e.message)).toEqual(['input.patch: not reviewed: 2,001 kfunc definitions, over the limit of 2,000']);
    expect(o.r.findings).toEqual([]);
  });

  it('reviews a 150k-line new file (a stack-size spread used to overflow)', async () => {
    // Any 150k lines do: the spread of their numbers overflowed before any C was read.
    const lines = kfuncFile(['\treturn idx;']).concat(Array.from({ length: 150_000 }, (_, i) => (i % 100 ? '' : `int bulk_${i};`)));
    const o = await outcome(mail(newFileDiff('kernel/bpf/big.c', lines)));
    expect(o.kind).toBe('review');
  });

  it('stops a parse at its time limit and names the kfunc it could not review', async () => {
    const garbage = Array.from({ length: 3000 }, (_, i) => `\t} ) ] ${i} ${'{ ( [ ?'.repeat(20)} : ; ,`);
    expect(parseC(garbage.join('\n'), undefined, 5)).toBeNull();
    expect(parseC('int x;')?.rootNode.type).toBe('translation_unit'); // the next parse starts afresh
    PARSE_LIMITS.timeoutMs = 5;
    const o = await outcome(kfuncPatch(garbage));
    expect(o.kind).toBe('partial');
    if (o.kind === 'rejected') return;
    expect(o.r.errors.map((e) => e.message)).toContain(
      'input.patch: kernel/bpf/hostile.c:5: a __bpf_kfunc definition was not reviewed: the C of lines 1-3012 did not parse in time',
    );
  });

  it('stops an analysis at its work budget and says which kfunc was not reviewed in full', async () => {
    WORK_LIMITS.factSteps = 500;
    const o = await outcome(hostile('else-if-10k').text);
    expect(o.kind).toBe('partial');
    if (o.kind === 'rejected') return;
    expect(o.r.errors.map((e) => e.message)).toContain(
      'input.patch: bpf_hostile(): the flows analysis stopped: its work budget of 500 steps was used up; bpf_hostile() was not reviewed in full',
    );
    expect(o.r.errors.every((e) => !INTERNAL.test(e.message))).toBe(true);
  });

  it('refuses an input over the size limit before reading it (a 55 MB mbox ran for 900 s)', () => {
    expect(() => decodeInput(Buffer.alloc(LIMITS.inputBytes + 1, 0x61), 'big.mbox')).toThrow(
      'big.mbox: input is 8.0 MiB, over the 8 MiB limit',
    );
    const dir = mkdtempSync(join(tmpdir(), 'kfr-big-'));
    const big = join(dir, 'big.mbox');
    writeFileSync(big, '');
    truncateSync(big, 55 * 1024 * 1024); // sparse: no disk used, no time spent
    const r = cli([big]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`kfunc-review: ${big}: input is 55.0 MiB, over the 8 MiB limit\n`);
    const s = cli(['-'], 'x'.repeat(LIMITS.inputBytes + 10));
    expect(s.status).toBe(2);
    expect(s.stderr).toBe('kfunc-review: <stdin>: input is over the 8 MiB limit\n');
  });
});
