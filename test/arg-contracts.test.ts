// The argument-contract facts (src/facts/arg-contracts): what a function does with a flags word,
// whether an iterator constructor writes its state on every path, which sub-objects it keeps
// without a pin, and where it reads fragment memory by address.
import { describe, expect, it } from 'vitest';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import type { FunctionDef, PatchModel } from '../src/model/model.js';
import { flagsUse } from '../src/facts/arg-contracts/flags-use.js';
import { iterInit } from '../src/facts/arg-contracts/iter-init.js';
import { subObjectUses } from '../src/facts/arg-contracts/sub-objects.js';
import { fragReads } from '../src/facts/arg-contracts/frag-reads.js';

const C = `
int take_mask(u64 f) { if (unlikely(f & ~KNOWN)) return -EINVAL; return 0; }
int take_range(u32 f) { if (f >= F_MAX) return -EINVAL; return 1; }
int take_bits(u64 f) { if (f & F_ONE) do_one(); return 0; }
int take_none(u64 f) { if (!f) return 0; return do_it(); }
int take_switch(u32 f) { switch (f) { case 1: break; default: return -EINVAL; } return 0; }
int take_ternary(u64 f) { return f ? -EINVAL : 0; }
int take_copy(u64 f) { u64 g = f; if (g) return -EINVAL; return 0; }
int take_helper(u64 f) { return take_mask(f | F_ONE); }
int take_store(struct x *x, u64 f) { x->flags = f; return 0; }
int take_print(u64 f) { pr_warn("bad flags %llx", f); return 0; }

int it_plain(struct bpf_iter_x *it, int a)
{
	struct bpf_iter_x_kern *kit = (void *)it;

	if (a < 0)
		return -EINVAL;
	kit->pos = 0;
	return 0;
}

int it_all_branches(struct bpf_iter_x *it, int a)
{
	struct bpf_iter_x_kern *kit = (void *)it;

	if (a)
		kit->pos = 1;
	else
		kit->pos = 2;
	if (a > 9)
		return -E2BIG;
	return 0;
}

int it_one_branch(struct bpf_iter_x *it, int a)
{
	struct bpf_iter_x_kern *kit = (void *)it;

	if (a)
		kit->pos = 1;
	if (a > 9)
		return -E2BIG;
	kit->pos = 0;
	return 0;
}

int it_label(struct bpf_iter_x *it, int a)
{
	struct bpf_iter_x_kern *kit = (void *)it;
	int err = -EINVAL;

	if (a)
		goto out;
	kit->pos = 0;
	err = 0;
out:
	return err;
}

int it_switch(struct bpf_iter_x *it, int a)
{
	struct bpf_iter_x_kern *kit = (void *)it;

	switch (a) {
	case 1:
		kit->pos = 1;
		break;
	default:
		kit->pos = 0;
		break;
	}
	return a ? -EINVAL : 0;
}

int sub_kept(struct it_kern *kit, struct task_struct *task)
{
	kit->mm = task->mm;
	return 0;
}

int sub_pinned(struct it_kern *kit, struct task_struct *task)
{
	kit->mm = task->mm;
	if (kit->mm)
		mmget(kit->mm);
	return 0;
}

int sub_compared(struct task_struct *task, struct mm_struct *mm)
{
	return task->mm == mm;
}

int sub_current(struct task_struct *task)
{
	if (task != current)
		return -EPERM;
	return mmap_read_trylock(task->mm);
}

int frag_copy(void *dst, skb_frag_t *frag, u32 n)
{
	void *src = skb_frag_address(frag);

	memcpy(dst, src, n);
	return 0;
}

int frag_checked(void *dst, skb_frag_t *frag, u32 n)
{
	void *src = skb_frag_address(frag);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, n);
	return 0;
}
`;

function model(): PatchModel {
  return buildModel([sourceFromFile('kernel/bpf/contracts.c', C)], {
    subject: '',
    index: 0,
    total: 0,
    target: { version: null, major: 0, minor: 0, source: 'default', reason: 'test' },
    mode: 'tree',
  });
}

const m = model();
const fn = (name: string): FunctionDef => m.functions.get(name)!;

describe('flags use', () => {
  it('finds the tests that reject unknown bits', () => {
    for (const name of ['take_mask', 'take_range', 'take_switch', 'take_ternary', 'take_copy', 'take_helper'])
      expect(flagsUse(m, fn(name), 'f').rejects, name).not.toBeNull();
  });

  it('tells bit tests, stores and prints from rejections', () => {
    expect(flagsUse(m, fn('take_bits'), 'f')).toMatchObject({ rejects: null, read: true });
    expect(flagsUse(m, fn('take_bits'), 'f').bitTests.length).toBe(1);
    expect(flagsUse(m, fn('take_none'), 'f').rejects).toBeNull();
    expect(flagsUse(m, fn('take_store'), 'f').kept.length).toBe(1);
    expect(flagsUse(m, fn('take_print'), 'f')).toMatchObject({ rejects: null, read: true, forwarded: [] });
  });
});

describe('iterator state initialisation', () => {
  it('finds a return before any write', () => {
    expect(iterInit(fn('it_plain'), 'it').unwritten.map((r) => r.text)).toEqual(['return -EINVAL;']);
  });

  it('needs the write on every path', () => {
    expect(iterInit(fn('it_all_branches'), 'it').unwritten).toEqual([]);
    expect(iterInit(fn('it_one_branch'), 'it').unwritten.map((r) => r.text)).toEqual(['return -E2BIG;']);
    expect(iterInit(fn('it_switch'), 'it').unwritten).toEqual([]);
  });

  it('follows a goto to its label', () => {
    expect(iterInit(fn('it_label'), 'it').unwritten.map((r) => r.text)).toEqual(['return err;']);
  });
});

describe('sub-objects', () => {
  it('reports a kept mm without a pin, not a pinned or compared one', () => {
    const kept = subObjectUses(m, fn('sub_kept'));
    expect(kept.map((u) => [u.field, !!u.kept, !!u.pinned])).toEqual([['mm', true, false]]);
    expect(subObjectUses(m, fn('sub_pinned'))[0]?.pinned).not.toBeNull();
    expect(subObjectUses(m, fn('sub_compared')).every((u) => !u.kept && !u.used)).toBe(true);
    expect(subObjectUses(m, fn('sub_current'))).toEqual([]);
  });
});

describe('fragment reads', () => {
  it('finds a copy from a fragment address unless the address is tested', () => {
    expect(fragReads(m, fn('frag_copy')).reads.length).toBe(1);
    expect(fragReads(m, fn('frag_checked')).reads).toEqual([]);
  });
});
