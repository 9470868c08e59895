// Transfer functions for the memcg accessors a stat kfunc reaches (docs/memcg-model.md, "Transfer functions").
// Each one performs, through the engine's context, exactly the accesses and checks of the
// kernel function it stands for, so effects and chains come out as in the real code.
import type { CalleeSummary, SummaryCtx, World } from '../../model-types.js';
import type { Value } from '../../values.js';

const MEMCG = { name: 'memcg', type: 'struct mem_cgroup *' };

/** BAD_STAT_IDX(i): `(u32)i >= U8_MAX`; an index-map byte is u8, so only 0xFF is bad. */
function badStatIdx(ctx: SummaryCtx, i: Value): Value {
  return ctx.cmp('>=', ctx.convert(i, 'u32'), ctx.int(255));
}

function fmt(v: Value): string {
  return v.k === 'int' ? String(v.v) : '?';
}

/** Multiplier memcg_page_state_output applies: event counts 1, byte items 1, KiB items 1024, else PAGE_SIZE. */
export function outputUnit(w: World, item: bigint): bigint {
  const name = w.enumName('node_stat_item', item) ?? w.enumName('memcg_stat_item', item) ?? '';
  if (/^(WORKINGSET_|PGDEMOTE_)/.test(name) || name === 'PGPROMOTE_SUCCESS') return 1n;
  if (name.endsWith('_B')) return 1n;
  if (name === 'NR_KERNEL_STACK_KB' || name === 'NR_KERNEL_SCS_KB') return 1024n;
  return 4096n;
}

/** Shared shape of memcg_events()/memcg_page_state(): map through the index, WARN on no slot. */
function slotRead(ctx: SummaryCtx, fn: string, indexFn: string, store: string, arg: Value, argText: string): Value {
  const i = ctx.call(indexFn, [arg], [argText]);
  if (ctx.branch('BAD_STAT_IDX(i)', badStatIdx(ctx, i))) {
    ctx.warn(`${fn}: missing stat item ${fmt(arg)}`);
    return ctx.int(0, 'unsigned long', arg.taint);
  }
  return ctx.read(store, i, 'i');
}

export const MEMCG_SUMMARIES: CalleeSummary[] = [
  {
    name: 'memcg_events_index',
    params: [{ name: 'idx', type: 'enum vm_event_item' }],
    returns: 'u8',
    // No bound check in the kernel: the u8 map is read at whatever index arrives.
    run: (ctx, [idx]) => ctx.read('mem_cgroup_events_index', idx!, ctx.argText(0)),
  },
  {
    name: 'memcg_stats_index',
    params: [{ name: 'idx', type: 'int' }],
    returns: 'u8',
    run: (ctx, [idx]) => ctx.read('mem_cgroup_stats_index', idx!, ctx.argText(0)),
  },
  {
    name: 'BAD_STAT_IDX',
    params: [{ name: 'i', type: 'u32' }],
    returns: 'bool',
    macro: true,
    run: (ctx, [i]) => badStatIdx(ctx, i!),
  },
  {
    name: 'memcg_events',
    params: [MEMCG, { name: 'event', type: 'int' }],
    returns: 'unsigned long',
    run: (ctx, [, event]) => slotRead(ctx, 'memcg_events', 'memcg_events_index', 'memcg_vmstats.events', event!, ctx.argText(1)),
  },
  {
    name: 'memcg_page_state',
    params: [MEMCG, { name: 'idx', type: 'int' }],
    returns: 'unsigned long',
    // The kernel clamps a negative per-cpu sum to 0 on SMP; the value stays a counter.
    run: (ctx, [, idx]) => slotRead(ctx, 'memcg_page_state', 'memcg_stats_index', 'memcg_vmstats.state', idx!, ctx.argText(1)),
  },
  {
    name: 'memcg_page_state_output',
    params: [MEMCG, { name: 'item', type: 'int' }],
    returns: 'unsigned long',
    run: (ctx, [memcg, item]) => {
      const v = ctx.call('memcg_page_state', [memcg!, item!], [ctx.argText(0), ctx.argText(1)]);
      // The unit lookup is a pure switch on the item: no memory access, any int is fine.
      const unit = item!.k === 'int' ? outputUnit(ctx.world, item!.v) : 4096n;
      if (v.k === 'int') return ctx.int(v.v * unit, 'unsigned long', v.taint);
      return v.k === 'opaque' && v.origin !== 'counter' ? v : ctx.counter(`memcg_page_state x ${unit}`, v.taint);
    },
  },
  {
    name: 'memcg_vm_event_item_valid',
    params: [{ name: 'idx', type: 'enum vm_event_item' }],
    returns: 'bool',
    run: (ctx, [idx]) => {
      if (ctx.branch('idx >= NR_VM_EVENT_ITEMS', ctx.cmp('>=', idx!, ctx.constant('NR_VM_EVENT_ITEMS'))))
        return ctx.int(0, 'bool', idx!.taint);
      const b = ctx.call('memcg_events_index', [idx!], [ctx.argText(0)]);
      const bad = badStatIdx(ctx, b);
      return ctx.int(bad.k === 'int' && bad.v === 0n ? 1 : 0, 'bool', idx!.taint);
    },
  },
  {
    name: 'memcg_stat_item_valid',
    params: [{ name: 'idx', type: 'int' }],
    returns: 'bool',
    run: (ctx, [idx]) => {
      if (ctx.branch('(u32)idx >= MEMCG_NR_STAT', ctx.cmp('>=', ctx.convert(idx!, 'u32'), ctx.constant('MEMCG_NR_STAT'))))
        return ctx.int(0, 'bool', idx!.taint);
      const b = ctx.call('memcg_stats_index', [idx!], [ctx.argText(0)]);
      const bad = badStatIdx(ctx, b);
      return ctx.int(bad.k === 'int' && bad.v === 0n ? 1 : 0, 'bool', idx!.taint);
    },
  },
  {
    name: 'mem_cgroup_usage',
    params: [MEMCG, { name: 'swap', type: 'bool' }],
    returns: 'unsigned long',
    // Root: global FILE + ANON_MAPPED approximation; others: page_counter. Pages, no index.
    run: (ctx) => ctx.counter('mem_cgroup_usage() in pages'),
  },
  {
    name: 'page_counter_read',
    params: [{ name: 'counter', type: 'struct page_counter *' }],
    returns: 'unsigned long',
    run: (ctx) => ctx.counter('page_counter usage in pages'),
  },
  {
    name: 'mem_cgroup_flush_stats',
    params: [MEMCG],
    returns: 'void',
    // Over the update threshold it runs css_rstat_flush(): might_sleep(), cond_resched().
    run: (ctx) => {
      ctx.maySleep('mem_cgroup_flush_stats() -> css_rstat_flush() (might_sleep, cond_resched)');
      return { k: 'void', taint: false };
    },
  },
  {
    name: 'css_rstat_flush',
    params: [{ name: 'css', type: 'struct cgroup_subsys_state *' }],
    returns: 'void',
    run: (ctx) => {
      ctx.maySleep('css_rstat_flush() (might_sleep, cond_resched)');
      return { k: 'void', taint: false };
    },
  },
];
