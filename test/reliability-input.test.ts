// Issue 13, reproducers for what a patch can do to the review: bypass it (git's "\ No newline"
// marker), make it work without bound (lying hunk headers, pathological C, huge inputs), turn
// the output against its reader (header injection), mix up findings between inputs, or have
// something dropped in silence. The shapes come from scripts/hostile-inputs.mjs, which the long
// fuzz run (`npm run fuzz`) shares; sizes are the issue's, except where a smaller input shows
// the same class of failure.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, truncateSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { reviewText, decodeInput, InputRejected } from '../src/pipeline/review.js';
import { reviewReport } from '../src/pipeline/report-input.js';
import { mergeResults } from '../src/pipeline/review-result.js';
import { readDiff } from '../src/intake/diff.js';
import { scanDiff } from '../src/intake/diff-scan.js';
import { LIMITS } from '../src/intake/limits.js';
import { parseDiffLines } from '../src/github/diff-lines.js';
import { formatEmail } from '../src/report/email.js';
import { formatText } from '../src/report/text.js';
import { parseC, PARSE_LIMITS } from '../src/model/c-parser.js';
import { WORK_LIMITS } from '../src/model/work.js';
import { registry } from '../src/rules/index.js';
import { defineRule } from '../src/rules/contract.js';
import { hostileInputs, kfuncFile, kfuncPatch, mail, newFileDiff, type HostileInput } from '../scripts/hostile-inputs.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8' });
const STACK = /\n\s+at .*:\d+:\d+\)?/;
const INTERNAL = /failed on|internal error|Maximum call stack|TypeError|Cannot read properties/;
const rules = registry.map((r) => r.meta);
/**
 * "In seconds": these inputs took minutes (or never finished) before. The bound leaves room for
 * a loaded CI machine; `npm run fuzz` holds every input to 10 s of CPU.
 */
const SECONDS = 20_000;

const HOSTILE = new Map(hostileInputs().map((h) => [h.name, h]));
const hostile = (name: string): HostileInput => HOSTILE.get(name)!;

/** Reviews in-process: 'rejected' with the one-line reason, or the result. */
async function outcome(text: string, name = 'input.patch') {
  const t0 = performance.now();
  try {
    const r = await reviewText(decodeInput(Buffer.from(text), name), name);
    return { kind: r.errors.length ? ('partial' as const) : ('review' as const), r, ms: performance.now() - t0 };
  } catch (err) {
    if (err instanceof InputRejected) return { kind: 'rejected' as const, message: err.message, ms: performance.now() - t0 };
    throw err;
  }
}

const limits = { ...PARSE_LIMITS };
const work = { ...WORK_LIMITS };
afterEach(() => {
  Object.assign(PARSE_LIMITS, limits);
  Object.assign(WORK_LIMITS, work);
});

describe("1. git's \\ No newline at end of file is not a line (review bypass)", () => {
  it('reviews a patch whose files end without a newline, on both sides', async () => {
    const o = await outcome(hostile('no-newline-marker').text);
    expect(o.kind).toBe('review');
    if (o.kind === 'rejected') return;
    expect(o.r.patches[0].kfuncs.map((k) => k.name)).toEqual(['bpf_nonl']);
  });

  it('is not counted by the diff reader, and the GitHub line mapper keeps its positions', () => {
    const diff = [
      'diff --git a/x.c b/x.c',
      '--- a/x.c',
      '+++ b/x.c',
      '@@ -1,2 +1,2 @@',
      ' int a;',
      '-int b;',
      '\\ No newline at end of file',
      '+int c;',
      '\\ Kein Zeilenumbruch am Dateiende.',
      '',
    ].join('\n');
    const scanned = scanDiff(diff, 'x');
    expect(scanned.diff).not.toContain('\\ ');
    expect(readDiff(scanned.diff)[0].hunks[0].lines.map((l) => l.kind)).toEqual(['ctx', 'del', 'add']);
    // parse-diff alone files the marker as a copy of the line before it: the reader skips it.
    expect(readDiff(diff.replace('\\ Kein Zeilenumbruch am Dateiende.', '\\ No newline at end of file'))[0].hunks[0].lines).toHaveLength(3);
    const lines = parseDiffLines(diff).get('x.c')!;
    expect([...lines.right]).toEqual([1, 2]);
    expect([...lines.left]).toEqual([1, 2]);
  });
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
    'many-kfuncs-2000',
  ])('reviews pathological C (%s) in seconds, without an internal error', async (name) => {
    const o = await outcome(hostile(name).text);
    expect(o.kind).toBe('review');
    expect(o.ms).toBeLessThan(SECONDS);
  });

  it('follows a helper fan-out (80 calls of 80 calls of 80 calls) in seconds, and says where it stopped', async () => {
    const o = await outcome(hostile('call-fanout').text);
    expect(o.ms).toBeLessThan(SECONDS);
    if (o.kind === 'rejected') throw new Error(o.message);
    // The sleep scan walks each helper once per caller; the index flows stop at their budget.
    expect(o.r.findings.some((f) => f.kfunc === 'bpf_hostile' && /sleep/i.test(f.message))).toBe(true);
    expect(o.r.errors.map((e) => e.message)).toEqual([
      'input.patch: bpf_hostile(): the flows analysis stopped: its work budget of 500,000 steps was used up; bpf_hostile() was not reviewed in full',
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
    const lines = kfuncFile(['\treturn idx;']).concat(Array.from({ length: 150_000 }, (_, i) => `int bulk_${i};`));
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

describe('5. output that cannot be turned against its reader', () => {
  it('writes no header from a Message-ID that decodes to CR/LF', async () => {
    const o = await outcome(hostile('message-id-crlf').text);
    if (o.kind === 'rejected') throw new Error(o.message);
    const email = formatEmail(reviewReport(o.r), rules);
    const headers = email.split('\n\n')[0];
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(headers).not.toMatch(/\r/);
    expect(headers.split('\n')).toEqual(['Subject: Re: [PATCH bpf-next] bpf: add a kfunc']);
  });

  it('keeps findings with their input: same subjects in one batch, the same file twice, linear output', async () => {
    const a = kfuncPatch(['\treturn idx;'], { name: 'bpf_alpha', subject: '[PATCH RESEND] bpf: add a kfunc' });
    const b = kfuncPatch(['\treturn idx;'], { name: 'bpf_beta', subject: '[PATCH RESEND] bpf: add a kfunc' });
    const merged = mergeResults([await reviewText(a, 'v2.patch'), await reviewText(b, 'v4.patch'), await reviewText(a, 'v2.patch')]);
    const text = formatText(reviewReport(merged), rules);
    const blocks = text
      .split('\n\n')
      .filter((x) => x.startsWith('[PATCH'))
      .map((x) => x.trim());
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toContain('bpf_alpha');
    expect(blocks[0]).not.toContain('bpf_beta');
    expect(blocks[1]).toContain('bpf_beta');
    expect(blocks[1]).not.toContain('bpf_alpha');
    expect(blocks[2]).toBe(blocks[0]);
    // N copies of a patch in one series: the report grows with N, not N squared.
    const series = (n: number) => Array.from({ length: n }, () => a).join('\n');
    const size = async (n: number) => formatText(reviewReport(await reviewText(series(n), 's.mbox')), rules).length;
    const [s20, s80] = [await size(20), await size(80)];
    expect(s80 / s20).toBeLessThan(4.5);
  });

  it('shows control bytes from the input as ? in text output', async () => {
    const o = await outcome(kfuncPatch(['\treturn idx;'], { subject: '[PATCH] bpf: \u001b]0;pwned\u0007 title' }));
    if (o.kind === 'rejected') throw new Error(o.message);
    const text = formatText(reviewReport(o.r), rules);
    expect(text).toContain('[PATCH] bpf: ?]0;pwned? title');
    expect(text.includes('\u001b')).toBe(false);
  });
});

describe('6. nothing dropped in silence', () => {
  it('a malformed hunk header is an error naming the input, and the rest is reviewed', async () => {
    const o = await outcome(hostile('malformed-hunk-header').text);
    expect(o.kind).toBe('partial');
    if (o.kind === 'rejected') return;
    expect(o.r.errors.map((e) => e.message)).toEqual([
      'input.patch: kernel/bpf/x.c: malformed hunk header @@ -78,-6 +78,9 @@: that hunk was not reviewed',
    ]);
    expect(o.r.patches[0].kfuncs.map((k) => k.name)).toEqual(['bpf_good']);
    const dir = mkdtempSync(join(tmpdir(), 'kfr-hunk-'));
    writeFileSync(join(dir, 'm.patch'), hostile('malformed-hunk-header').text);
    const r = cli(['-q', join(dir, 'm.patch')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'm.patch')}: kernel/bpf/x.c: malformed hunk header`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a patch with broken MIME in a series is an error, not discussion; an attached patch is reviewed', async () => {
    const diff = newFileDiff('kernel/bpf/att.c', kfuncFile(['\treturn idx;'], { name: 'bpf_attached' }));
    const head = ['From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001', 'From: A <a@example.org>'];
    const attached = [
      ...head,
      'Subject: [PATCH] bpf: attached',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'The patch is attached.',
      '--B',
      'Content-Type: text/x-patch; name="0001.patch"',
      'Content-Disposition: attachment; filename="0001.patch"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(`---\n${diff}`).toString('base64'),
      '--B--',
      '',
    ].join('\n');
    const a = await outcome(attached);
    if (a.kind === 'rejected') throw new Error(a.message);
    expect(a.r.patches[0].kfuncs.map((k) => k.name)).toEqual(['bpf_attached']);

    const broken = [
      ...head,
      'Subject: [PATCH 1/2] bpf: broken',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="NOPE"',
      '',
      '--OTHER',
      'Content-Type: text/plain',
      '',
      '---',
      diff,
      '--OTHER--',
      '',
    ].join('\n');
    const ok = kfuncPatch(['\treturn idx;'], { name: 'bpf_fine', subject: '[PATCH 2/2] bpf: fine' });
    const s = await outcome(`${broken}\n${ok}`, 's.mbox');
    expect(s.kind).toBe('partial');
    if (s.kind === 'rejected') return;
    expect(s.r.errors.map((e) => e.message)).toEqual([
      's.mbox: mail "[PATCH 1/2] bpf: broken": holds a diff that could not be decoded (broken MIME?); not reviewed',
    ]);
    expect(s.r.patches.map((p) => p.subject)).toEqual(['[PATCH 2/2] bpf: fine']);
  });

  it('a C parse failure that hides a kfunc definition is an error naming it', async () => {
    const lines = ['#include <linux/bpf.h>', '', '__bpf_kfunc int bpf_weird(u32 idx) {', '\tif (idx {', '\t\treturn idx;', '}'];
    const o = await outcome(mail(newFileDiff('kernel/bpf/w.c', lines)));
    expect(o.kind).toBe('partial');
    if (o.kind === 'rejected') return;
    expect(o.r.errors.map((e) => e.message)).toEqual([
      'input.patch: kernel/bpf/w.c:3: a __bpf_kfunc definition was not reviewed: the C after its __bpf_kfunc marker did not parse',
    ]);
  });

  it('a rule that throws is an error the CLI prints, whatever the format', async () => {
    const broken = defineRule({
      meta: { ...registry[0].meta },
      check: () => {
        throw new Error('boom');
      },
    });
    const r = await reviewText(kfuncPatch(['\treturn idx;']), 'x.patch', { rules: [broken] });
    expect(r.errors.map((e) => e.message)).toEqual([
      `x.patch: rule ${registry[0].meta.id} failed on [PATCH bpf-next] bpf: add a kfunc: boom`,
    ]);
    // Errors in a reviewed input reach stderr in text output too (they used to show only in JSON).
    const dir = mkdtempSync(join(tmpdir(), 'kfr-err-'));
    writeFileSync(join(dir, 'm.patch'), hostile('malformed-hunk-header').text);
    const t = cli(['-q', '--format', 'text', join(dir, 'm.patch')]);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('3 and 6. command-line inputs: only regular files, one line per refusal, the batch goes on', () => {
  it('refuses a FIFO or a device without blocking, skips a symlink out of a directory input with a note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfr-in-'));
    const fifo = join(dir, 'pipe.patch');
    const mk = spawnSync('mkfifo', [fifo]);
    const batch = join(dir, 'batch');
    mkdirSync(batch);
    writeFileSync(join(batch, 'a.patch'), kfuncPatch(['\treturn idx;']));
    const outside = join(dir, 'outside.patch');
    writeFileSync(outside, kfuncPatch(['\treturn idx;']));
    symlinkSync(outside, join(batch, 'b.patch'));
    const args = ['--format', 'json', '/dev/zero', batch];
    if (mk.status === 0) args.push(fifo);
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kfunc-review: /dev/zero: a device, not a patch file; refused\n');
    if (mk.status === 0) expect(r.stderr).toContain(`kfunc-review: ${fifo}: a FIFO, not a patch file; refused\n`);
    expect(r.stderr).toContain(`kfunc-review: warning: ${join(batch, 'b.patch')}: a symlink out of ${batch}; skipped\n`);
    expect(JSON.parse(r.stdout).patches.map((p: { input: string }) => p.input)).toEqual([join(batch, 'a.patch')]);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable directory is an error for that input; the others are reviewed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfr-dir-'));
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    writeFileSync(join(dir, 'a.patch'), kfuncPatch(['\treturn idx;']));
    const r = cli(['--format', 'json', locked, join(dir, 'a.patch')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`kfunc-review: ${locked}: cannot read the directory (EACCES)\n`);
    expect(JSON.parse(r.stdout).patches).toHaveLength(1);
  });
});
