// Intake: mbox series, git format-patch, CRLF, quoted-printable, damaged web copies, and
// the rule that parse-diff never sees prose (no phantom files, no silently dropped hunks).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSeries } from '../src/intake/patch-mail.js';
import { splitMbox } from '../src/intake/mbox.js';
import { parseSubject } from '../src/intake/subject.js';
import { scanDiff } from '../src/intake/diff-scan.js';
import { reviewText, decodeInput, InputRejected } from '../src/pipeline/review.js';

const ROOT = join(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const SERIES = read('examples/memcg-kfuncs-v2.mbox');

describe('mbox series', () => {
  it('splits a cover letter and three patches, each with its own subject, in order', async () => {
    const s = await readSeries(SERIES, 'series');
    expect(s.cover?.subject).toBe('[PATCH bpf-next v2 0/3] bpf: memcg statistics readers');
    expect(s.patches.map((p) => p.subject)).toEqual([
      '[PATCH bpf-next v2 1/3] mm: memcg: declare stat readers for the BPF glue',
      '[PATCH bpf-next v2 2/3] bpf: memcg: add event and page state reader kfuncs',
      '[PATCH bpf-next v2 3/3] bpf: memcg: add a statistics flush kfunc',
    ]);
    expect(s.patches.map((p) => [p.tag.index, p.tag.total, p.tag.version, p.tag.tree])).toEqual([
      [1, 3, 2, 'bpf-next'],
      [2, 3, 2, 'bpf-next'],
      [3, 3, 2, 'bpf-next'],
    ]);
    expect(s.patches.every((p) => !p.recovered)).toBe(true);
  });

  it('reviews every patch of the series on its own', async () => {
    const r = await reviewText(SERIES, 'series');
    expect(r.patches).toHaveLength(3);
    expect(r.patches[1].kfuncs.map((k) => k.name)).toEqual(['bpf_memcg_event_count', 'bpf_memcg_page_state_bytes']);
    expect(r.patches[2].kfuncs.map((k) => k.name)).toEqual(['bpf_memcg_flush_stats']);
    expect(r.patches[2].registrations.filter((x) => x.added).map((x) => x.kfunc)).toEqual(['bpf_memcg_flush_stats']);
  });

  it('does not split on a bare "From " line in a commit message', () => {
    const text =
      'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\nFrom the start this was wrong.\n';
    expect(splitMbox(text)).toHaveLength(1);
  });

  it('unescapes mboxrd >From lines', () => {
    const text = 'From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: a\n\n>From here\n';
    expect(splitMbox(text)[0]).toContain('\nFrom here');
  });
});

describe('encodings', () => {
  it('reads a CRLF copy exactly like the LF original', async () => {
    const lf = await reviewText(SERIES, 'series');
    const crlf = await reviewText(SERIES.replace(/\n/g, '\r\n'), 'series');
    expect(crlf.patches).toEqual(lf.patches);
    expect(crlf.findings).toEqual(lf.findings);
  });

  it('decodes a quoted-printable mail with an RFC 2047 subject', async () => {
    const r = await reviewText(read('fixtures/_intake/quoted-printable.eml'), 'qp');
    expect(r.patches[0].subject).toBe('[PATCH bpf-next v2 3/3] bpf: memcg: add a statistics flush kfunc – résumé');
    expect(r.patches[0].kfuncs.map((k) => k.name)).toEqual(['bpf_memcg_flush_stats']);
    expect(r.patches[0].registrations.find((x) => x.added)?.flags).toEqual(['KF_TRUSTED_ARGS']);
  });
});

describe('plain mails', () => {
  it('reads a folded subject and ids without a MIME decoder', async () => {
    const text = read('fixtures/KF-REG-01/ok-dtor-stub.patch').replace(
      'Subject: [PATCH bpf-next] bpf: add a destructor stub for stored gadgets',
      'Subject: [PATCH bpf-next] bpf: add a destructor stub\n for stored gadgets\nMessage-ID: <stub.1@example.org>',
    );
    const s = await readSeries(text, 'p');
    expect(s.patches[0].subject).toBe('[PATCH bpf-next] bpf: add a destructor stub for stored gadgets');
    expect(s.patches[0].messageId).toBe('<stub.1@example.org>');
  });
});

describe('damaged web copies', () => {
  it('recovers the patch, says so, and keeps quoted replies out of it', async () => {
    const r = await reviewText(read('fixtures/_intake/damaged-web-copy.txt'), 'web.txt');
    expect(r.patches).toHaveLength(1);
    expect(r.patches[0].recovered).toBe(true);
    expect(r.warnings.some((w) => w.includes('web.txt') && w.includes('recovered'))).toBe(true);
    const k = r.patches[0].kfuncs;
    expect(k.map((x) => [x.name, x.line])).toEqual([
      ['bpf_memcg_event_count', 70],
      ['bpf_memcg_page_state_bytes', 83],
    ]);
    expect(k[0].params).toEqual([
      { name: 'memcg', type: 'struct mem_cgroup *' },
      { name: 'item', type: 'enum vm_event_item' },
    ]);
    const added = r.patches[0].registrations.filter((x) => x.added);
    expect(added.map((x) => [x.kfunc, x.line, x.set])).toEqual([
      ['bpf_memcg_event_count', 98, 'bpf_memcg_kfunc_ids'],
      ['bpf_memcg_page_state_bytes', 99, 'bpf_memcg_kfunc_ids'],
    ]);
    expect(r.patches[0].registrations.filter((x) => !x.added).map((x) => x.kfunc)).toEqual(['bpf_memcg_get', 'bpf_memcg_put']);
    // the quoted review is discussion, not a second copy of the patch
    expect(r.series[0].discussion.some((d) => d.body.includes('verifier enforces the enum range'))).toBe(true);
  });

  it('re-inserts dropped blank context lines where kernel style has them', () => {
    const diff = [
      'diff --git a/f.c b/f.c',
      '--- a/f.c',
      '+++ b/f.c',
      '@@ -10,4 +10,6 @@',
      'return 0;',
      '}',
      '+int x;',
      '+int y;',
      'static int z;',
      '',
    ].join('\n');
    const s = scanDiff(diff, 'in');
    expect(s.recovered).toBe(true);
    expect(s.diff).toContain('@@ -10,4 +10,6 @@\n return 0;\n }\n \n+int x;\n+int y;\n static int z;\n');
  });

  it('recovers a truncated hunk with a warning that names the input', () => {
    const diff = ['diff --git a/f.c b/f.c', '--- a/f.c', '+++ b/f.c', '@@ -1,3 +1,5 @@', ' a', '+b', ' c', ''].join('\n');
    const s = scanDiff(diff, 'cut.patch');
    expect(s.warnings.join()).toMatch(/cut\.patch: f\.c .*truncated/);
    expect(s.diff).toContain('@@ -1,2 +1,3 @@');
  });
});

describe('no phantom files', () => {
  it('ignores diff-like prose after the patch and in replies', async () => {
    const text = `${read('fixtures/KF-REG-01/ok-registered-in-same-patch.patch')}\n--- a/note\n+++ b/note\nsome prose\n> diff --git a/x b/x\n`;
    const r = await reviewText(text, 'p');
    expect(r.patches[0].files).toEqual(['kernel/bpf/gadget.c']);
  });

  it("cuts the commit message at git's patchbreak", async () => {
    const s = await readSeries(read('fixtures/KF-REG-01/ok-dtor-stub.patch'), 'p');
    expect(s.patches[0].commitMessage).toContain('Destructor stubs');
    expect(s.patches[0].commitMessage).not.toContain('diff --git');
  });
});

describe('subjects', () => {
  it('reads tree, version and position from the bracket tag', () => {
    expect(parseSubject('[PATCH bpf-next v2 4/7] mm: x')).toMatchObject({
      tree: 'bpf-next',
      version: 2,
      index: 4,
      total: 7,
      isReply: false,
    });
    expect(parseSubject('Re: [PATCH v3 1/2] y')).toMatchObject({ isReply: true, version: 3, index: 1 });
    expect(parseSubject('[RFC PATCH net] z')).toMatchObject({ tree: 'net', index: 0 });
  });
});

describe('bad input', () => {
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['blank', Buffer.from('   \n\n')],
    ['binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])],
    ['latin1 without a charset', Buffer.from([0x48, 0xe9, 0x6c, 0x6c, 0x6f, 0x0a])],
  ];
  for (const [name, buf] of cases) {
    it(`refuses ${name} input with a message naming it`, () => {
      expect(() => decodeInput(buf, `${name}.patch`)).toThrow(InputRejected);
      expect(() => decodeInput(buf, `${name}.patch`)).toThrow(`${name}.patch`);
    });
  }

  it('refuses text without a patch', async () => {
    await expect(reviewText('Subject: hello\n\nJust a note, no diff.\n', 'note.eml')).rejects.toThrow(/note\.eml: no patch found/);
  });

  it('refuses a hunk whose lines cannot be read', async () => {
    await expect(reviewText('diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n', 'nohunk.patch')).rejects.toThrow(/nohunk\.patch/);
  });
});

describe('a patch pasted into a reply', () => {
  const DIFF = [
    'diff --git a/kernel/bpf/rotor.c b/kernel/bpf/rotor.c',
    '--- a/kernel/bpf/rotor.c',
    '+++ b/kernel/bpf/rotor.c',
    '@@ -10,3 +10,5 @@ __bpf_kfunc u32 bpf_rotor_speed(struct rotor *r)',
    ' {',
    '+\tif (!r)',
    '+\t\treturn 0;',
    '-\treturn r->speed;',
    '+\treturn READ_ONCE(r->speed);',
    ' }',
    '',
  ].join('\n');
  const reply = (body: string) =>
    [
      'From: Reviewer <reviewer@example.org>',
      'Subject: Re: [PATCH bpf-next v2 2/3] bpf: rotor speed kfunc',
      'Message-ID: <reply-1@example.org>',
      'In-Reply-To: <patch-2@example.org>',
      '',
      body,
    ].join('\n');

  it('reviews a diff below the discussion and its --- line, subject without Re:, with a note', async () => {
    const text = reply(
      ['> the rotor may be NULL here', '', 'Right, how about this instead:', '', '---', ' kernel/bpf/rotor.c | 3 ++-', '', DIFF].join('\n'),
    );
    const s = await readSeries(text, 'reply.eml');
    expect(s.patches).toHaveLength(1);
    expect(s.patches[0]!.subject).toBe('[PATCH bpf-next v2 2/3] bpf: rotor speed kfunc');
    expect(s.patches[0]!.tag.index).toBe(2);
    expect(s.patches[0]!.fromReply).toBe(true);
    expect(s.discussion.some((d) => d.body.includes('the rotor may be NULL here'))).toBe(true);
    const r = await reviewText(text, 'reply.eml');
    expect(r.patches[0]!.notes.some((n) => n.includes('taken from a reply'))).toBe(true);
    expect(r.warnings.some((w) => w.includes('reply.eml') && w.includes('from a reply'))).toBe(true);
  });

  it('takes the patch after a scissors line, named by its in-body Subject:', async () => {
    const text = reply(
      [
        'Something like this (untested):',
        '',
        '-- >8 --',
        'Subject: [PATCH] bpf: check the rotor before reading its speed',
        '',
        'The rotor pointer can be NULL.',
        '',
        '---',
        DIFF,
      ].join('\n'),
    );
    const s = await readSeries(text, 'scissors.eml');
    expect(s.patches.map((p) => p.subject)).toEqual(['[PATCH] bpf: check the rotor before reading its speed']);
    expect(s.patches[0]!.commitMessage).toContain('The rotor pointer can be NULL.');
    expect(s.discussion[0]!.body).toContain('Something like this');
  });

  it('keeps a quoted diff in a reply as discussion', async () => {
    const quoted = DIFF.split('\n')
      .map((l) => `> ${l}`)
      .join('\n');
    const s = await readSeries(reply(`${quoted}\n\nLooks good to me.\n`), 'quoted.eml');
    expect(s.patches).toHaveLength(0);
    expect(s.discussion).toHaveLength(1);
  });
});
