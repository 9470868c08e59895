// The text report as a kernel developer reads it: `--terse` (one line per finding, like
// checkpatch.pl --terse), the offending line under each finding, evidence once per kfunc,
// wrapped at 100 columns, and the answers to disputed claims only when a reply disputes the
// finding or with --verbose.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { wrapIndented } from '../src/report/text.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
const SERIES = 'examples/memcg-kfuncs-v2.mbox';
const THREAD = 'fixtures/_intake/damaged-web-copy.txt';
const FINDING = /^(\S+):(\d+): (error|warning|info): .* \[KF-[A-Z]+-\d+\]$/;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does)');
});

describe('text report', () => {
  it('--terse prints one FILE:LINE: severity: message [RULE] line per finding and nothing else', () => {
    const json = JSON.parse(run(['--format', 'json', SERIES]).stdout) as { findings: { file: string; line: number; rule: string }[] };
    const r = run(['--terse', SERIES]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(json.findings.length);
    lines.forEach((l, i) => {
      expect(l).toMatch(FINDING);
      expect(l.startsWith(`${json.findings[i]!.file}:${json.findings[i]!.line}: `)).toBe(true);
      expect(l.endsWith(`[${json.findings[i]!.rule}]`)).toBe(true);
    });
  });

  it('shows the offending line under each finding, as the diff has it', () => {
    const out = run([SERIES]).stdout.split('\n');
    const at = out.findIndex((l) => /^mm\/bpf_memcontrol\.c:73: error: .*\[KF-IDX-02\]$/.test(l));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(out[at + 1]).toBe('+\treturn memcg_events(memcg, item);');
  });

  it('prints an evidence line once per kfunc, and every line within 100 columns where words allow', () => {
    const out = run([SERIES]).stdout;
    // Both findings on bpf_memcg_event_count have this line; it is printed under the first only.
    expect(out.match(/^ {4}parameter item: `enum vm_event_item` -> u32/gm)).toHaveLength(1);
    // --verbose prints it under each.
    expect(run(['--verbose', SERIES]).stdout.match(/^ {4}parameter item: `enum vm_event_item` -> u32/gm)).toHaveLength(2);
    for (const line of out.split('\n')) {
      if (FINDING.test(line) || /^[+ -]\t/.test(line)) continue;
      // Only a single word longer than the room may overflow.
      if (line.length > 100)
        expect(
          line
            .trim()
            .split(' ')
            .some((w) => w.length > 60),
          line,
        ).toBe(true);
    }
  });

  it('answers disputed claims only when a reply disputes the finding, or with --verbose', () => {
    // No reply in the series: no claims.
    expect(run([SERIES]).stdout).not.toMatch(/^ {4}claim "/m);
    expect(run(['-v', SERIES]).stdout).toMatch(/^ {4}claim "The BPF verifier range-checks enum/m);
    // The thread holds the author's "false positive" reply to the index finding.
    const thread = run([THREAD]).stdout;
    const idx = thread.indexOf('[KF-IDX-02]');
    const next = thread.indexOf('\n', thread.indexOf('[KF-', idx + 10));
    expect(idx).toBeGreaterThan(0);
    expect(thread.slice(idx, next)).toMatch(/claim "The BPF verifier range-checks enum/);
  });

  it('wraps on spaces with a deeper indent for continuation lines', () => {
    const w = wrapIndented(`chain: ${'word '.repeat(40).trim()}`, 4, 40);
    expect(w[0]!.startsWith('    chain: ')).toBe(true);
    expect(w.slice(1).every((l) => l.startsWith('      word'))).toBe(true);
    expect(w.every((l) => l.length <= 40)).toBe(true);
    expect(wrapIndented(`x ${'y'.repeat(120)}`, 4)).toEqual(['    x', `      ${'y'.repeat(120)}`]);
  });
});
