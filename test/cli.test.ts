// The command line as users run it: built CLI, real processes, exit codes and stderr.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], input?: string | Buffer) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input, encoding: 'utf8' });
const SERIES = 'examples/memcg-kfuncs-v2.mbox';
const STACK = /\n\s+at .*:\d+:\d+\)?/;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does)');
});

describe('kfunc-review CLI', () => {
  it('reviews a series file and a directory, and prints a summary per patch', () => {
    const r = run([SERIES]);
    expect([0, 1]).toContain(r.status);
    expect(r.stdout).toContain('[PATCH bpf-next v2 2/3] bpf: memcg: add event and page state reader kfuncs');
    expect(r.stdout.match(/^total: /gm)).toHaveLength(3);
  });

  it('reads stdin with -', () => {
    const a = run(['--format', 'json', SERIES]);
    const b = run(['--format', 'json', '-'], readFileSync(join(ROOT, SERIES)));
    const strip = (s: string) => JSON.parse(s.replaceAll(SERIES, '<stdin>').replaceAll(join(ROOT, SERIES), '<stdin>'));
    expect(strip(b.stdout).findings).toEqual(strip(a.stdout).findings);
    expect(JSON.parse(b.stdout).patches[0].input).toBe('<stdin>');
  });

  it('emits the JSON contract', () => {
    const o = JSON.parse(run(['--format', 'json', SERIES]).stdout);
    expect(Object.keys(o)).toEqual(['tool', 'patches', 'findings', 'errors']);
    expect(o.tool.name).toBe('kfunc-review');
    expect(Object.keys(o.patches[1])).toEqual(
      expect.arrayContaining(['subject', 'index', 'files', 'kfuncs', 'registrations', 'sets', 'target']),
    );
    for (const f of o.findings) {
      for (const k of ['rule', 'severity', 'kfunc', 'file', 'line', 'patch', 'message', 'evidence', 'fingerprint'])
        expect(f).toHaveProperty(k);
      expect(['error', 'warning', 'info']).toContain(f.severity);
    }
  });

  it('writes an email reply per patch with findings (every patch with --email-all)', () => {
    expect(run(['--format', 'email', SERIES]).stdout.match(/^Subject: Re: \[PATCH bpf-next v2 [23]\/3\]/gm)).toHaveLength(2);
    const r = run(['--format', 'email', '--email-all', SERIES]);
    expect(r.stdout.match(/^Subject: Re: \[PATCH bpf-next v2 \d\/3\]/gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/^In-Reply-To: <2\.memcg-readers-v2@example\.org>$/m);
    expect(r.stdout).toMatch(/^> /m);
  });

  it('exits 2 with one line naming each bad input, and keeps reviewing the batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfr-bad-'));
    writeFileSync(join(dir, 'empty.patch'), '');
    writeFileSync(join(dir, 'binary.patch'), Buffer.from([0, 1, 2, 3]));
    writeFileSync(join(dir, 'prose.patch'), 'Subject: hi\n\nno patch here\n');
    writeFileSync(join(dir, 'latin1.patch'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const r = run([
      '--format',
      'json',
      join(dir, 'empty.patch'),
      join(dir, 'binary.patch'),
      join(dir, 'prose.patch'),
      join(dir, 'latin1.patch'),
      join(dir, 'missing.patch'),
      SERIES,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(STACK);
    for (const n of ['empty.patch', 'binary.patch', 'prose.patch', 'latin1.patch', 'missing.patch']) {
      expect(r.stderr.split('\n').filter((l) => l.includes(n))).toHaveLength(1);
    }
    expect(r.stderr).toContain('reviewed 1 of 6 inputs; skipped 5');
    const o = JSON.parse(r.stdout);
    expect(o.patches).toHaveLength(3);
    expect(o.errors.map((e: { input: string }) => e.input.split('/').pop())).toEqual([
      'missing.patch',
      'empty.patch',
      'binary.patch',
      'prose.patch',
      'latin1.patch',
    ]);
  });

  it('warns on stderr when it recovers a damaged copy', () => {
    const r = run(['fixtures/_intake/damaged-web-copy.txt']);
    expect(r.stderr).toMatch(/damaged-web-copy\.txt: damaged patch recovered/);
    expect([0, 1]).toContain(r.status);
  });

  it('rejects bad usage with exit 2 and no stack trace', () => {
    for (const args of [
      [],
      ['--format', 'xml', SERIES],
      ['--bogus', SERIES],
      ['--tree', '/nonexistent/dir', SERIES],
      ['--fail-level', 'loud', SERIES],
    ]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^kfunc-review: /);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('applies --fail-level', () => {
    const info = run(['--fail-level', 'info', 'fixtures/KF-REG-01/bad-hunk-only.patch']);
    const error = run(['--fail-level', 'error', 'fixtures/KF-REG-01/bad-hunk-only.patch']);
    const none = run(['--fail-level', 'none', 'fixtures/KF-REG-01/bad-hunk-only.patch']);
    expect(info.status).toBe(1);
    expect(error.status).toBe(0);
    expect(none.status).toBe(0);
  });

  it('prints text findings as path:line: severity: message [RULE-ID]', () => {
    const r = run(['fixtures/KF-REG-01/bad-new-file-forgotten-entry.patch']);
    expect(r.stdout).toMatch(/^kernel\/bpf\/widget\.c:17: warning: bpf_widget_reset\(\) .* \[KF-REG-01\]$/m);
    expect(r.stdout).toMatch(/^ {4}definition: kernel\/bpf\/widget\.c:17$/m);
  });
});

describe('kfunc-review model', () => {
  it('prints verdicts and the trace of a probe', () => {
    const r = run(['model', 'bpf_memcg_event_count', SERIES, '--probe', '121', '--config', 'distro-x86_64']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('item (enum vm_event_item): confirmed');
    expect(r.stdout).toContain('trace item = 121 (0x79) on distro-x86_64:');
    expect(r.stdout).toMatch(/read mem_cgroup_events_index\[121\] of u8\[NR_VM_EVENT_ITEMS=121\]: OUT OF BOUNDS/);
  });

  it('shows a stale constant from another config going out of bounds', () => {
    const r = run(['model', 'bpf_memcg_event_count', SERIES, '--probe', '52', '--config', 'minimal']);
    expect(r.stdout).toMatch(/read mem_cgroup_events_index\[52\] of u8\[NR_VM_EVENT_ITEMS=49\]: OUT OF BOUNDS/);
  });

  it('says no when the kfunc or config does not exist', () => {
    const a = run(['model', 'bpf_nope', SERIES]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/no kfunc bpf_nope \(found: .*bpf_memcg_event_count/);
    const b = run(['model', 'bpf_memcg_event_count', SERIES, '--config', 'tiny']);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/unknown --config tiny/);
    expect(a.stderr + b.stderr).not.toMatch(STACK);
  });
});
