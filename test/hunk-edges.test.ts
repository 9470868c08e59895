// A hunks-only review sees regions of a file, not whole functions. A region that starts inside a
// block comment, or ends inside a kfunc's body, is ordinary in real patches (a kernel-doc tail at
// the top of a hunk, a hunk that stops before the closing brace): neither is C the grammar failed
// on, and neither may turn the review into an input error.
import { describe, it, expect } from 'vitest';
import { reviewText } from '../src/pipeline/review.js';

const PATH = 'kernel/bpf/spindle.c';

function patch(hunk: string[]): string {
  return [
    'Subject: [PATCH] bpf: spindle tweaks',
    '',
    '---',
    `diff --git a/${PATH} b/${PATH}`,
    `--- a/${PATH}`,
    `+++ b/${PATH}`,
    ...hunk,
    '',
  ].join('\n');
}

describe('hunk edges', () => {
  it('reads a hunk that starts in the tail of a kernel-doc comment as C after the comment', async () => {
    const text = patch([
      '@@ -40,11 +40,14 @@ static int spindle_limit;',
      '  * Return: the spindle speed, or -EINVAL for a bad spindle.',
      '  * Callers hold no lock (see @sp).',
      '  */',
      ' __bpf_kfunc int bpf_spindle_speed(struct spindle *sp,',
      ' \t\t\t\t u64 flags)',
      ' {',
      '+\tif (flags)',
      '+\t\treturn -EINVAL;',
      '+',
      ' \tif (!sp)',
      ' \t\treturn -EINVAL;',
      ' \treturn sp->speed;',
      ' }',
    ]);
    const r = await reviewText(text, 'doc-tail.patch');
    expect(r.errors).toEqual([]);
    expect(r.models[0]!.kfuncs.map((k) => k.name)).toContain('bpf_spindle_speed');
  });

  it('notes a kfunc whose body the hunk cuts short instead of calling it unparsable', async () => {
    const text = patch([
      '@@ -60,7 +60,10 @@ __bpf_kfunc_start_defs();',
      ' __bpf_kfunc s32 bpf_spindle_pick(struct spindle *sp, u64 flags)',
      ' {',
      ' \ts32 cpu;',
      ' ',
      '+\tif (flags)',
      '+\t\treturn -EINVAL;',
      '+',
      ' \tif (static_branch_likely(&spindle_enabled)) {',
      ' \t\tcpu = spindle_pick(sp, flags);',
      ' \t\tif (cpu >= 0)',
    ]);
    const r = await reviewText(text, 'cut.patch');
    expect(r.errors).toEqual([]);
    expect(r.models[0]!.notes.some((n) => n.includes(`${PATH}:60: the hunk ends inside this __bpf_kfunc definition`))).toBe(true);
  });

  it('still fails closed on a kfunc whose C does not parse inside the hunk', async () => {
    const text = patch([
      '@@ -60,5 +60,6 @@ __bpf_kfunc_start_defs();',
      ' __bpf_kfunc int bpf_spindle_stop(u32 idx)',
      ' {',
      '+\tif (idx {',
      ' \t\treturn idx;',
      ' \treturn 0;',
      ' }',
    ]);
    const r = await reviewText(text, 'broken.patch');
    expect(r.errors.map((e) => e.message)).toEqual([
      `broken.patch: ${PATH}:60: a __bpf_kfunc definition was not reviewed: the C after its __bpf_kfunc marker did not parse`,
    ]);
  });
});
