// The guard readings of the index analysis (src/facts/index): relations between arguments,
// capped spans, errno checkers, sums, off-by-one bounds, ordered differences, sized argument
// structs, helper checks read in the caller's words, and header stubs yielding to real bodies.
import { describe, expect, it } from 'vitest';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import type { PatchModel } from '../src/model/model.js';
import { factsFor } from '../src/facts/context.js';
import type { Sink } from '../src/facts/index/flow-types.js';

function model(files: Record<string, string>): PatchModel {
  return buildModel(
    Object.entries(files).map(([p, t]) => sourceFromFile(p, t)),
    {
      subject: '',
      index: 0,
      total: 0,
      mode: 'tree',
      target: { version: null, major: 0, minor: 0, source: 'default', reason: 'test' },
    },
  );
}

function sinks(m: PatchModel, fn: string, param: string): Sink[] {
  const k = m.kfuncs.find((x) => x.name === fn && x.side === 'new')!;
  return factsFor(m)
    .flows(k)
    .find((f) => f.name === param)!.sinks;
}

const one = (c: string) => model({ 'kernel/bpf/t.c': c });

describe('relations and caps', () => {
  it('a bound by another argument orders, it does not cap', () => {
    const m = one(`
__bpf_kfunc int bpf_t(struct obj *o, u32 start, u32 end)
{
	if (start > end)
		return -EINVAL;
	o->off += start;
	return 0;
}`);
    const [s] = sinks(m, 'bpf_t', 'start');
    expect(s!.kind).toBe('store');
    expect(s!.status).toBe('none');
    expect(s!.facts.bounds).toMatchObject([{ rhs: 'end', relative: true }]);
  });

  it('a relation to an argument that is capped caps through it', () => {
    const m = one(`
__bpf_kfunc int bpf_t(struct obj *o, u32 start, u32 end)
{
	if (start > end || end > o->len)
		return -EINVAL;
	o->off += start;
	return 0;
}`);
    expect(sinks(m, 'bpf_t', 'start')[0]!.status).toBe('complete');
  });

  it('a bound by a __sz size is a cap (the verifier checked it)', () => {
    const m = one(`
__bpf_kfunc int bpf_t(u8 *buf, u32 buf__sz, u32 i)
{
	if (i >= buf__sz)
		return -EINVAL;
	return buf[i];
}`);
    expect(sinks(m, 'bpf_t', 'i')[0]!.status).toBe('complete');
  });

  it('a capped span caps an iterator range; an order check alone does not', () => {
    const src = (cap: string) => `
struct bpf_iter_t_kern { int cur; int end; };
__bpf_kfunc int bpf_iter_t_new(struct bpf_iter_t *it, int start, int end)
{
	struct bpf_iter_t_kern *s = (void *)it;

	if (start > end)
		return -EINVAL;
${cap}
	s->cur = start;
	s->end = end;
	return 0;
}
__bpf_kfunc int *bpf_iter_t_next(struct bpf_iter_t *it)
{
	struct bpf_iter_t_kern *s = (void *)it;

	if (s->cur >= s->end)
		return NULL;
	return &s->cur;
}`;
    const open = sinks(one(src('')), 'bpf_iter_t_new', 'end');
    expect(open.map((s) => [s.kind, s.status, s.iterNext])).toEqual([['loop', 'none', 'bpf_iter_t_next']]);
    const capped = sinks(one(src('\tif ((s64)end - (s64)start > T_MAX_STEPS)\n\t\treturn -E2BIG;')), 'bpf_iter_t_new', 'end');
    expect(capped[0]!.status).toBe('complete');
  });

  it('`off + len > size` rejected bounds off by size', () => {
    const m = one(`
__bpf_kfunc int bpf_t(struct obj *o, u32 off, u32 len)
{
	if (off + len > o->size)
		return -ERANGE;
	o->pos = o->size - off;
	return 0;
}`);
    const u = sinks(m, 'bpf_t', 'off').find((s) => s.kind === 'underflow')!;
    expect(u.target).toBe('o->size');
    expect(u.status).toBe('complete');
  });
});

describe('checkers', () => {
  it('an errno checker by name, tested directly or through a local', () => {
    const m = one(`
__bpf_kfunc void *bpf_t(u64 id)
{
	if (t_id_check(id) < 0)
		return NULL;
	return (void *)(unsigned long)id;
}
__bpf_kfunc void *bpf_u(u64 id)
{
	int err;

	err = t_validate(id);
	if (err)
		return NULL;
	return (void *)(unsigned long)id;
}`);
    for (const fn of ['bpf_t', 'bpf_u']) {
      const p = sinks(m, fn, 'id').find((s) => s.kind === 'pointer');
      expect(p).toBeDefined();
      expect(p!.status).toBe('complete');
      expect(p!.facts.assumed.length).toBe(1);
    }
  });

  it('a visible checker is read: its passing return must be guarded', () => {
    const m = one(`
static int t_check_off(u32 off, u32 size)
{
	if (off > size)
		return -E2BIG;
	return 0;
}
__bpf_kfunc int bpf_t(struct obj *o, u32 off)
{
	int err = t_check_off(off, o->size);

	if (err)
		return err;
	o->pos = o->size - off;
	return 0;
}`);
    const u = sinks(m, 'bpf_t', 'off').find((s) => s.kind === 'underflow')!;
    // the helper's `off > size` reads as `off <= o->size` in the caller
    expect(u.facts.bounds.map((b) => b.rhs)).toContain('o->size');
    expect(u.status).toBe('complete');
  });

  it('a pointer handed to a fault-tolerant reader, or to user space, is not a pointer sink', () => {
    const m = one(`
__bpf_kfunc int bpf_t(void *dst, u32 dst__sz, u64 addr)
{
	if (copy_from_kernel_nofault(dst, (void *)(long)addr, dst__sz))
		return -EFAULT;
	return copy_from_user(dst, (const void __user *)addr, dst__sz);
}`);
    expect(sinks(m, 'bpf_t', 'addr').filter((s) => s.kind === 'pointer')).toEqual([]);
  });
});

describe('off by one', () => {
  it('`i > N` before a[i] with a[N] declared', () => {
    const m = one(`
static u64 tbl[T_NR];
__bpf_kfunc u64 bpf_t(u32 i)
{
	if (i > T_NR)
		return 0;
	return tbl[i];
}
__bpf_kfunc u64 bpf_u(u32 i)
{
	if (i >= T_NR)
		return 0;
	return tbl[i];
}`);
    const [s] = sinks(m, 'bpf_t', 'i');
    expect(s!.status).toBe('off-by-one');
    expect(s!.facts.offByOne).toMatchObject({ bound: 'T_NR', size: 'T_NR' });
    expect(sinks(m, 'bpf_u', 'i')[0]!.status).toBe('complete');
  });

  it('an inclusive _MAX against an array of MAX + 1 is fine; arithmetic on the index is not judged', () => {
    const m = one(`
static u8 lv[T_MAX + 1];
static u8 half[T_NR];
__bpf_kfunc u8 bpf_t(u32 i)
{
	if (i > T_MAX)
		return 0;
	return lv[i];
}
__bpf_kfunc u8 bpf_u(u32 i)
{
	if (i > T_NR)
		return 0;
	return half[(i - 1) / 2];
}`);
    expect(sinks(m, 'bpf_t', 'i')[0]!.status).toBe('complete');
    expect(sinks(m, 'bpf_u', 'i').find((s) => s.kind === 'subscript')!.status).toBe('complete');
  });
});

describe('sized argument structs', () => {
  it('a field touched before the size check is uncovered; after it, covered', () => {
    const m = one(`
__bpf_kfunc void *bpf_t(struct t_opts *opts, u32 opts__sz)
{
	if (opts__sz != T_OPTS_SZ) {
		opts->err = -EINVAL;
		return NULL;
	}
	return t_find(opts->id);
}
__bpf_kfunc void *bpf_u(struct t_opts *opts, u32 opts__sz)
{
	if (opts__sz < sizeof(opts->err))
		return NULL;
	if (opts__sz != T_OPTS_SZ) {
		opts->err = -EINVAL;
		return NULL;
	}
	return t_find(opts->id);
}`);
    const f = factsFor(m);
    const t = f.sizedArgs(m.kfuncs.find((k) => k.name === 'bpf_t')!)[0]!;
    expect(t.accesses.map((a) => [a.field, a.write, a.covered.length > 0])).toEqual([
      ['err', true, false],
      ['id', false, true],
    ]);
    const u = f.sizedArgs(m.kfuncs.find((k) => k.name === 'bpf_u')!)[0]!;
    expect(u.accesses.every((a) => a.covered.length > 0)).toBe(true);
  });
});

describe('config stubs', () => {
  it("a header's constant stub yields to the real definition of the same name", () => {
    const m = model({
      'include/linux/t.h': 'static inline bool t_valid(int i)\n{\n\treturn false;\n}\n',
      'kernel/t.c': 'bool t_valid(int i)\n{\n\treturn (u32)i < T_NR;\n}\n',
    });
    expect(m.functions.get('t_valid')!.file).toBe('kernel/t.c');
  });
});

describe('ordered differences', () => {
  it('`off > size - len` after `len > size` orders off below size', () => {
    const m = one(`
__bpf_kfunc int bpf_t(struct obj *o, u32 off, u32 len)
{
	u32 size = o->size;

	if (len > size || off > size - len)
		return -E2BIG;
	o->room = size - off;
	return 0;
}`);
    expect(sinks(m, 'bpf_t', 'off').find((s) => s.kind === 'underflow')!.status).toBe('complete');
  });
});
