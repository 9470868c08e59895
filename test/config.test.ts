// .kfunc-review.json: rule levels and user dispositions by fingerprint.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadConfig, applyConfig, ConfigError } from '../src/core/config.js';
import type { Finding } from '../src/core/types.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const BAD = 'fixtures/KF-REG-01/bad-new-file-forgotten-entry.patch';

function cfgFile(body: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfr-cfg-'));
  const p = join(dir, 'cfg.json');
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
}

const finding: Finding = {
  rule: 'KF-IDX-02',
  severity: 'error',
  kfunc: 'bpf_x',
  file: 'f.c',
  line: 3,
  side: 'new',
  patch: 'p',
  patchIndex: 0,
  message: 'm',
  evidence: ['e'],
  verdict: 'confirmed',
  fingerprint: 'abcdef0123456789',
  onAddedLine: true,
  inDiff: true,
  messageId: 'x',
};

describe('config', () => {
  it('marks a disposed finding and says when the model contradicts it', () => {
    const cfg = loadConfig(
      cfgFile({
        dispositions: [
          { fingerprint: 'abcdef0123456789', status: 'not-a-bug', reason: 'checked by caller', link: 'https://example.org/t' },
        ],
      }),
    );
    const [f] = applyConfig([finding], cfg);
    expect(f.disposition).toEqual({ reason: 'checked by caller', link: 'https://example.org/t', contradicted: true });
    const [g] = applyConfig([{ ...finding, verdict: 'refuted' }], cfg);
    expect(g.disposition?.contradicted).toBe(false);
  });

  it('turns rules off or changes their level', () => {
    const cfg = loadConfig(cfgFile({ rules: { 'KF-IDX-02': 'off', 'KF-REG-01': 'info' } }));
    expect(applyConfig([finding], cfg)).toEqual([]);
    expect(applyConfig([{ ...finding, rule: 'KF-REG-01' }], cfg)[0].severity).toBe('info');
  });

  it('rejects a malformed file with a message naming it', () => {
    for (const body of [
      '{',
      '[]',
      { rules: { X: 'loud' } },
      { dispositions: [{ fingerprint: 'zz' }] },
      { dispositions: [{ fingerprint: 'abcdef01', status: 'not-a-bug' }] },
      { other: 1 },
    ]) {
      const p = cfgFile(body);
      expect(() => loadConfig(p)).toThrow(ConfigError);
      expect(() => loadConfig(p)).toThrow(p);
    }
  });

  it('honours a disposition on the command line: no failure, listed as disposed, stable across line moves', () => {
    const json = JSON.parse(spawnSync(process.execPath, [CLI, '--format', 'json', BAD], { cwd: ROOT, encoding: 'utf8' }).stdout);
    const fp = json.findings.find((f: Finding) => f.rule === 'KF-REG-01').fingerprint;
    // other rules fire on this fixture too: dispose of all of them, each with its own reason
    const cfg = cfgFile({
      dispositions: json.findings.map((f: Finding) => ({
        fingerprint: f.fingerprint,
        status: 'not-a-bug',
        reason: f.fingerprint === fp ? 'registered by a later patch' : 'other',
      })),
    });
    const r = spawnSync(process.execPath, [CLI, '--fail-level', 'warning', '--config', cfg, BAD], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Marked not-a-bug by a disposition:');
    expect(r.stdout).toContain('registered by a later patch');
    expect(r.stdout).not.toMatch(/^kernel\/bpf\/widget\.c:17: warning/m);
    // the same finding two lines further down keeps its fingerprint
    const moved = spawnSync(process.execPath, [CLI, '--format', 'json', '-'], {
      cwd: ROOT,
      encoding: 'utf8',
      input: spawnSync(
        'sed',
        ['s#^+static atomic64_t widget_hits;#+static atomic64_t widget_hits;\\n+/* moved */\\n+/* down */#', join(ROOT, BAD)],
        { encoding: 'utf8' },
      ).stdout.replace('@@ -0,0 +1,33 @@', '@@ -0,0 +1,35 @@'),
    });
    const mf = JSON.parse(moved.stdout).findings.find((f: Finding) => f.rule === 'KF-REG-01');
    expect(mf.line).toBe(19);
    expect(mf.fingerprint).toBe(fp);
  });

  it('exits 2 naming a broken --config', () => {
    const p = cfgFile('{ nope');
    const r = spawnSync(process.execPath, [CLI, '--config', p, BAD], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(p);
  });
});
