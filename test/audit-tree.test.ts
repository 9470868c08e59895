// Audit of the miniature tree in fixtures/_audit: every kfunc, entry, set and registration is
// found (tools/ included), only kfunc files are parsed, callee context reaches other files,
// and the three report formats carry it.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { runAudit } from '../src/pipeline/audit/audit.js';
import { formatAuditJson, formatAuditText, formatAuditSarif } from '../src/report/audit.js';
import { auditReport } from '../src/pipeline/report-input.js';
import { registry } from '../src/rules/index.js';
import { runAuditCli } from '../src/cli/audit-command.js';
import { defsIn, isCandidate } from '../src/tree/scan.js';
import { callNames } from '../src/tree/callees.js';

const TREE = join(import.meta.dirname, '..', 'fixtures', '_audit');

describe('audit of fixtures/_audit', () => {
  it('finds every kfunc, entry, set and registration, and parses only kfunc files', async () => {
    const r = await runAudit(TREE, { jobs: 1, cache: false });
    expect(r.tree.version).toBe('6.12.3');
    expect(r.tree.target.version).toBe('6.12');
    expect(r.kfuncs.map((k) => `${k.file}:${k.line}:${k.name}`)).toEqual([
      'kernel/bpf/widget_kfuncs.c:16:bpf_widget_acquire',
      'kernel/bpf/widget_kfuncs.c:25:bpf_widget_release',
      'kernel/bpf/widget_kfuncs.c:36:bpf_widget_size',
      'tools/testing/selftests/bpf/demo_mod/demo_mod.c:17:bpf_demo_add',
    ]);
    expect(r.kfuncs[0].returnType).toBe('struct widget *');
    expect(r.registrations.map((x) => `${x.kfunc}:${x.flags.join('|')}:${x.set}`)).toEqual([
      'bpf_widget_acquire:KF_ACQUIRE|KF_RET_NULL:widget_kfunc_ids',
      'bpf_widget_release:KF_RELEASE:widget_kfunc_ids',
      'bpf_widget_size:KF_TRUSTED_ARGS:widget_kfunc_ids',
      'bpf_demo_add::demo_kfunc_ids',
    ]);
    expect(r.sets.map((s) => [s.name, s.registeredFor])).toEqual([
      ['widget_kfunc_ids', ['BPF_PROG_TYPE_TRACING']],
      ['demo_kfunc_ids', ['BPF_PROG_TYPE_SYSCALL']],
    ]);
    expect(r.stats.files).toBe(4);
    expect(r.stats.candidates).toBe(2);
    expect(r.stats.parsed).toBe(2);
    expect(r.stats.registerCalls).toBe(2);
    // widget_lookup and widget_drop (lib/) and widget_size (include/) are reached
    expect(r.stats.calleeRegions).toBe(3);
    expect(r.errors).toEqual([]);
    for (const f of r.findings) expect(f.patch).toBe('');
  });

  it('renders text, JSON and SARIF', async () => {
    const r = await runAudit(TREE, { jobs: 1, cache: false });
    const input = auditReport(r);
    const rules = registry.map((x) => x.meta);
    const json = JSON.parse(formatAuditJson(input, rules));
    expect(Object.keys(json)).toEqual(['tool', 'tree', 'kfuncs', 'registrations', 'sets', 'findings', 'errors', 'stats']);
    expect(json.kfuncs[0]).toMatchObject({
      name: 'bpf_widget_acquire',
      params: [{ name: 'id', type: 'u32' }],
      added: false,
      removed: false,
    });
    const text = formatAuditText(input, rules);
    expect(text).toMatch(/kfunc definitions\s+4/);
    expect(text).toMatch(/BTF_ID_FLAGS entries\s+4/);
    expect(text).toMatch(/^total\s+\d+\s+\d+\s+\d+\s+\d+$/m);
    const sarif = JSON.parse(formatAuditSarif(input, rules));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(r.findings.length);
  });

  it('runs from the CLI', async () => {
    let out = '';
    let err = '';
    const code = await runAuditCli([TREE, '--format', 'json', '--no-cache', '--jobs', '1', '--fail-level', 'none'], {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out).stats.kfuncs).toBe(4);
    expect(await runAuditCli([], { out: () => {}, err: () => {} })).toBe(2);
    expect(await runAuditCli([TREE, '--format', 'xml'], { out: () => {}, err: () => {} })).toBe(2);
  });
});

describe('byte scan', () => {
  it('flags candidates by marker and indexes column-0 function bodies', () => {
    expect(isCandidate(Buffer.from('int x;\nBTF_ID_FLAGS(func, f)\n'))).toBe(true);
    expect(isCandidate(Buffer.from('int x;\n'))).toBe(false);
    const src = Buffer.from(
      'static int a(int x)\n{\n\treturn x;\n}\n\nstruct s\n{\n};\n\nvoid *\nb(struct s *p,\n  int n)\n{\n\treturn p;\n}\n',
    );
    expect(defsIn(src).map((d) => [d.name, d.isStatic])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('extracts call names, not keywords or names in comments and strings', () => {
    expect(callNames('if (f(x)) return g (y); /* h(z) */ s("k(1)"); sizeof(int);')).toEqual(['f', 'g', 's']);
  });
});

describe('callee resolution', () => {
  it('never picks a separately linked program (boot decompressor, EFI stub) for a kernel callee', async () => {
    const { pickDef } = await import('../src/tree/callees.js');
    const paths = ['arch/x86/boot/compressed/string.c', 'drivers/firmware/efi/libstub/string.c', 'fs/x.c', 'lib/string.c'];
    const index = new Map([['memmove', [0, 1, 3].map((file) => ({ file, pos: 0, isStatic: false }))]]);
    expect(pickDef(index, paths, 'memmove', 2)?.file).toBe(3);
  });
});
