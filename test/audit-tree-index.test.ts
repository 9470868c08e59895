// The audit's tree index (src/tree/tree-index.ts): registrations and definitions across files,
// X-macro registration lists, header prototypes, and what KF-REG-01/02/10 make of them in an
// audit of fixtures/_audit_tree.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runAudit } from '../src/pipeline/audit/audit.js';
import { buildTreeIndex, indexFile, treeIndexOf } from '../src/tree/tree-index.js';

const TREE = join(import.meta.dirname, '..', 'fixtures', '_audit_tree');
const read = (rel: string) => readFileSync(join(TREE, rel), 'utf8');

describe('tree index', () => {
  it('expands an X-macro registration list from an included header', () => {
    const x = indexFile(TREE, 'net/core/gizmo_meta.c', read('net/core/gizmo_meta.c'));
    // The BTF_ID_FLAGS inside the template #define is not an entry; its expansions are.
    expect(x.registered).toEqual([]);
    expect(x.expanded.map(([n]) => n)).toEqual(['bpf_gizmo_meta_len', 'bpf_gizmo_meta_hash']);
    expect(x.expanded[0][1]).toContain('GIZMO_META_KFUNC_xxx (include/net/gizmo_meta.h)');
    expect(x.kfuncs).toEqual(['bpf_gizmo_meta_len', 'bpf_gizmo_meta_hash']);
    // Each template's expansion, by its line, for the model of the file (registrations with flags).
    expect(x.templates).toEqual([[26, ['bpf_gizmo_meta_len', 'bpf_gizmo_meta_hash']]]);
  });

  it('knows registrations, definitions and prototypes of the whole tree', () => {
    const files = ['kernel/bpf/gizmo_iter.c', 'kernel/bpf/gizmo_sets.c', 'net/core/gizmo_meta.c'].map((rel) => ({ rel, text: read(rel) }));
    const t = treeIndexOf(buildTreeIndex(TREE, files, () => undefined));
    expect(t.registered('bpf_iter_gizmo_new')).toBe(true);
    expect(t.registered('bpf_gizmo_meta_hash')).toBe(true);
    expect(t.registered('bpf_gizmo_orphan')).toBe(false);
    expect(t.defined('bpf_iter_gizmo_next')).toEqual({ file: 'kernel/bpf/gizmo_iter.c', isKfunc: true });
    expect(t.defined('bpf_gizmo_ghost')).toBeUndefined();
    expect(t.declaredIn('bpf_gizmo_declared')).toBe('include/linux/gizmo.h');
    expect(t.declaredIn('bpf_gizmo_late')).toBeUndefined();
    expect(t.via('bpf_gizmo_meta_len')).toMatch(/GIZMO_META_KFUNC\(\) template at net\/core\/gizmo_meta\.c:\d+/);
    expect(t.complete).toBe(true);
    expect(t.expandedAt?.('net/core/gizmo_meta.c', 26)).toEqual(['bpf_gizmo_meta_len', 'bpf_gizmo_meta_hash']);
  });
});

describe('audit with the tree index', () => {
  it('reports only the unregistered kfunc, the undefined entry and the undeclared late definition', async () => {
    for (const jobs of [1, 2]) {
      const r = await runAudit(TREE, { jobs, cache: false });
      expect(r.errors).toEqual([]);
      expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.kfunc} ${f.file}:${f.line}`)).toEqual([
        'KF-REG-01 warning bpf_gizmo_orphan kernel/bpf/gizmo_iter.c:28',
        'KF-REG-10 warning bpf_gizmo_late kernel/bpf/gizmo_sets.c:17',
        'KF-REG-02 warning bpf_gizmo_ghost kernel/bpf/gizmo_sets.c:31',
      ]);
      // The X-macro list of a header becomes registrations of the file, with the template's flags.
      const meta = r.registrations.filter((x) => x.file === 'net/core/gizmo_meta.c');
      expect(meta.map((x) => [x.kfunc, x.flags.join('|'), x.set])).toEqual([
        ['bpf_gizmo_meta_len', 'KF_TRUSTED_ARGS', 'gizmo_meta_kfunc_ids'],
        ['bpf_gizmo_meta_hash', 'KF_TRUSTED_ARGS', 'gizmo_meta_kfunc_ids'],
      ]);
    }
  });
});
