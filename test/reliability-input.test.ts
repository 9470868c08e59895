// Issue 13, reproducers for what a patch can do to the review: bypass it (git's "\ No newline"
// marker), make it work without bound (lying hunk headers, pathological C, huge inputs), turn
// the output against its reader (header injection), mix up findings between inputs, or have
// something dropped in silence. The shapes come from scripts/hostile-inputs.mjs, which the long
// fuzz run (`npm run fuzz`) shares; sizes are the issue's, except where a smaller input shows
// the same class of failure.
import { describe, expect, it } from 'vitest';
import { cliUnprivileged, openToAll } from './support/unprivileged.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { reviewText } from '../src/pipeline/review.js';
import { reviewReport } from '../src/pipeline/report-input.js';
import { mergeResults } from '../src/pipeline/review-result.js';
import { readDiff } from '../src/intake/diff.js';
import { scanDiff } from '../src/intake/diff-scan.js';
import { parseDiffLines } from '../src/github/diff-lines.js';
import { formatEmail } from '../src/report/email.js';
import { formatText } from '../src/report/text.js';
import { registry } from '../src/rules/index.js';
import { defineRule } from '../src/rules/contract.js';
import { outcome, hostile } from './support/outcome.js';
import { kfuncFile, kfuncPatch, mail, newFileDiff } from '../scripts/hostile-inputs.mjs';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8' });
const STACK = /\n\s+at .*:\d+:\d+\)?/;
const rules = registry.map((r) => r.meta);

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

describe('5. output that cannot be turned against its reader', () => {
  it('writes no header from a Message-ID that decodes to CR/LF', async () => {
    const o = await outcome(hostile('message-id-crlf').text);
    if (o.kind === 'rejected') throw new Error(o.message);
    const email = formatEmail(reviewReport(o.r), rules);
    const headers = email.split('\n\n')[0];
    expect(headers).not.toMatch(/^Bcc:/im);
    expect(headers).not.toMatch(/\r/);
    // The id is not one token, so no threading headers at all (rather than a wrong one).
    expect(headers.split('\n')).toEqual([
      'From kfunc-review Mon Sep 17 00:00:00 2001',
      'To: Hostile Author <hostile@example.org>',
      'Subject: Re: [PATCH bpf-next] bpf: add a kfunc',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
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

  it('an unreadable directory is an error for that input; the others are reviewed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfr-dir-'));
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    writeFileSync(join(dir, 'a.patch'), kfuncPatch(['\treturn idx;']), { mode: 0o644 });
    openToAll(dir, 1);
    const r = cliUnprivileged(['--format', 'json', locked, join(dir, 'a.patch')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`kfunc-review: ${locked}: cannot read the directory (EACCES)\n`);
    expect(JSON.parse(r.stdout).patches).toHaveLength(1);
  });
});
