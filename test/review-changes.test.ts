// A review looks at every kfunc a patch touches (added, removed or changed lines, a changed
// registration), on its post-patch code, and compares with the pre-patch code: a finding the
// patch introduces keeps its level, one that was already there is info (src/core/baseline.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { reviewText } from '../src/pipeline/review.js';
import { PREDATES } from '../src/core/baseline.js';

// Our own small kfunc file: one kfunc indexes a table after a bound check, one reads a
// refcounted object, one returns an errno from an unsigned function (already a defect).
const FILE = `// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>

#define GEAR_NR 8
static u64 gear_teeth[GEAR_NR];

__bpf_kfunc_start_defs();

__bpf_kfunc u64 bpf_gear_teeth(u32 gear)
{
	if (gear >= GEAR_NR)
		return 0;
	return gear_teeth[gear];
}

__bpf_kfunc u32 bpf_gear_count(struct gearbox *g)
{
	if (!g)
		return -EINVAL;
	return g->count;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(gear_kfunc_ids)
BTF_ID_FLAGS(func, bpf_gear_teeth)
BTF_ID_FLAGS(func, bpf_gear_count)
BTF_KFUNCS_END(gear_kfunc_ids)

static const struct btf_kfunc_id_set gear_kfunc_set = {
	.owner = THIS_MODULE,
	.set   = &gear_kfunc_ids,
};

static int __init gear_kfunc_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACING, &gear_kfunc_set);
}
late_initcall(gear_kfunc_init);
`;

const PATH = 'drivers/misc/gear/gear_bpf.c';

/** A git-style patch that replaces lines [from, from+del) of FILE with `add`, 3 lines of context. */
function patch(subject: string, from: number, del: number, add: string[]): string {
  const lines = FILE.split('\n');
  const start = Math.max(1, from - 3);
  const before = lines.slice(start - 1, from - 1);
  const removed = lines.slice(from - 1, from - 1 + del);
  const after = lines.slice(from - 1 + del, from - 1 + del + 3);
  const oldCount = before.length + removed.length + after.length;
  const newCount = before.length + add.length + after.length;
  const body = [...before.map((l) => ` ${l}`), ...removed.map((l) => `-${l}`), ...add.map((l) => `+${l}`), ...after.map((l) => ` ${l}`)];
  return [
    `Subject: [PATCH] ${subject}`,
    '',
    'Test patch.',
    '---',
    `diff --git a/${PATH} b/${PATH}`,
    `--- a/${PATH}`,
    `+++ b/${PATH}`,
    `@@ -${start},${oldCount} +${start},${newCount} @@`,
    ...body,
    '',
  ].join('\n');
}

const lineOf = (text: string) => FILE.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('reviewing what a patch changes', () => {
  let tree: string;
  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'kfr-changes-'));
    mkdirSync(join(tree, 'drivers/misc/gear'), { recursive: true });
    writeFileSync(join(tree, PATH), FILE);
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('reviews a kfunc whose hunk only deletes lines: a deleted bound check is an error', async () => {
    const guard = lineOf('if (gear >= GEAR_NR)');
    const text = patch('gear: drop the gear bound', guard, 2, []);
    for (const opts of [{ tree, cache: false }, {}]) {
      const r = await reviewText(text, 'drop-guard.patch', opts);
      expect(r.models[0]!.focus ? [...r.models[0]!.focus] : null).toEqual(['bpf_gear_teeth']);
      const f = r.findings.find((x) => x.kfunc === 'bpf_gear_teeth' && x.rule.startsWith('KF-IDX-'));
      expect(f, JSON.stringify(r.findings)).toBeDefined();
      expect(f!.severity).not.toBe('info');
      expect(f!.predates).toBeUndefined();
    }
  });

  it('reports a defect the patch leaves in place as info, saying it predates the patch', async () => {
    const at = lineOf('return g->count;');
    const text = patch('gear: comment', at, 0, ['\t/* count is set at probe time */']);
    const r = await reviewText(text, 'comment.patch', { tree, cache: false });
    const f = r.findings.find((x) => x.kfunc === 'bpf_gear_count' && x.rule === 'KF-RET-02');
    expect(f).toBeDefined();
    expect(f!.severity).toBe('info');
    expect(f!.predates).toBe(true);
    expect(f!.evidence[0]).toBe(PREDATES);
    // The same file as a new file has the defect at its rule's level.
    const fresh = await reviewText(
      [
        'Subject: [PATCH] gear: new',
        '',
        '---',
        `diff --git a/${PATH} b/${PATH}`,
        'new file mode 100644',
        '--- /dev/null',
        `+++ b/${PATH}`,
        `@@ -0,0 +1,${FILE.split('\n').length - 1} @@`,
        ...FILE.split('\n')
          .slice(0, -1)
          .map((l) => `+${l}`),
        '',
      ].join('\n'),
      'new.patch',
    );
    expect(fresh.findings.find((x) => x.rule === 'KF-RET-02')?.severity).toBe('error');
  });

  it('reviews every kfunc whose registration changes, and not the untouched ones', async () => {
    const at = lineOf('BTF_ID_FLAGS(func, bpf_gear_count)');
    const text = patch('gear: count may sleep', at, 1, ['BTF_ID_FLAGS(func, bpf_gear_count, KF_SLEEPABLE)']);
    const r = await reviewText(text, 'flags.patch', { tree, cache: false });
    expect([...r.models[0]!.focus!]).toEqual(['bpf_gear_count']);
    expect(r.findings.filter((f) => f.kfunc === 'bpf_gear_teeth')).toEqual([]);
    expect(r.findings.some((f) => f.kfunc === 'bpf_gear_count' && f.rule === 'KF-RET-02' && f.predates)).toBe(true);
  });

  it('keeps a fingerprint when the finding moves to another line', async () => {
    const text = patch('gear: header comment', 2, 0, ['/* gears */', '/* more gears */']);
    const r = await reviewText(text, 'moved.patch', { tree, cache: false });
    // Nothing in a kfunc changed: nothing is reviewed.
    expect([...r.models[0]!.focus!]).toEqual([]);
    const a = await reviewText(patch('gear: comment', lineOf('return g->count;'), 0, ['\t/* a */']), 'a.patch', { tree, cache: false });
    const b = await reviewText(patch('gear: comment', lineOf('if (!g)'), 0, ['\t/* b */', '\t/* c */']), 'b.patch', { tree, cache: false });
    const fa = a.findings.find((f) => f.rule === 'KF-RET-02')!;
    const fb = b.findings.find((f) => f.rule === 'KF-RET-02')!;
    expect(fa.line).not.toBe(fb.line);
    expect(fa.fingerprint).toBe(fb.fingerprint);
  });
});
