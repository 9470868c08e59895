// Build configuration facts: Kbuild lines (object lists, composite objects, ifeq blocks,
// directory levels), the Kconfig requirements that make one option bring another, X-macro
// registration lists expanded with their flags in a patch's model, and BTF_ID(func) lists.
import { describe, it, expect } from 'vitest';
import { kbuildOfFile, makefileReader, objectConds, parseKbuild } from '../src/model/kbuild.js';
import { guarantees, requiredBy } from '../src/facts/build-config.js';
import { reviewText } from '../src/pipeline/review.js';
import { indexFile, mergeTreeIndex, treeIndexOf } from '../src/tree/tree-index.js';

const MAKEFILES: Record<string, string> = {
  Kbuild: 'obj-y += kernel/\nobj-$(CONFIG_NET) += net/\n',
  'kernel/Makefile': 'obj-y = fork.o\nobj-$(CONFIG_GIZMO) += gizmo/\n',
  'kernel/gizmo/Makefile': [
    'obj-y := core.o',
    'obj-$(CONFIG_GIZMO_SYSCALL) += syscall.o \\',
    '\tgadget.o',
    'ifeq ($(CONFIG_GIZMO_JIT),y)',
    'obj-$(CONFIG_GIZMO_SYSCALL) += jit_kfuncs.o',
    'else',
    'obj-y += nojit.o',
    'endif',
    'widget-y := widget_main.o',
    'widget-$(CONFIG_WIDGET_STATS) += widget_stats.o',
    'obj-$(CONFIG_WIDGET) += widget.o',
    '',
  ].join('\n'),
};
const mk = makefileReader((rel) => MAKEFILES[rel] ?? null);

describe('Kbuild lines', () => {
  it('reads object lists with their option, continuation lines and ifeq blocks', () => {
    const lines = parseKbuild(MAKEFILES['kernel/gizmo/Makefile']);
    expect(objectConds(lines, 'gadget.o', 'M')?.conds).toEqual(['GIZMO_SYSCALL']);
    expect(objectConds(lines, 'jit_kfuncs.o', 'M')?.conds).toEqual(['GIZMO_JIT', 'GIZMO_SYSCALL']);
    expect(objectConds(lines, 'nojit.o', 'M')?.conds).toEqual(['!GIZMO_JIT']);
    expect(objectConds(lines, 'missing.o', 'M')).toBeNull();
  });

  it('follows composite objects and directory levels up to the root', () => {
    const stats = kbuildOfFile(mk, 'kernel/gizmo/widget_stats.c')!;
    expect(stats.conds.sort()).toEqual(['GIZMO', 'WIDGET', 'WIDGET_STATS']);
    expect(stats.complete).toBe(true);
    expect(stats.evidence[0]).toMatch(/^kernel\/gizmo\/Makefile:11: obj-\$\(CONFIG_WIDGET\) \+= widget\.o/);
    expect(kbuildOfFile(mk, 'kernel/gizmo/core.c')!.conds).toEqual(['GIZMO']);
    expect(kbuildOfFile(mk, 'kernel/gizmo/included.c')).toBeNull();
  });
});

describe('Kconfig requirements', () => {
  it('knows what an option brings with it (6.12 table)', () => {
    expect(requiredBy('CONFIG_BPF_LSM').has('CONFIG_BPF_SYSCALL')).toBe(true);
    expect(guarantees(['CONFIG_BPF_LSM'], 'CONFIG_BPF_SYSCALL')).toMatch(/CONFIG_BPF_LSM requires CONFIG_BPF_SYSCALL/);
    expect(guarantees(['CONFIG_BPF_SYSCALL'], 'CONFIG_BPF_LSM')).toBeNull();
    expect(guarantees(['CONFIG_X'], 'CONFIG_X')).toBe('');
    expect(guarantees(['CONFIG_X'], '!CONFIG_Y')).toBeNull();
  });
});

const patch = (files: string) => `From 1 Mon Sep 17 00:00:00 2001
From: T <t@example.org>
Date: Tue, 6 Jan 2026 10:00:00 +0000
Subject: [PATCH bpf-next] test

---
${files}-- 
2.47.0
`;

describe('X-macro registration lists in a patch', () => {
  it('expands a list defined in a header of the same patch, with the template flags', async () => {
    const r = await reviewText(
      patch(`diff --git a/include/linux/knob.h b/include/linux/knob.h
--- a/include/linux/knob.h
+++ b/include/linux/knob.h
@@ -10,2 +10,6 @@
 struct knob;
 
+#define KNOB_KFUNC_LIST \\
+	KNOB_KFUNC(KNOB_TURN, bpf_knob_turn) \\
+	KNOB_KFUNC(KNOB_PUSH, bpf_knob_push)
+
diff --git a/net/core/knob.c b/net/core/knob.c
--- a/net/core/knob.c
+++ b/net/core/knob.c
@@ -40,2 +40,12 @@
 }
 
+BTF_KFUNCS_START(knob_kfunc_ids)
+#define KNOB_KFUNC(_, name) BTF_ID_FLAGS(func, name, KF_TRUSTED_ARGS)
+KNOB_KFUNC_LIST
+#undef KNOB_KFUNC
+BTF_KFUNCS_END(knob_kfunc_ids)
+
+BTF_ID_LIST(knob_kfunc_ids_unsorted)
+#define KNOB_KFUNC(_, name) BTF_ID(func, name)
+KNOB_KFUNC_LIST
+#undef KNOB_KFUNC
`),
      'xmacro',
    );
    const m = r.models[0];
    expect(m.registrations.map((x) => [x.kfunc, x.set, x.flags.join('|'), x.line, x.added])).toEqual([
      ['bpf_knob_turn', 'knob_kfunc_ids', 'KF_TRUSTED_ARGS', 44, true],
      ['bpf_knob_push', 'knob_kfunc_ids', 'KF_TRUSTED_ARGS', 44, true],
    ]);
    expect(m.registrations[0].via).toMatch(
      /KNOB_KFUNC\(\) template at net\/core\/knob\.c:43, expanded by KNOB_KFUNC_LIST \(include\/linux\/knob\.h:12\)/,
    );
    expect(m.sets[0].entries).toEqual(['bpf_knob_turn', 'bpf_knob_push']);
    expect(m.btfIds.map((b) => [b.name, b.list])).toEqual([
      ['bpf_knob_turn', 'knob_kfunc_ids_unsorted'],
      ['bpf_knob_push', 'knob_kfunc_ids_unsorted'],
    ]);
    expect(m.focus?.has('bpf_knob_push')).toBe(true);
  });

  it('reads BTF_ID(func) lists and ends a list at the first foreign line', async () => {
    const r = await reviewText(
      patch(`diff --git a/kernel/bpf/knob_ids.c b/kernel/bpf/knob_ids.c
new file mode 100644
--- /dev/null
+++ b/kernel/bpf/knob_ids.c
@@ -0,0 +1,9 @@
+BTF_ID_LIST(knob_special)
+BTF_ID(func, bpf_knob_turn)
+#ifdef CONFIG_KNOB_PUSH
+BTF_ID(func, bpf_knob_push)
+#else
+BTF_ID_UNUSED
+#endif
+static int x;
+BTF_ID(func, bpf_knob_stray)
`),
      'ids',
    );
    expect(r.models[0].btfIds.map((b) => [b.name, b.list, b.ifdefs.join(',')])).toEqual([
      ['bpf_knob_turn', 'knob_special', ''],
      ['bpf_knob_push', 'knob_special', 'CONFIG_KNOB_PUSH'],
      ['bpf_knob_stray', null, ''],
    ]);
  });
});

describe('tree index guards', () => {
  it('keeps the #if stack of every definition of a kfunc defined under an #if', () => {
    const text = [
      '__bpf_kfunc int bpf_knob_plain(void) { return 0; }',
      '#ifdef CONFIG_KNOB_TURN',
      '__bpf_kfunc int bpf_knob_turn(int n) { return n; }',
      '#else',
      '__bpf_kfunc int bpf_knob_turn(int n) { return -EOPNOTSUPP; }',
      '#endif',
      '#if IS_ENABLED(CONFIG_KNOB_PUSH)',
      '__bpf_kfunc int bpf_knob_push(void) { return 0; }',
      '#endif',
      '',
    ].join('\n');
    const x = indexFile('/nonexistent', 'kernel/knob.c', text);
    expect(x.guards).toEqual([
      ['bpf_knob_turn', ['CONFIG_KNOB_TURN']],
      ['bpf_knob_turn', ['!CONFIG_KNOB_TURN']],
      ['bpf_knob_push', ['CONFIG_KNOB_PUSH']],
    ]);
    const t = treeIndexOf(mergeTreeIndex([{ rel: 'kernel/knob.c', x: { ...x, defs: [] } }]));
    expect(t.guardsOf?.('bpf_knob_push', 'kernel/knob.c')).toEqual([['CONFIG_KNOB_PUSH']]);
    expect(t.guardsOf?.('bpf_knob_plain', 'kernel/knob.c')).toEqual([]);
  });
});
