// How the verifier sorts a kfunc's pointer arguments and what the code does with them
// (src/facts/pointer-args.ts): the facts the trusted-argument rule decides on.
import { describe, expect, it } from 'vitest';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import type { PatchModel } from '../src/model/model.js';
import { argUse, pointerArgs } from '../src/facts/pointer-args.js';

const C = `
struct bpf_iter_widget { __u64 __opaque[2]; };

static int widget_copy(struct widget_stats *dst, const struct widget *w)
{
	if (!dst)
		return -EINVAL;
	dst->turns = w->turns;
	return 0;
}

__bpf_kfunc int bpf_widget_fill(struct widget *w, struct widget_stats *st, u32 *out)
{
	struct widget_stats *copy = st;

	*out = 1;
	return widget_copy(copy, w);
}

__bpf_kfunc int bpf_widget_map(void *p__map, struct bpf_iter_widget *it__iter, char *buf, u32 buf__sz)
{
	struct bpf_map *map = p__map;
	struct widget_map *wm = container_of(map, struct widget_map, map);

	return wm->count + sizeof(*buf);
}

__bpf_kfunc u32 bpf_widget_skb(struct __sk_buff *s)
{
	return ((struct sk_buff *)s)->len;
}

__bpf_kfunc bool bpf_widget_same(struct widget *a, struct widget *b)
{
	return a == b;
}

__bpf_kfunc struct widget *bpf_widget_get(struct widget *w)
{
	if (!refcount_inc_not_zero(&w->ref))
		return NULL;
	return w;
}

BTF_KFUNCS_START(widget_ids)
BTF_ID_FLAGS(func, bpf_widget_fill)
BTF_ID_FLAGS(func, bpf_widget_map)
BTF_ID_FLAGS(func, bpf_widget_skb)
BTF_ID_FLAGS(func, bpf_widget_same)
BTF_ID_FLAGS(func, bpf_widget_get)
BTF_KFUNCS_END(widget_ids)

static const struct btf_kfunc_id_set widget_set = {
	.owner = THIS_MODULE,
	.set   = &widget_ids,
};

static int __init widget_init(void)
{
	return register_btf_kfunc_id_set(PROG_TYPE, &widget_set);
}
`;

function model(progType = 'BPF_PROG_TYPE_SCHED_CLS'): PatchModel {
  return buildModel([sourceFromFile('net/widget/widget.c', C.replace('PROG_TYPE', progType))], {
    subject: '',
    index: 0,
    total: 0,
    target: { version: '6.12', major: 6, minor: 12, source: 'flag', reason: 'test' },
  });
}

const args = (m: PatchModel, name: string) => {
  const def = m.functions.get(name)!;
  return pointerArgs(
    m,
    def.params,
    m.registrations.filter((r) => r.kfunc === name),
  ).map((a) => ({ name: a.param.name, kind: a.kind, effect: a.effect, use: argUse(m, def, a.param.name) }));
};

describe('pointer argument facts', () => {
  it('sorts arguments by how the verifier checks them', () => {
    const m = model();
    expect(args(m, 'bpf_widget_fill').map((a) => [a.name, a.kind, a.effect])).toEqual([
      ['w', 'kernel-object', 'trust'],
      ['st', 'kernel-object', 'trust'],
      ['out', 'memory', 'null'],
    ]);
    expect(args(m, 'bpf_widget_map').map((a) => [a.name, a.kind, a.effect])).toEqual([
      ['p__map', 'map', 'null'],
      ['it__iter', 'iterator', 'none'],
      ['buf', 'sized-memory', 'none'],
    ]);
  });

  it('treats a context type as the context only where it is one', () => {
    expect(args(model(), 'bpf_widget_skb')[0]).toMatchObject({ kind: 'context', effect: 'none' });
    // Registered for tracing programs, where __sk_buff names a kernel sk_buff.
    expect(args(model('BPF_PROG_TYPE_TRACING'), 'bpf_widget_skb')[0]).toMatchObject({ kind: 'kernel-object', effect: 'trust' });
    // Another packet program type cannot name a kernel sk_buff: still safe.
    expect(args(model('BPF_PROG_TYPE_XDP'), 'bpf_widget_skb')[0]).toMatchObject({ kind: 'context', effect: 'none' });
  });

  it('follows copies and helpers, and places NULL tests before or after the use', () => {
    const [w, st, out] = args(model(), 'bpf_widget_fill');
    expect(w.use.use).toMatchObject({ how: 'deref', text: 'w->turns', chain: ['bpf_widget_fill', 'widget_copy'] });
    // st reaches widget_copy() as a copy; the helper tests it before writing.
    expect(st.use.unguarded).toBeNull();
    expect(st.use.nullTest?.text).toBe('!dst');
    expect(out.use.unguarded).toMatchObject({ how: 'deref', text: '*out' });
    // container_of() of a copy of the map pointer, then a read through it.
    const [map] = args(model(), 'bpf_widget_map');
    expect(map.use.unguarded).toMatchObject({ how: 'deref', text: 'wm->count' });
  });

  it('does not count comparisons or sizeof as uses, and notes RCU-safe reference grabs', () => {
    expect(args(model(), 'bpf_widget_same').map((a) => a.use.use)).toEqual([null, null]);
    const [buf] = args(model(), 'bpf_widget_map').slice(2);
    expect(buf.use.use).toBeNull();
    const [w] = args(model(), 'bpf_widget_get');
    expect(w.use.rcu?.text).toBe('refcount_inc_not_zero(&w->ref)');
  });
});
