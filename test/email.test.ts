// The email reply: one per patch, quoted patch lines, findings under them, and answers to
// replies in the thread that dispute a finding.
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { reviewText } from '../src/pipeline/review.js';
import { reviewReport } from '../src/pipeline/report-input.js';
import { formatEmail, wrap } from '../src/report/email.js';
import { registry } from '../src/rules/index.js';

const ROOT = join(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
/** The email reply to an input, through the same report input every format takes. */
const reply = async (text: string, name: string) =>
  formatEmail(
    reviewReport(await reviewText(text, name)),
    registry.map((r) => r.meta),
  );

describe('email reply', () => {
  it('quotes the lines a finding concerns and writes the finding under them', async () => {
    const mail = await reply(read('examples/memcg-kfuncs-v2.mbox'), 'series');
    const third = mail.slice(mail.indexOf('Subject: Re: [PATCH bpf-next v2 3/3]'));
    expect(third).toMatch(/^In-Reply-To: <3\.memcg-readers-v2@example\.org>$/m);
    const quote = third.indexOf('> +BTF_ID_FLAGS(func, bpf_memcg_flush_stats, KF_TRUSTED_ARGS)');
    const prose = third.indexOf('bpf_memcg_flush_stats() may sleep');
    expect(quote).toBeGreaterThan(0);
    expect(prose).toBeGreaterThan(quote);
    for (const line of mail.split('\n')) if (!/^(> |Subject: |In-Reply-To: )/.test(line)) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('answers a reply that calls a confirmed finding a false positive, with the witness', async () => {
    const mail = await reply(read('fixtures/_intake/damaged-web-copy.txt'), 'web');
    expect(mail).toMatch(/^> No, it's a false positive: the verifier enforces the enum range\.$/m);
    expect(mail).toContain('This calls the KF-IDX-02 finding on bpf_memcg_event_count() a false');
    expect(mail).toContain('verdict: confirmed');
    expect(mail).toMatch(/The claim "The BPF verifier range-checks enum \(or other scalar\) kfunc\narguments\." does not hold here/);
    expect(mail).toMatch(/witness \(distro-x86_64\): item = 121/);
  });

  it('does not answer when nobody disputes', async () => {
    const mail = await reply(read('examples/memcg-kfuncs-v2.mbox'), 'series');
    expect(mail).not.toContain('a false positive');
  });

  it('wraps at 72 columns', () => {
    expect(wrap('a '.repeat(100)).every((l) => l.length <= 72)).toBe(true);
  });
});

// Our own disputing reply after the shipped example series: the same answer as on the seed
// thread, without needing the reference copy (so it runs on a clean clone).
const DISPUTE = [
  '',
  'From dev@example.org Tue Jan 13 09:00:00 2026',
  'From: Example Developer <dev@example.org>',
  'Date: Tue, 13 Jan 2026 09:00:00 +0000',
  'Subject: Re: [PATCH bpf-next v2 2/3] bpf: memcg: add event and page state reader kfuncs',
  'Message-Id: <reply.2.memcg-readers-v2@example.org>',
  'In-Reply-To: <2.memcg-readers-v2@example.org>',
  '',
  'On Mon, Jan 12, 2026, a review bot wrote:',
  '> bpf_memcg_event_count() indexes a table with the BPF-controlled event',
  '> without a bound check.',
  '',
  'This is a false positive: the argument is an enum, and the verifier',
  'enforces the enum range, so a BPF program cannot pass anything past',
  'NR_VM_EVENT_ITEMS.',
  '',
].join('\n');

describe('a reply that disputes a proven finding', () => {
  it('is answered with the claim that fails and the model witness', async () => {
    const mail = await reply(read('examples/memcg-kfuncs-v2.mbox') + DISPUTE, 'thread');
    expect(mail).toMatch(/^> This is a false positive: the argument is an enum, and the verifier$/m);
    expect(mail).toContain('KF-IDX-02 finding on bpf_memcg_event_count() a false');
    expect(mail).toMatch(/The claim "The BPF verifier range-checks enum \(or other scalar\) kfunc\s+arguments\." does not hold here/);
    expect(mail).toMatch(/witness \(distro-x86_64\): item = 121/);
  });

  it('is not answered when nobody disputes the finding', async () => {
    const mail = await reply(read('examples/memcg-kfuncs-v2.mbox'), 'series');
    expect(mail).not.toContain('does not hold here');
  });
});

// The mission's own thread, when the reference copy is beside the project (never required).
const SEED = join(ROOT, '..', 'shared', 'reference', 'seed-memcg-kfuncs-v2.txt');
describe.runIf(existsSync(SEED))('the seed thread', () => {
  it('answers the author\'s "false positive" reply on vm_events with the witness', async () => {
    const mail = await reply(readFileSync(SEED, 'utf8'), 'seed');
    expect(mail).toMatch(/^> No, it's a false positive, as explained in a reply to the similar$/m);
    expect(mail).toContain('KF-IDX-02 finding on bpf_mem_cgroup_vm_events() a false');
    expect(mail).toMatch(/witness \(distro-x86_64\): event = 121/);
    expect(mail).toContain('range-checks enum');
  });
});
