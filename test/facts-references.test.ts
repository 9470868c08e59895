// The reference facts (src/facts/references): what a returned pointer carries, which argument
// a function gives up, and whether it can return NULL, through locals, conversions and helpers.
import { describe, expect, it } from 'vitest';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import type { FunctionDef, PatchModel } from '../src/model/model.js';
import { factsFor } from '../src/facts/context.js';
import { REFERENCE_GETTERS } from '../src/knowledge/reference-getters.js';
import { OBJECT_ALLOCATORS } from '../src/knowledge/object-allocators.js';
import { REFERENCE_PUTS } from '../src/knowledge/reference-puts.js';
import { UNLINKING_CALLS } from '../src/knowledge/unlinking-calls.js';
import { LINKING_CALLS } from '../src/knowledge/linking-calls.js';
import { NULL_RETURNING_CALLEES } from '../src/knowledge/nullable-callees.js';
import { calleeFact } from '../src/knowledge/callee-facts.js';
import { namedAsPair } from '../src/knowledge/acquire-release-naming.js';

const C = `
struct part *part_alloc(u32 n)
{
	struct part *p = kzalloc(sizeof(*p), GFP_ATOMIC);

	if (!p)
		return NULL;
	refcount_set(&p->ref, 1);
	return p;
}

static void *pass_or_null(void *ret)
{
	if (IS_ERR(ret))
		return NULL;
	return ret;
}

static void part_unref(struct part *p)
{
	if (refcount_dec_and_test(&p->ref))
		kfree_rcu(p, rcu);
}

__bpf_kfunc struct part *bpf_part_new(u32 n)
{
	return part_alloc(n);
}

__bpf_kfunc struct part *bpf_part_hold(struct part *p)
{
	return refcount_inc_not_zero(&p->ref) ? p : NULL;
}

__bpf_kfunc struct part *bpf_part_pin(struct part *p)
{
	refcount_inc(&p->ref);
	return p;
}

__bpf_kfunc struct part *bpf_part_by_key(u32 key)
{
	struct part_hash *h = part_lookup_hash(key);

	return pass_or_null(part_from_hash(h));
}

__bpf_kfunc struct part *bpf_part_first(struct part_list *l)
{
	struct part *p = list_first_entry_or_null(&l->head, struct part, node);

	if (p)
		list_del_init(&p->node);
	return p;
}

__bpf_kfunc struct part *bpf_part_add(struct part_list *l)
{
	struct part *p = kzalloc(sizeof(*p), GFP_ATOMIC);

	if (!p)
		return NULL;
	list_add(&p->node, &l->head);
	return p;
}

__bpf_kfunc struct part *bpf_part_owner(struct part *p)
{
	return p->owner;
}

__bpf_kfunc void bpf_part_drop(struct part *p)
{
	part_unref(p);
}

__bpf_kfunc void bpf_part_free_embedded(struct part_view *v)
{
	struct part *p = container_of(v, struct part, view);

	kfree(p);
}

__bpf_kfunc int bpf_part_poke(struct part *p)
{
	if (!refcount_inc_not_zero(&p->ref))
		return -EBUSY;
	part_unref(p);
	return 0;
}

__bpf_kfunc void bpf_part_forget_name(struct part *p)
{
	kfree(p->name);
}

__bpf_kfunc struct part *bpf_part_exe(struct task_struct *t)
{
	return (struct part *)get_task_exe_file(t);
}

__bpf_kfunc struct part *bpf_part_rehold(struct part_list *l, u32 i)
{
	struct part *p = READ_ONCE(l->slots[i]);

	if (p)
		p = bpf_part_hold(p);
	return p;
}

__bpf_kfunc struct part *bpf_part_find(u32 id)
{
	struct part *p = idr_find(&part_idr, id);

	if (p)
		kref_get(&p->kref);
	return p;
}

__bpf_kfunc struct part *bpf_part_find_checked(u32 id)
{
	struct part *p = idr_find(&part_idr, id);

	if (unlikely(p == NULL))
		return ERR_PTR(-ENOENT);
	kref_get(&p->kref);
	return p;
}

__bpf_kfunc struct part *bpf_part_find_or_default(u32 id)
{
	struct part *p = idr_find(&part_idr, id);

	if (!p)
		p = &default_part;
	return p;
}

BTF_ID_FLAGS(func, bpf_part_hold, KF_ACQUIRE | KF_RET_NULL)
`;

function model(): PatchModel {
  return buildModel([sourceFromFile('kernel/bpf/part.c', C)], {
    subject: '',
    index: 0,
    total: 0,
    target: { version: null, major: 0, minor: 0, source: 'default', reason: 'test' },
  });
}

const fn = (m: PatchModel, name: string): FunctionDef => m.functions.get(name)!;

describe('returned reference', () => {
  const m = model();
  const facts = factsFor(m);
  const src = (name: string) => facts.returnedReference(fn(m, name)).source;

  it('follows an allocation through a helper in the file', () => {
    expect(src('bpf_part_new')).toMatchObject({ kind: 'alloc', call: 'kzalloc', via: ['bpf_part_new', 'part_alloc'], mayFail: true });
  });

  it('sees conditional and plain grabs on the returned argument', () => {
    expect(src('bpf_part_hold')).toMatchObject({ kind: 'tryget', call: 'refcount_inc_not_zero', param: 'p' });
    expect(src('bpf_part_pin')).toMatchObject({ kind: 'get', call: 'refcount_inc', param: 'p' });
  });

  it('sees an unlinked node and a kernel getter', () => {
    expect(src('bpf_part_first')).toMatchObject({ kind: 'unlink', call: 'list_del_init' });
    expect(src('bpf_part_exe')).toMatchObject({ kind: 'getter', call: 'get_task_exe_file' });
  });

  it('follows a local reassigned from an acquire kfunc', () => {
    expect(src('bpf_part_rehold')?.kind).toMatch(/tryget|acquire-kfunc/);
  });

  it('treats linked or borrowed objects as carrying no reference', () => {
    const add = facts.returnedReference(fn(m, 'bpf_part_add'));
    expect(add.source).toBeNull();
    expect(add.owner).toMatchObject({ kind: 'link', call: 'list_add' });
    expect(src('bpf_part_owner')).toBeNull();
  });

  it('maps a helper that returns its argument back to the caller', () => {
    expect(facts.returnedReference(fn(m, 'pass_or_null')).params).toEqual(['ret']);
    expect(facts.returnedReference(fn(m, 'bpf_part_pin')).params).toEqual(['p']);
  });
});

describe('released argument', () => {
  const m = model();
  const facts = factsFor(m);
  const rel = (name: string) => facts.releasedArgument(fn(m, name));

  it('finds a put in a helper and a free through container_of', () => {
    expect(rel('bpf_part_drop')).toMatchObject({
      param: 'p',
      effect: { kind: 'put', call: 'refcount_dec_and_test', via: ['bpf_part_drop', 'part_unref'] },
    });
    expect(rel('bpf_part_free_embedded')).toMatchObject({ param: 'v', effect: { kind: 'free', call: 'kfree' } });
  });

  it('ignores borrowing and members', () => {
    expect(rel('bpf_part_poke')).toBeNull();
    expect(rel('bpf_part_forget_name')).toBeNull();
    expect(rel('bpf_part_hold')).toBeNull();
  });
});

describe('NULL return', () => {
  const m = model();
  const facts = factsFor(m);
  const nul = (name: string) => facts.nullReturn(fn(m, name));

  it('sees literals, helpers and allocators', () => {
    expect(nul('part_alloc')).toMatchObject({ kind: 'literal' });
    expect(nul('bpf_part_new')).toMatchObject({ kind: 'callee', callee: 'part_alloc', helperLine: { file: 'kernel/bpf/part.c' } });
    expect(nul('bpf_part_by_key')).toMatchObject({ kind: 'callee', callee: 'pass_or_null' });
    expect(nul('bpf_part_exe')).toMatchObject({ kind: 'callee', callee: 'get_task_exe_file' });
  });

  it('lets NULL through a check that only guards a use', () => {
    expect(nul('bpf_part_find')).toMatchObject({ kind: 'callee', callee: 'idr_find' });
    expect(nul('bpf_part_find_checked')).toBeNull();
    expect(nul('bpf_part_find_or_default')).toBeNull();
  });

  it('decides a local by its last assignment before the return', () => {
    expect(nul('bpf_part_rehold')).toMatchObject({ kind: 'callee', callee: 'bpf_part_hold' });
    expect(nul('bpf_part_owner')).toBeNull();
  });
});

describe('reference knowledge', () => {
  it('gives evidence for every entry', () => {
    for (const table of [REFERENCE_GETTERS, OBJECT_ALLOCATORS, REFERENCE_PUTS, UNLINKING_CALLS, LINKING_CALLS, NULL_RETURNING_CALLEES])
      for (const e of table) {
        expect(e.why.length, e.names.join(',')).toBeGreaterThan(30);
        expect(e.names.length + (e.pattern ? 1 : 0)).toBeGreaterThan(0);
      }
  });

  it('tells reference drops from puts that write data', () => {
    for (const n of ['cgroup_put', 'put_task_struct_rcu_user', 'hid_put_device', 'nf_ct_put', 'fput', 'kfree'])
      expect(calleeFact(REFERENCE_PUTS, n), n).toBeDefined();
    for (const n of ['skb_put', 'skb_put_data', '__skb_put', 'put_user', 'nla_put_u32', 'put_unaligned_le32', 'seq_puts', 'put_cpu'])
      expect(calleeFact(REFERENCE_PUTS, n), n).toBeUndefined();
  });

  it('pairs acquire and release names', () => {
    expect(namedAsPair('scx_bpf_get_possible_cpumask', 'scx_bpf_put_cpumask')).toBe(true);
    expect(namedAsPair('scx_bpf_get_idle_smtmask', 'scx_bpf_put_idle_cpumask')).toBe(true);
    expect(namedAsPair('bpf_obj_new_impl', 'bpf_obj_drop_impl')).toBe(true);
    expect(namedAsPair('bpf_widget_peek', 'bpf_widget_release')).toBe(false);
    expect(namedAsPair('bpf_gizmo_get_queue', 'bpf_widget_put')).toBe(false);
  });
});
