// C extraction: kfunc definitions (return types, parameters and suffixes, markers on their own
// line), sets with #ifdef and multi-line entries, legacy BTF_SET8, id-set structs, register
// calls, changed registrations, the seed case, and --tree whole-file context.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { reviewText, type ReviewResult } from '../src/pipeline/review.js';
import { maskKernelC } from '../src/model/mask.js';

const ROOT = join(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('kfunc definitions and sets', () => {
  let r: ReviewResult;
  beforeAll(async () => {
    r = await reviewText(read('fixtures/_intake/extraction-forms.patch'), 'forms');
  });

  it('finds every definition with its real return type and line', () => {
    expect(r.patches[0].kfuncs.map((k) => [k.name, k.line, k.returnType])).toEqual([
      ['bpf_gizmo_acquire', 25, 'struct gizmo *'],
      ['bpf_gizmo_cpus', 30, 'const struct cpumask *'],
      ['bpf_gizmo_read', 35, 'int'],
      ['bpf_gizmo_mode', 44, 'long'],
      ['bpf_gizmo_dump', 50, 'void'],
      ['bpf_gizmo_release', 56, 'void'],
    ]);
  });

  it('keeps parameter types, annotations and suffixes', () => {
    const read = r.models[0].kfuncs.find((k) => k.name === 'bpf_gizmo_read')!;
    expect(read.params.map((p) => [p.name, p.type, p.suffix, p.pointer])).toEqual([
      ['g', 'struct gizmo *', '', true],
      ['buf', 'void *', '', true],
      ['buf__sz', 'u32', '__sz', false],
      ['uptr__ign', 'const void __user *', '__ign', true],
      ['flags__k', 'u64', '__k', false],
    ]);
    expect(r.models[0].kfuncs.find((k) => k.name === 'bpf_gizmo_acquire')!.doc).toContain('@id: gizmo id');
  });

  it('reads entries with their set, flags, #ifdef and multi-line form', () => {
    const regs = r.models[0].registrations.filter((x) => x.file === 'kernel/bpf/gizmo.c');
    expect(regs.map((x) => [x.kfunc, x.set, x.flags.join('|'), x.line])).toEqual([
      ['bpf_gizmo_acquire', 'gizmo_kfunc_ids', 'KF_ACQUIRE|KF_RET_NULL', 64],
      ['bpf_gizmo_cpus', 'gizmo_kfunc_ids', '', 65],
      ['bpf_gizmo_read', 'gizmo_kfunc_ids', 'KF_TRUSTED_ARGS|KF_SLEEPABLE', 66],
      ['bpf_gizmo_mode', 'gizmo_kfunc_ids', 'KF_TRUSTED_ARGS', 68],
      ['bpf_gizmo_dump', 'gizmo_kfunc_ids', '', 70],
      ['bpf_gizmo_release', 'gizmo_kfunc_ids', 'KF_RELEASE', 72],
      ['gizmo_hook', 'gizmo_fmodret_ids', '', 76],
    ]);
    expect(regs.find((x) => x.kfunc === 'bpf_gizmo_dump')!.ifdefs).toEqual(['CONFIG_GIZMO_DEBUG']);
    expect(r.models[0].kfuncs.find((k) => k.name === 'bpf_gizmo_dump')!.ifdefs).toEqual(['CONFIG_GIZMO_DEBUG']);
    expect(r.models[0].kfuncs.every((k) => k.inDefsBlock === true)).toBe(true);
  });

  it('reads id-set structs and register calls, including chained and multi-line ones', () => {
    const m = r.models[0];
    expect(m.idSets.map((s) => [s.name, s.set, s.filter, s.owner])).toEqual([
      ['gizmo_kfunc_set', 'gizmo_kfunc_ids', 'gizmo_filter', 'THIS_MODULE'],
      ['gizmo_fmodret_set', 'gizmo_fmodret_ids', null, 'THIS_MODULE'],
    ]);
    expect(m.registerCalls.map((c) => [c.fn, c.progType, c.idSet])).toEqual([
      ['register_btf_kfunc_id_set', 'BPF_PROG_TYPE_TRACING', 'gizmo_kfunc_set'],
      ['register_btf_kfunc_id_set', 'BPF_PROG_TYPE_SYSCALL', 'gizmo_kfunc_set'],
      ['register_btf_fmodret_id_set', null, 'gizmo_fmodret_set'],
    ]);
    expect(r.patches[0].sets.map((s) => [s.name, s.macro, s.registeredFor])).toEqual([
      ['gizmo_kfunc_ids', 'BTF_KFUNCS', ['BPF_PROG_TYPE_TRACING', 'BPF_PROG_TYPE_SYSCALL']],
      ['gizmo_fmodret_ids', 'BTF_SET8', ['register_btf_fmodret_id_set']],
    ]);
  });

  it('sees a changed registration on both sides, with its set from the hunk header', () => {
    const poke = r.patches[0].registrations.filter((x) => x.kfunc === 'bpf_thing_poke');
    expect(poke).toEqual([
      {
        kfunc: 'bpf_thing_poke',
        flags: ['KF_SLEEPABLE'],
        set: 'thing_kfunc_ids',
        file: 'net/core/thing.c',
        line: 201,
        added: true,
        removed: false,
        oldFlags: [],
      },
      { kfunc: 'bpf_thing_poke', flags: [], set: 'thing_kfunc_ids', file: 'net/core/thing.c', line: 201, added: false, removed: true },
    ]);
    expect(r.patches[0].registrations.filter((x) => x.file === 'net/core/thing.c' && !x.added && !x.removed).map((x) => x.kfunc)).toEqual([
      'bpf_thing_get',
      'bpf_thing_put',
    ]);
  });

  it('reads enums with their values', () => {
    const e = r.models[0].enums.get('gizmo_mode')!;
    expect(e.members.map((m) => [m.name, m.value])).toEqual([
      ['GIZMO_OFF', 0n],
      ['GIZMO_SLOW', 4n],
      ['GIZMO_FAST', 5n],
      ['GIZMO_NR_MODES', 6n],
    ]);
    expect(e.hasNegative).toBe(false);
  });
});

describe('masking', () => {
  it('preserves every offset', () => {
    const src = '__bpf_kfunc struct x *\nbpf_f(const void __user *p)\n{\n}\nBTF_ID_FLAGS(func, bpf_f,\n\tKF_ACQUIRE)\n';
    const m = maskKernelC(src);
    expect(m.length).toBe(src.length);
    expect(m.split('\n').map((l) => l.length)).toEqual(src.split('\n').map((l) => l.length));
    expect(m).not.toContain('__bpf_kfunc');
    expect(m).not.toContain('BTF_ID_FLAGS');
    expect(m).toContain('bpf_f(const void        *p)');
  });
});

describe('--tree whole-file context', () => {
  it('applies the patch in memory and sees definitions and sets outside the hunks', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'kfr-tree-'));
    mkdirSync(join(tree, 'kernel/bpf'), { recursive: true });
    writeFileSync(join(tree, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\n');
    const lines: string[] = [];
    for (let i = 1; i <= 37; i++) lines.push(`/* filler ${i} */`);
    lines[0] = '__bpf_kfunc_start_defs();';
    lines.push(
      '__bpf_kfunc void bpf_gadget_put(struct gadget *g)',
      '{',
      '\tgadget_put(g);',
      '}',
      '',
      '__bpf_kfunc_end_defs();',
      '',
      'BTF_KFUNCS_START(gadget_kfunc_ids)',
      'BTF_ID_FLAGS(func, bpf_gadget_get, KF_ACQUIRE | KF_RET_NULL)',
      'BTF_ID_FLAGS(func, bpf_gadget_put, KF_RELEASE)',
      'BTF_KFUNCS_END(gadget_kfunc_ids)',
      '',
      'static const struct btf_kfunc_id_set gadget_kfunc_set = {',
      '\t.owner = THIS_MODULE,',
      '\t.set   = &gadget_kfunc_ids,',
      '};',
      '',
    );
    // make the hunk context match lines 38..43 of the fixture patch
    writeFileSync(join(tree, 'kernel/bpf/gadget.c'), lines.join('\n'));
    const patch = read('fixtures/KF-REG-01/bad-hunk-only.patch').replace('@@ -38,6 +38,15 @@', '@@ -40,6 +40,15 @@');
    const r = await reviewText(patch, 'p', { tree });
    const m = r.models[0];
    expect(m.files[0].visibility).toBe('full');
    expect(m.target).toMatchObject({ version: '6.12', source: 'tree' });
    expect(m.registrations.map((x) => x.kfunc)).toEqual(['bpf_gadget_get', 'bpf_gadget_put']);
    expect(m.kfuncs.map((k) => [k.name, k.status, k.inDefsBlock])).toEqual([
      ['bpf_gadget_put', 'context', true],
      ['bpf_gadget_level', 'added', true],
    ]);
    // whole-file context makes the missing registration a warning, not an info
    expect(r.findings.filter((f) => f.rule === 'KF-REG-01').map((f) => [f.kfunc, f.severity, f.line])).toEqual([
      ['bpf_gadget_level', 'warning', 47],
    ]);
  });
});

describe('the seed case', () => {
  it('extracts the four memcg kfuncs and their flags from a clean format-patch form', async () => {
    // our own clean rewrite of the change's shape, not the kernel text
    const r = await reviewText(read('examples/memcg-kfuncs-v2.mbox'), 'series');
    const regs = r.patches.flatMap((p) => p.registrations.filter((x) => x.added));
    expect(regs.map((x) => [x.kfunc, x.flags])).toEqual([
      ['bpf_memcg_event_count', ['KF_TRUSTED_ARGS']],
      ['bpf_memcg_page_state_bytes', ['KF_TRUSTED_ARGS']],
      ['bpf_memcg_flush_stats', ['KF_TRUSTED_ARGS']],
    ]);
  });
});

describe('older trees', () => {
  it('reads a legacy __diag_push block and a BTF_SET8 kfunc set', async () => {
    const body = [
      '__diag_push();',
      '__diag_ignore_all("-Wmissing-prototypes",',
      '		  "Global functions as their definitions will be in BTF");',
      '',
      'struct nf_thing *bpf_thing_lookup(struct __sk_buff *skb, u32 id)',
      '{',
      '	return thing_find(skb, id);',
      '}',
      '',
      '__diag_pop()',
      '',
      'BTF_SET8_START(thing_kfunc_set)',
      'BTF_ID_FLAGS(func, bpf_thing_lookup, KF_ACQUIRE | KF_RET_NULL)',
      'BTF_SET8_END(thing_kfunc_set)',
      '',
    ];
    const patch = [
      'diff --git a/net/thing_bpf.c b/net/thing_bpf.c',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/net/thing_bpf.c',
      `@@ -0,0 +1,${body.length} @@`,
      ...body.map((l) => `+${l}`),
      '',
    ].join('\n');
    const r = await reviewText(patch, 'legacy', { kernel: '6.1' });
    const m = r.models[0];
    expect(m.functions.get('bpf_thing_lookup')!.inDefsBlock).toBe(true);
    expect(m.sets.map((s) => [s.name, s.macro, s.entries])).toEqual([['thing_kfunc_set', 'BTF_SET8', ['bpf_thing_lookup']]]);
    expect(m.registrations[0]).toMatchObject({ kfunc: 'bpf_thing_lookup', set: 'thing_kfunc_set', flags: ['KF_ACQUIRE', 'KF_RET_NULL'] });
    expect(m.target).toMatchObject({ version: '6.1', source: 'flag' });
  });
});
