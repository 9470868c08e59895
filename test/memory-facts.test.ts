// The memory facts (src/facts/memory) and the legacy kfunc sets of the model: constants and
// struct layouts, byte sizes in units, what callees move through __sz buffers and which checks
// cover it, unsized scalar pointers, copies into fixed arrays, sized structs checked field by
// field, and kfuncs registered through the sets that came before BTF_ID_FLAGS.
import { describe, expect, it } from 'vitest';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import type { PatchModel } from '../src/model/model.js';
import { parseC } from '../src/model/c-parser.js';
import { factsFor } from '../src/facts/context.js';
import { cValues } from '../src/facts/memory/c-values.js';
import { covers, parseSize } from '../src/facts/memory/size-expr.js';
import { legacyKfuncs } from '../src/model/legacy-kfunc-sets.js';

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
const one = (c: string) => model({ 'kernel/bpf/t.c': c });
const kfunc = (m: PatchModel, name: string) => m.kfuncs.find((k) => k.name === name && k.side === 'new')!;
const expr = (t: string) => parseC(`int __v = ${t};`).rootNode.descendantsOfType('init_declarator')[0]!.childForFieldName('value')!;

describe('constants and layouts', () => {
  const m = one(`
#define PAD 3
enum { OPTS_SZ = 16 };
struct opts {
	s32 netns;
	s32 err;
	u8 proto;
	u16 zone;
	u8 pad[PAD];
	u64 cookie;
};
__bpf_kfunc int bpf_t(struct opts *o, u32 o__sz) { return 0; }
`);
  const cv = cValues(m);
  it('lays a struct out with natural alignment', () => {
    const l = cv.layout('opts')!;
    expect(l.members.map((x) => [x.name, x.offset, x.size])).toEqual([
      ['netns', 0, 4],
      ['err', 4, 4],
      ['proto', 8, 1],
      ['zone', 10, 2],
      ['pad', 12, 3],
      ['cookie', 16, 8],
    ]);
    expect(l.size).toBe(24);
  });
  it('evaluates offsetofend, sizeof, anonymous enumerators and min()', () => {
    expect(cv.evaluate(expr('offsetofend(struct opts, err)'))).toBe(8n);
    expect(cv.evaluate(expr('sizeof(struct opts)'))).toBe(24n);
    expect(cv.evaluate(expr('min(OPTS_SZ, 12)'))).toBe(12n);
    expect(cv.evaluate(expr('BITS_TO_LONGS(65) * sizeof(long)'))).toBe(16n);
  });
});

describe('sizes in units', () => {
  const cv = cValues(one('int x;'));
  const size = (t: string) => parseSize(expr(t), cv);
  it('bytes of bits do not cover whole longs, bitmap_size does', () => {
    expect(covers(size('BITS_TO_BYTES(n)'), size('bitmap_size(n)'))).toBe('no');
    expect(covers(size('bitmap_size(n)'), size('BITS_TO_LONGS(n) * sizeof(long)'))).toBe('yes');
    expect(covers(size('BITS_TO_LONGS(n)'), size('BITS_TO_BYTES(n)'))).toBe('no');
    expect(covers(size('DIV_ROUND_UP(n, 8)'), size('BITS_TO_BYTES(n)'))).toBe('yes');
  });
  it('different counts cannot be compared', () => {
    expect(covers(size('BITS_TO_BYTES(n)'), size('bitmap_size(m)'))).toBe('unknown');
  });
});

describe('sized buffers', () => {
  it('a bit count checked in bytes but copied in longs', () => {
    const m = one(`
__bpf_kfunc int bpf_t(struct x *x, void *src, u32 src__sz)
{
	if (src__sz < BITS_TO_BYTES(nr_cpu_ids))
		return -EINVAL;
	bitmap_copy(x->bits, src, nr_cpu_ids);
	return 0;
}`);
    const [a] = factsFor(m).bufferAccesses(kfunc(m, 'bpf_t'));
    expect(a).toMatchObject({ buf: 'src', mode: 'read', callee: 'bitmap_copy', origin: 'constant', covered: 'no' });
  });
  it('a kernel length clamped by min(), or through a copy of the size, is covered', () => {
    const m = one(`
__bpf_kfunc int bpf_t(struct x *x, char *buf, u32 buf__sz)
{
	size_t room = buf__sz;
	int n = x_fill(x);

	if (n > room)
		n = room;
	memcpy(buf, x->data, n);
	memcpy(buf, x->name, min_t(size_t, strlen(x->name), buf__sz));
	return 0;
}`);
    const acc = factsFor(m).bufferAccesses(kfunc(m, 'bpf_t'));
    expect(acc.map((a) => a.covered)).toEqual(['yes', 'yes']);
  });
  it('follows the buffer into a helper and keeps the caller checks', () => {
    const m = one(`
static void fill(u8 *d, const struct x *x)
{
	memcpy(d, x->data, sizeof(x->data));
}
__bpf_kfunc int bpf_t(struct x *x, u8 *buf, u32 buf__sz)
{
	if (buf__sz < 4)
		return -EINVAL;
	fill(buf, x);
	return 0;
}`);
    const [a] = factsFor(m).bufferAccesses(kfunc(m, 'bpf_t'));
    expect(a).toMatchObject({ depth: 1, fn: 'fill', origin: 'constant' });
    expect(a!.checks.map((c) => c.size.text)).toEqual(['4']);
  });
});

describe('unsized scalar pointers', () => {
  it('a char pointer read as a string through a helper; one element is fine', () => {
    const m = one(`
static int parse(const char *s, u64 *v) { return kstrtou64(s, 0, v); }
__bpf_kfunc int bpf_t(const char *spec, const char *name__str, int *err)
{
	u64 v;
	*err = parse(spec, &v);
	return strcmp(name__str, "x");
}`);
    const r = factsFor(m).unsizedOverReads(kfunc(m, 'bpf_t'));
    expect(r.map((x) => [x.param, x.how, x.callee, x.depth])).toEqual([['spec', 'string', 'kstrtou64', 1]]);
  });
});

describe('fixed arrays', () => {
  it('a __str copied with strcpy, and a cap larger than the member', () => {
    const m = one(`
struct info { u32 id; char name[16]; };
__bpf_kfunc int bpf_t(struct info *i, const char *tag__str, const void *nm, u32 nm__sz)
{
	char tag[8];

	strcpy(tag, tag__str);
	if (nm__sz > 64)
		return -E2BIG;
	memcpy(i->name, nm, nm__sz);
	return 0;
}`);
    const c = factsFor(m).fixedCopies(kfunc(m, 'bpf_t'));
    expect(c.map((x) => [x.dest, x.destBytes, x.fits, x.bounds.map((b) => b.value)])).toEqual([
      ['tag', 8, false, []],
      ['i->name', 16, false, [64]],
    ]);
  });
});

describe('sized structs field by field', () => {
  it('a field of the later layout read when the earlier size is accepted', () => {
    const m = one(`
struct o { s32 err; u32 flags; u64 extra; };
__bpf_kfunc int bpf_t(struct o *o, u32 o__sz)
{
	if (o__sz != 8 && o__sz != 16)
		return -EINVAL;
	return o->flags + o->extra;
}`);
    const [a] = factsFor(m).sizedArgs(kfunc(m, 'bpf_t'));
    expect(a!.accesses.map((x) => [x.field, x.need, x.have, x.covered.length > 0])).toEqual([
      ['flags', 8, 8, true],
      ['extra', 16, 8, false],
    ]);
  });
});

describe('legacy kfunc sets', () => {
  const LEGACY = `
struct nf_thing *bpf_thing_lookup(struct __sk_buff *ctx, u32 id)
{
	return thing_find(id);
}

void bpf_thing_release(struct nf_thing *t)
{
	thing_put(t);
}

static bool not_a_kfunc(void) { return true; }

BTF_SET_START(thing_check_ids)
BTF_ID(func, bpf_thing_lookup)
BTF_ID(func, bpf_thing_release)
BTF_SET_END(thing_check_ids)

BTF_SET_START(thing_acquire_ids)
BTF_ID(func, bpf_thing_lookup)
BTF_SET_END(thing_acquire_ids)

BTF_SET_START(thing_release_ids)
BTF_ID(func, bpf_thing_release)
BTF_SET_END(thing_release_ids)

BTF_SET_START(deny_list)
BTF_ID(func, not_a_kfunc)
BTF_SET_END(deny_list)

#define thing_ret_null_ids thing_acquire_ids

static const struct btf_kfunc_id_set thing_kfunc_set = {
	.owner        = THIS_MODULE,
	.check_set    = &thing_check_ids,
	.acquire_set  = &thing_acquire_ids,
	.release_set  = &thing_release_ids,
	.ret_null_set = &thing_ret_null_ids,
};
`;
  it('reads the sets a btf_kfunc_id_set names, with their flags, and nothing else', () => {
    const lines = LEGACY.split('\n').map((text, i) => ({ line: i + 1, text }));
    const got = legacyKfuncs(lines);
    expect([...got.values()].map((k) => [k.name, k.set, k.flags.sort().join('|')])).toEqual([
      ['bpf_thing_lookup', 'thing_check_ids', 'KF_ACQUIRE|KF_RET_NULL'],
      ['bpf_thing_release', 'thing_check_ids', 'KF_RELEASE'],
    ]);
  });
  it('makes their functions kfuncs with registrations', () => {
    const m = model({ 'net/thing/thing_bpf.c': LEGACY });
    expect(m.kfuncs.map((k) => k.name).sort()).toEqual(['bpf_thing_lookup', 'bpf_thing_release']);
    expect(m.registrations.map((r) => [r.kfunc, r.flags.sort().join('|')])).toEqual([
      ['bpf_thing_lookup', 'KF_ACQUIRE|KF_RET_NULL'],
      ['bpf_thing_release', 'KF_RELEASE'],
    ]);
  });
  it('reads the 5.16 and 5.13 spellings', () => {
    const t = `
BTF_SET_START(a_ids)
BTF_ID(func, fa)
BTF_SET_END(a_ids)
static DEFINE_KFUNC_BTF_ID_SET(&a_ids, a_kfunc_btf_set);
BTF_SET_START(b_ids)
BTF_ID(func, fb)
BTF_SET_END(b_ids)
static bool b_check_kfunc_call(u32 kfunc_btf_id)
{
	return btf_id_set_contains(&b_ids, kfunc_btf_id);
}`;
    const got = legacyKfuncs(t.split('\n').map((text, i) => ({ line: i + 1, text })));
    expect([...got.keys()].sort()).toEqual(['fa', 'fb']);
  });
});

describe('layouts the model does not guess', () => {
  it('a packed struct has no layout', () => {
    const m = one(`
struct p {
	u8 a;
	u32 b;
} __packed;
__bpf_kfunc int bpf_t(struct p *p, u32 p__sz) { return p->b; }
`);
    expect(cValues(m).layout('p')!.members).toEqual([]);
  });
});
