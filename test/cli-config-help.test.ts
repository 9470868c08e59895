// Strict configuration (unknown rule ids and levels, --kernel that is not a version), the
// selftest policy, audit --config/--exclude; help for every subcommand listing every option;
// negative numbers as option values; one-line errors for unknown options; -o into a missing
// directory; what npm ships and which Node the dependency tree allows.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import semver from 'semver';
import { RULE_IDS } from '../src/rules/ids.js';
import { registry } from '../src/rules/index.js';
import { parseConfig, applyConfig, emptyConfig, kernelVersion, ConfigError } from '../src/core/config.js';
import { finalFindings } from '../src/core/policy.js';
import type { Finding } from '../src/core/types.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const run = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, KFUNC_REVIEW_CACHE: join(tmpdir(), 'kfr-none') },
  });
const STACK = /\n\s+at .*:\d+:\d+\)?/;
const PATCH = 'fixtures/KF-REG-01/bad-hunk-only.patch';

const finding = (over: Partial<Finding>): Finding => ({
  rule: 'KF-REG-03',
  severity: 'error',
  kfunc: 'bpf_spindle_x',
  file: 'kernel/bpf/spindle.c',
  line: 3,
  side: 'new',
  patch: '',
  patchIndex: 0,
  message: 'm',
  evidence: [],
  fingerprint: 'abcdef0123456789',
  onAddedLine: true,
  inDiff: true,
  messageId: 'x',
  ...over,
});

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does)');
});

describe('strict configuration', () => {
  it('knows every rule id of the registry, and no other', () => {
    expect([...RULE_IDS]).toEqual(registry.map((r) => r.meta.id));
  });

  it('names an unknown rule id, an unknown level and an unknown selftest policy', () => {
    expect(() => parseConfig('{"rules":{"KF-NOPE-99":"off"}}', 'c.json')).toThrow(/c\.json: rules: unknown rule id "KF-NOPE-99"/);
    expect(() => parseConfig('{"rules":{"KF-REG-13":"loud"}}', 'c.json')).toThrow(/c\.json: rules\.KF-REG-13: unknown level "loud"/);
    expect(() => parseConfig('{"selftests":"hide"}', 'c.json')).toThrow(/c\.json: selftests: unknown value "hide"/);
    expect(parseConfig('{"rules":{"KF-REG-13":"off"},"selftests":"keep"}', 'c.json')).toMatchObject({ selftests: 'keep' });
  });

  it('takes X.Y, X.Y.Z, X.Y-rcN and a leading v as --kernel; anything else names the value', () => {
    expect(['6.12', 'v6.12', '6.12.3', '7.0-rc2'].map((v) => kernelVersion(v))).toEqual(['6.12', '6.12', '6.12', '7.0']);
    for (const v of ['latest', '6', '6.x', '6.12; rm'])
      expect(() => kernelVersion(v)).toThrow(new ConfigError(`--kernel ${JSON.stringify(v)} is not a kernel version (X.Y, e.g. 6.12)`));
  });

  it('is an input error (exit 2) on the command line, naming the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfr-cfg-'));
    writeFileSync(join(dir, 'bad-id.json'), '{"rules":{"KF-FLAG-99":"off"}}');
    writeFileSync(join(dir, 'bad-level.json'), '{"rules":{"KF-FLAG-12":"fatal"}}');
    for (const [args, want] of [
      [['--config', join(dir, 'bad-id.json'), PATCH], /unknown rule id "KF-FLAG-99"/],
      [['--config', join(dir, 'bad-level.json'), PATCH], /unknown level "fatal"/],
      [['--kernel', 'latest', PATCH], /--kernel "latest" is not a kernel version/],
      [['audit', '--config', join(dir, 'bad-id.json'), 'fixtures/_audit'], /unknown rule id "KF-FLAG-99"/],
      [['audit', '--kernel', 'six', 'fixtures/_audit'], /--kernel "six" is not a kernel version/],
    ] as [string[], RegExp][]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});

describe('selftests', () => {
  const selftest = finding({ file: 'tools/testing/selftests/bpf/spindle_mod.c' });

  it('shows findings under tools/testing/ as info with evidence saying why, by default and with a config', () => {
    for (const out of [finalFindings([selftest, finding({})], undefined), applyConfig([selftest, finding({})], emptyConfig())]) {
      expect(out.map((f) => f.severity)).toEqual(['info', 'error']);
      expect(out[0]!.evidence.at(-1)).toMatch(/^selftest: tools\/testing\/selftests\/bpf\/spindle_mod\.c is under tools\/testing\//);
      expect(out[0]!.fingerprint).toBe(selftest.fingerprint);
    }
    expect(applyConfig([selftest], { ...emptyConfig(), selftests: 'keep' })[0]!.severity).toBe('error');
    expect(applyConfig([selftest], { ...emptyConfig(), selftests: 'off' })).toEqual([]);
  });

  it('marks selftest kfuncs in an audit, demotes their findings, and audit --exclude leaves files out', () => {
    const tree = mkdtempSync(join(tmpdir(), 'kfr-selftest-'));
    cpSync(join(ROOT, 'fixtures', '_audit'), tree, { recursive: true });
    const dir = join(tree, 'tools', 'testing', 'selftests', 'bpf', 'spindle_mod');
    mkdirSync(dir, { recursive: true });
    // A kfunc set registered nowhere: an error anywhere else.
    writeFileSync(
      join(dir, 'spindle_mod.c'),
      [
        '// SPDX-License-Identifier: GPL-2.0',
        '#include <linux/bpf.h>',
        '#include <linux/btf_ids.h>',
        '',
        '__bpf_kfunc_start_defs();',
        '',
        '__bpf_kfunc int bpf_spindle_selftest(int x)',
        '{',
        '\treturn x;',
        '}',
        '',
        '__bpf_kfunc_end_defs();',
        '',
        'BTF_KFUNCS_START(bpf_spindle_selftest_ids)',
        'BTF_ID_FLAGS(func, bpf_spindle_selftest)',
        'BTF_KFUNCS_END(bpf_spindle_selftest_ids)',
        '',
      ].join('\n'),
    );
    const r = run(['audit', '--no-cache', '-j', '1', '--format', 'json', tree]);
    const o = JSON.parse(r.stdout) as { kfuncs: { name: string; selftest?: boolean }[]; findings: Finding[] };
    expect(o.kfuncs.find((k) => k.name === 'bpf_spindle_selftest')).toMatchObject({ selftest: true });
    expect(o.kfuncs.find((k) => k.name === 'bpf_widget_acquire')!.selftest).toBeUndefined();
    const mine = o.findings.filter((f) => f.file.startsWith('tools/testing/selftests/bpf/spindle_mod/'));
    expect(mine.some((f) => f.rule === 'KF-REG-05')).toBe(true);
    for (const f of mine) {
      expect(f.severity).toBe('info');
      expect(f.evidence.at(-1)).toMatch(/^selftest: /);
    }
    expect(r.status).toBe(0);
    // With "selftests": "keep" the static kfunc fails the audit.
    writeFileSync(join(tree, 'keep.json'), '{"selftests":"keep"}');
    const keep = run(['audit', '--no-cache', '-j', '1', '--format', 'json', '--config', join(tree, 'keep.json'), tree]);
    expect(keep.status).toBe(1);
    // --exclude (repeatable) leaves the selftests and the lib callee out.
    const ex = run(['audit', '--no-cache', '-j', '1', '--format', 'json', '--exclude', 'tools/**', '--exclude', 'lib/*.c', tree]);
    const eo = JSON.parse(ex.stdout) as { kfuncs: { file: string }[] };
    expect(eo.kfuncs.map((k) => k.file).filter((f) => f.startsWith('tools/'))).toEqual([]);
    expect(eo.kfuncs.length).toBe(3);
  });
});

describe('help and arguments', () => {
  const options = (help: string) => [...help.matchAll(/^ +(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]);

  it('prints help for every subcommand, listing every option its parser takes', () => {
    const want: Record<string, string[]> = {
      '': [
        '--format',
        '--terse',
        '--verbose',
        '--fail-level',
        '--tree',
        '--no-cache',
        '--kernel',
        '--config',
        '--from',
        '--email-all',
        '--output',
        '--quiet',
        '--help',
        '--version',
      ],
      audit: [
        '--format',
        '--exclude',
        '--no-cache',
        '--jobs',
        '--callee-depth',
        '--kernel',
        '--config',
        '--fail-level',
        '--output',
        '--quiet',
        '--help',
      ],
      model: ['--param', '--probe', '--config', '--tree', '--help'],
      action: ['--token', '--config', '--fail-level', '--filter-mode', '--kernel', '--mode', '--max-inline-comments', '--help'],
      serve: ['--port', '--host', '--config', '--help'],
    };
    for (const [cmd, opts] of Object.entries(want)) {
      const r = run(cmd ? [cmd, '--help'] : ['--help']);
      expect(r.status, cmd).toBe(0);
      expect(r.stdout).toMatch(/^Usage: kfunc-review/);
      expect(new Set(options(r.stdout)), cmd).toEqual(new Set(opts));
      // Every option the help names is accepted (the run fails later, on its values or input).
      const given = opts.filter((x) => !['--help', '--version'].includes(x)).flatMap((o) => [o, 'x']);
      const e = spawnSync(process.execPath, [CLI, ...(cmd ? [cmd] : []), ...given], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: tmpdir() },
        timeout: 20000,
      });
      expect(e.stderr, cmd).not.toMatch(/unknown option/);
      expect(e.status, `${cmd}: ${e.stderr}`).not.toBe(0);
    }
  });

  it('gives one line of ours, exit 2, for an unknown option of any subcommand', () => {
    for (const args of [
      ['--bogus', PATCH],
      ['audit', '--bogus', 'x'],
      ['model', '--bogus', 'a', 'b'],
      ['action', '--bogus', 'x'],
      ['serve', '--bogus'],
    ]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^kfunc-review( \w+)?: unknown option --bogus \(see 'kfunc-review( \w+)? --help'\)\n$/);
    }
    const r = run(['--format']);
    expect(r.stderr).toBe('kfunc-review: option --format needs a value (--format=VALUE for one that starts with -)\n');
  });

  it('takes a negative number as an option value', () => {
    const r = run(['model', 'bpf_memcg_event_count', 'examples/memcg-kfuncs-v2.mbox', '--probe', '-1', '--config', 'minimal']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/trace item = -1 .* on minimal:|trace item = 18446744073709551615|trace item = 4294967295/);
    expect(run(['audit', '--callee-depth', '-1', 'fixtures/_audit']).stderr).toMatch(/--callee-depth must be an integer >= 0 \(got -1\)/);
  });

  it('refuses -o into a missing directory before reviewing, naming it', () => {
    for (const args of [
      ['-o', '/nonexistent/dir/out.txt', PATCH],
      ['audit', '-o', '/nonexistent/dir/out.txt', 'fixtures/_audit'],
    ]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/-o \/nonexistent\/dir\/out\.txt: the directory \/nonexistent\/dir does not exist/);
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});

describe('installation', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string };
    files: string[];
    bin: Record<string, string>;
  };

  it('ships the built CLI: npm pack includes the bin and the compiled sources', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain(pkg.bin['kfunc-review']);
    expect(files).toContain('dist/src/pipeline/audit/worker.js');
    expect(files).toContain('README.md');
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('fixtures/'))).toBe(false);
  });

  it('asks for a Node that every production dependency allows (the lockfile, overrides applied)', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
    };
    const floor = semver.minVersion(pkg.engines.node)!;
    expect(floor.major).toBeGreaterThanOrEqual(20);
    for (const [path, p] of Object.entries(lock.packages)) {
      if (!path || p.dev || !p.engines || Array.isArray(p.engines) || !p.engines.node) continue;
      expect(semver.satisfies(floor, p.engines.node), `${path} wants node ${p.engines.node}`).toBe(true);
    }
  });
});
