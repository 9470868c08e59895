// The sleeper knowledge base (src/knowledge/sleepers.ts, atomic-sections.ts, gfp.ts): its size
// and evidence, its doc page, the gfp evaluator (src/facts/sleep-scan.ts), look-alike
// precedence, and the memcg flush case end to end.
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SLEEPERS, NON_SLEEPERS, sleeperFor, nonSleeperFor, shortWhy } from '../src/knowledge/sleepers.js';
import { ATOMIC_SECTIONS } from '../src/knowledge/atomic-sections.js';
import { BLOCKING_GFP, NONBLOCKING_GFP } from '../src/knowledge/gfp.js';
import { classifyGfp, scanSleeps } from '../src/facts/sleep-scan.js';
import { sourceFromFile } from '../src/intake/source.js';
import { buildModel } from '../src/model/build-model.js';
import { reviewText } from '../src/pipeline/review.js';

const ROOT = join(import.meta.dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs', 'sleepers.md'), 'utf8');
const SEED = '/work/shared/reference/seed-memcg-kfuncs-v2.txt';

describe('sleeper knowledge base', () => {
  it('has at least 40 sleeping families, each with evidence', () => {
    expect(SLEEPERS.length).toBeGreaterThanOrEqual(40);
    for (const e of SLEEPERS) {
      expect(e.why.length, e.id).toBeGreaterThan(30);
      expect(shortWhy(e).length, e.id).toBeGreaterThan(5);
      expect(e.names.length + (e.prefixes?.length ?? 0), e.id).toBeGreaterThan(0);
      if (e.gfpArg) for (const n of Object.keys(e.gfpArg)) expect(e.names, `${e.id}: gfp arg for unknown name ${n}`).toContain(n);
    }
    expect(new Set(SLEEPERS.map((e) => e.id)).size).toBe(SLEEPERS.length);
  });

  it('documents the non-sleeping look-alikes too', () => {
    const ids = NON_SLEEPERS.map((e) => e.id);
    for (const id of [
      'spinlocks',
      'trylocks',
      'nolock-alloc',
      'frees',
      'rcu-deferral',
      'file-refs',
      'cgroup-refs',
      'nofault-copies',
      'memcg-stat-readers',
    ])
      expect(ids).toContain(id);
    for (const e of NON_SLEEPERS) expect(e.why.length, e.id).toBeGreaterThan(30);
  });

  it('knows the memcg seed chain', () => {
    for (const n of ['mem_cgroup_flush_stats', 'cgroup_rstat_flush', 'css_rstat_flush']) expect(sleeperFor(n)?.certainty, n).toBe('always');
    for (const n of ['memcg_events', 'memcg_page_state_output', 'mem_cgroup_usage', 'css_put']) expect(nonSleeperFor(n), n).toBeDefined();
  });

  it('lets every sleeper name through (no look-alike swallows it), and lets look-alikes win over prefixes', () => {
    for (const e of SLEEPERS) for (const n of e.names) expect(sleeperFor(n)?.id, n).toBe(e.id);
    for (const n of [
      'down_read_trylock',
      'mutex_trylock',
      'copy_from_user_nofault',
      'strncpy_from_user_nofault',
      'spin_lock_irqsave',
      'kfree',
      'fput',
      'call_rcu',
      'mmput_async',
    ]) {
      expect(sleeperFor(n), n).toBeUndefined();
    }
    expect(sleeperFor('wait_event_interruptible_timeout')?.id).toBe('wait-event');
    expect(sleeperFor('kthread_create_on_node')?.id).toBe('kthread');
    expect(sleeperFor('crypto_alloc_shash')?.id).toBe('crypto-alloc');
  });

  it('is listed entry by entry in docs/sleepers.md', () => {
    const missing: string[] = [];
    for (const e of [...SLEEPERS, ...NON_SLEEPERS]) {
      if (!DOC.includes(`| ${e.id} |`)) missing.push(`family ${e.id}`);
      for (const n of e.names) if (!DOC.includes(`\`${n}\``)) missing.push(n);
      for (const p of e.prefixes ?? []) if (!DOC.includes(`\`${p}*\``)) missing.push(`${p}*`);
    }
    for (const s of ATOMIC_SECTIONS)
      for (const n of [...s.acquire, ...s.release, ...s.guardClasses]) if (!DOC.includes(`\`${n}\``)) missing.push(n);
    for (const g of [...BLOCKING_GFP, ...NONBLOCKING_GFP]) if (!DOC.includes(`\`${g}\``)) missing.push(g);
    expect(missing).toEqual([]);
  });
});

describe('gfp masks', () => {
  const cases: [string, string][] = [
    ['GFP_KERNEL', 'blocking'],
    ['GFP_KERNEL | __GFP_ZERO', 'blocking'],
    ['(GFP_KERNEL_ACCOUNT)', 'blocking'],
    ['GFP_NOFS', 'blocking'],
    ['GFP_ATOMIC', 'nonblocking'],
    ['GFP_ATOMIC | __GFP_NOWARN', 'nonblocking'],
    ['GFP_NOWAIT | __GFP_ACCOUNT', 'nonblocking'],
    ['GFP_KERNEL & ~__GFP_DIRECT_RECLAIM', 'nonblocking'],
    ['(GFP_USER & ~__GFP_RECLAIM) | __GFP_NOWARN', 'nonblocking'],
    ['in_task() ? GFP_KERNEL : GFP_ATOMIC', 'unknown'],
    ['irqs_disabled() ? GFP_ATOMIC : GFP_NOWAIT', 'nonblocking'],
    ['gfp', 'unknown'],
    ['gfp | __GFP_ZERO', 'unknown'],
  ];
  for (const [expr, want] of cases) it(`${expr} is ${want}`, () => expect(classifyGfp(expr)).toBe(want));

  it('follows identifiers through the resolver', () => {
    expect(classifyGfp('flags | __GFP_ZERO', (id) => (id === 'flags' ? 'GFP_KERNEL' : undefined))).toBe('blocking');
    expect(classifyGfp('flags', (id) => (id === 'flags' ? 'GFP_NOWAIT' : undefined))).toBe('nonblocking');
  });
});

describe('the memcg flush case', () => {
  const series = readFileSync(join(ROOT, 'examples', 'memcg-kfuncs-v2.mbox'), 'utf8');
  const sleep = (fs: { rule: string }[]) => fs.filter((f) => f.rule.startsWith('KF-SLEEP-'));

  it('reports a flush wrapper registered without KF_SLEEPABLE as an error', async () => {
    const r = await reviewText(series, 'series');
    const f = sleep(r.findings).filter((x) => x.kfunc === 'bpf_memcg_flush_stats');
    expect(f.map((x) => [x.rule, x.severity])).toEqual([['KF-SLEEP-01', 'error']]);
    expect(f[0].evidence.join('\n')).toMatch(/mem_cgroup_flush_stats\(\)/);
  });

  it('is quiet once the entry carries KF_SLEEPABLE', async () => {
    const fixed = series.replace(
      '+BTF_ID_FLAGS(func, bpf_memcg_flush_stats, KF_TRUSTED_ARGS)',
      '+BTF_ID_FLAGS(func, bpf_memcg_flush_stats, KF_TRUSTED_ARGS | KF_SLEEPABLE)',
    );
    expect(fixed).not.toBe(series);
    const r = await reviewText(fixed, 'series');
    expect(sleep(r.findings)).toEqual([]);
  });

  it.skipIf(!existsSync(SEED))(
    'gives no SLEEP finding at warning or above on the v2 seed, and an error once the flag is dropped',
    async () => {
      const seed = readFileSync(SEED, 'utf8');
      const r = await reviewText(seed, 'seed');
      expect(sleep(r.findings).filter((f) => f.severity !== 'info')).toEqual([]);
      const dropped = seed.replace('KF_TRUSTED_ARGS | KF_SLEEPABLE)', 'KF_TRUSTED_ARGS)');
      const d = await reviewText(dropped, 'seed');
      expect(sleep(d.findings).map((f) => [f.rule, f.kfunc, f.severity])).toEqual([['KF-SLEEP-01', 'bpf_mem_cgroup_flush_stats', 'error']]);
    },
  );
});

describe('sleep scan of callees that sleep only on some paths', () => {
  const KFUNC = `
__bpf_kfunc void bpf_gadget_put(struct gadget *g)
{
	kobject_put(&g->kobj);
}
`;
  // What a --tree review holds as a callee region: the callee's own code.
  const CALLEE = `
void kobject_put(struct kobject *kobj)
{
	might_sleep();
	kobject_release(kobj);
}
`;
  const scan = (files: [string, string][]) => {
    const m = buildModel(
      files.map(([p, t]) => sourceFromFile(p, t)),
      { subject: '', index: 0, total: 0, target: { version: '6.12', major: 6, minor: 12, source: 'flag', reason: 'test' } },
    );
    return scanSleeps(m, m.functions.get('bpf_gadget_put')!);
  };

  it('keeps a may-sleep callee uncertain when its code is not visible', () => {
    const s = scan([['drivers/gadget/gadget_bpf.c', KFUNC]]);
    expect(s.hits.map((h) => [h.callee, h.certain])).toEqual([['kobject_put', false]]);
  });

  it('follows its code when visible: a sleeper it reaches makes the call certain', () => {
    const s = scan([
      ['drivers/gadget/gadget_bpf.c', KFUNC],
      ['lib/kobject.c', CALLEE],
    ]);
    expect(s.hits.map((h) => [h.callee, h.certain, h.chain.map((c) => c.fn)])).toEqual([
      ['might_sleep', true, ['bpf_gadget_put', 'kobject_put']],
    ]);
    expect(s.followed).toEqual(['kobject_put']);
  });

  it('counts the ratelimited memcg flush as sleeping: it reaches the flush when the periodic one is late', () => {
    expect(sleeperFor('mem_cgroup_flush_stats_ratelimited')?.certainty).toBe('always');
  });
});
