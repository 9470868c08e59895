// Hostile inputs, generated in memory: one small generator per class of issue 13 (review
// bypass, unbounded work, deep nesting, contained reads, header injection, silent drops).
// Shared by the reliability suite (test/reliability.test.ts) and the long fuzz run
// (scripts/fuzz.mjs), so both exercise the same shapes. Every input is our own text.

/** A format-patch mail around `diff` (no trailing newline added). */
export function mail(diff, { subject = '[PATCH bpf-next] bpf: add a kfunc', messageId = '<hostile@example.org>', headers = '' } = {}) {
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: Hostile Author <hostile@example.org>',
    'Date: Tue, 6 Jan 2026 09:00:00 +0000',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    ...(headers ? [headers] : []),
    '',
    'A generated patch.',
    '---',
    diff,
  ].join('\n');
}

/** A new-file diff of `path` whose post-image is `lines` (hunk counts exact). */
export function newFileDiff(path, lines, start = 1) {
  return [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    '--- /dev/null',
    `+++ b/${path}`,
    `@@ -0,0 +${start},${lines.length} @@`,
    ...lines.map((l) => `+${l}`),
    '',
  ].join('\n');
}

/** A kfunc with `body` (lines) and its registration, as the lines of a C file. */
export function kfuncFile(body, { name = 'bpf_hostile', params = 'u32 idx' } = {}) {
  return [
    '#include <linux/bpf.h>',
    '#include <linux/btf_ids.h>',
    '',
    '__bpf_kfunc_start_defs();',
    `__bpf_kfunc int ${name}(${params})`,
    '{',
    ...body,
    '}',
    '__bpf_kfunc_end_defs();',
    '',
    `BTF_KFUNCS_START(${name}_ids)`,
    `BTF_ID_FLAGS(func, ${name})`,
    `BTF_KFUNCS_END(${name}_ids)`,
  ];
}

/** A kfunc whose body is `body`, as a whole patch mail. */
export function kfuncPatch(body, opts = {}) {
  return mail(newFileDiff('kernel/bpf/hostile.c', kfuncFile(body, opts)), opts);
}

const rep = (n, f) => Array.from({ length: n }, (_, i) => f(i));

/**
 * Every hostile shape by name: `text` is the input; `expect` says what a correct run does:
 * 'review' (reviewed, possibly with notes), 'rejected' (a one-line input error), or 'partial'
 * (reviewed, with an error naming what was not reviewed).
 */
export function hostileInputs() {
  const kf = (n, body) => ({ name: n, text: kfuncPatch(body), expect: 'review' });
  return [
    // 1. git's "\ No newline at end of file" is not a line.
    {
      name: 'no-newline-marker',
      expect: 'review',
      text: mail(
        [
          'diff --git a/kernel/bpf/x.c b/kernel/bpf/x.c',
          '--- a/kernel/bpf/x.c',
          '+++ b/kernel/bpf/x.c',
          '@@ -1,2 +1,3 @@',
          ' int a;',
          '-int b;',
          '\\ No newline at end of file',
          '+int b;',
          '+__bpf_kfunc int bpf_nonl(u32 idx) { return idx; }',
          '\\ No newline at end of file',
          '',
        ].join('\n'),
      ),
    },
    // 2. Bounded work: lying hunk headers.
    { name: 'hunk-start-1e8', expect: 'rejected', text: mail(newFileDiff('kernel/bpf/x.c', kfuncFile(['\treturn idx;']), 100000000)) },
    {
      name: 'hunk-start-1e23',
      expect: 'rejected',
      text: mail(newFileDiff('kernel/bpf/x.c', kfuncFile(['\treturn idx;'])).replace('+1,', '+100000000000000000000000,')),
    },
    {
      name: 'hunk-counts-lie-by-millions',
      expect: 'review',
      text: mail(
        [
          'diff --git a/kernel/bpf/x.c b/kernel/bpf/x.c',
          '--- a/kernel/bpf/x.c',
          '+++ b/kernel/bpf/x.c',
          '@@ -10,900000 +10,900001 @@',
          ' int a;',
          '+__bpf_kfunc int bpf_lie(u32 idx) { return idx; }',
          ' int b;',
          ...rep(200, (i) => `int c${i};`),
          '',
        ].join('\n'),
      ),
    },
    {
      name: 'blank-context-100k',
      expect: 'review',
      text: mail(
        [
          'diff --git a/kernel/bpf/x.c b/kernel/bpf/x.c',
          '--- a/kernel/bpf/x.c',
          '+++ b/kernel/bpf/x.c',
          '@@ -1,100001 +1,100002 @@',
          ' int a;',
          ...rep(100000, () => ''),
          '+__bpf_kfunc int bpf_blank(u32 idx) { return idx; }',
          'int z;',
        ].join('\n'),
      ),
    },
    // 2. Bounded work: pathological C in a hunk.
    kf('sum-1000-terms', [`\treturn ${rep(1000, () => 'idx').join(' + ')};`]),
    kf('else-if-10k', ['\tint r = 0;', '\tif (idx == 0) r = 1;', ...rep(10000, (i) => `\telse if (idx == ${i + 1}) r = ${i};`), '\treturn r;']),
    kf('if-chain-10k', ['\tint r = 0;', ...rep(10000, (i) => `\tif (idx == ${i}) r += ${i};`), '\treturn r;']),
    kf('parens-100k', [`\treturn ${'('.repeat(100000)}idx${')'.repeat(100000)};`]),
    kf('unclosed-attribute', [`\tint x ${'__attribute__((aligned(8) '.repeat(4000)};`, '\treturn idx;']),
    kf('nested-if-10k', ['\tint r = 0;', ...rep(10000, (i) => `#if CONFIG_X${i}`), '\tr = idx;', ...rep(10000, () => '#endif'), '\treturn r;']),
    // Either parsed, or stopped by the parse timeout with an error naming the kfunc.
    { ...kf('error-heavy-lines', rep(3000, (i) => `\t} ) ] ${i} ${'{ ( [ ?'.repeat(20)} : ; ,`)), expect: 'partial' },
    kf('nested-braces-100k', ['\t' + '{'.repeat(100000), '\treturn idx;', '\t' + '}'.repeat(100000)]),
    kf('nested-calls-20k', [`\treturn ${'f('.repeat(20000)}idx${')'.repeat(20000)};`]),
    kf('deref-100k', [`\treturn ${'*'.repeat(100000)}p;`]),
    {
      // Call paths grow as fanout^depth: 80 calls to a helper that makes 80 calls to the next...
      // The sleep scan walks each helper once per caller; the index flows stop at their budget.
      name: 'call-fanout',
      expect: 'partial',
      text: mail(
        newFileDiff('kernel/bpf/fan.c', [
          ...[3, 2, 1].flatMap((d) => [
            `static void fan_${d}(u32 x)`,
            '{',
            ...rep(80, () => (d === 3 ? '\tmsleep(x);' : `\tfan_${d + 1}(x);`)),
            '}',
          ]),
          ...kfuncFile(rep(80, () => '\tfan_1(idx);').concat(['\treturn 0;'])),
        ]),
      ),
    },
    {
      name: 'many-kfuncs-2000',
      expect: 'review',
      text: mail(
        newFileDiff('kernel/bpf/many.c', [
          '__bpf_kfunc_start_defs();',
          ...rep(2000, (i) => `__bpf_kfunc struct task_struct *bpf_many_${i}(u32 idx) { return lookup_${i}(idx); }`),
          '__bpf_kfunc_end_defs();',
          'BTF_KFUNCS_START(many_ids)',
          ...rep(2000, (i) => `BTF_ID_FLAGS(func, bpf_many_${i}, KF_ACQUIRE | KF_RET_NULL)`),
          'BTF_KFUNCS_END(many_ids)',
        ]),
      ),
    },
    {
      // One kfunc of 150k statements: parsed and reviewed, its index flows stop at their budget.
      name: 'new-file-150k-lines',
      expect: 'partial',
      text: mail(newFileDiff('kernel/bpf/big.c', kfuncFile(rep(150000, (i) => `\tidx += ${i};`).concat(['\treturn idx;'])))),
    },
    // 5. Output: a Message-ID that carries header lines once decoded.
    {
      name: 'message-id-crlf',
      expect: 'review',
      text: mail(newFileDiff('kernel/bpf/x.c', kfuncFile(['\treturn idx;'])), {
        messageId: '=?utf-8?q?=3Cid=40x=3E=0D=0ABcc=3A_victim=40example=2Eorg?=',
      }),
    },
    // 6. Nothing dropped in silence: a malformed hunk header.
    {
      name: 'malformed-hunk-header',
      expect: 'partial',
      text: mail(
        [
          'diff --git a/kernel/bpf/x.c b/kernel/bpf/x.c',
          '--- a/kernel/bpf/x.c',
          '+++ b/kernel/bpf/x.c',
          '@@ -78,-6 +78,9 @@',
          ' int a;',
          '+__bpf_kfunc int bpf_bad(u32 idx) { return idx; }',
          'diff --git a/kernel/bpf/y.c b/kernel/bpf/y.c',
          '--- a/kernel/bpf/y.c',
          '+++ b/kernel/bpf/y.c',
          '@@ -1,1 +1,2 @@',
          ' int a;',
          '+__bpf_kfunc int bpf_good(u32 idx) { return idx; }',
          '',
        ].join('\n'),
      ),
    },
  ];
}

/** A large mbox of `n` copies of a small patch (the input size limit is in bytes). */
export function bigMbox(bytes) {
  const one = kfuncPatch(rep(40, (i) => `\tidx += ${i};`).concat(['\treturn idx;'])) + '\n';
  return one.repeat(Math.ceil(bytes / one.length));
}

/** A small deterministic PRNG (mulberry32), so a fuzz run is reproducible from its seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  '@@ -1,3 +1,4 @@',
  '@@ -100000000,1 +100000000,2 @@',
  '@@ -78,-6 +78,9 @@',
  '@@ -1,4000000 +1,4000000 @@',
  '\\ No newline at end of file',
  '+__bpf_kfunc int bpf_fz(u32 idx) { return idx; }',
  '+BTF_ID_FLAGS(func, bpf_fz, KF_ACQUIRE | KF_RET_NULL)',
  '+#if CONFIG_FZ',
  '+#endif',
  '+\t__attribute__((',
  '+\treturn ((((idx))));',
  '+\tif (idx) { } else if (idx > 2) { }',
  '+{{{{{{{{',
  '+}}}}}}}}',
  'diff --git a/../../etc/passwd b/../../etc/passwd',
  '+++ b/../../dev/zero',
  'Content-Type: multipart/mixed; boundary="x"',
  '--x',
  '=?utf-8?q?=0D=0ABcc=3A_x?=',
  '',
  ' ',
];

/** One mutation of `text` with `rnd`: line edits, splices of hostile snippets, cuts, repeats. */
export function mutate(text, rnd) {
  let lines = text.split('\n');
  const n = 1 + Math.floor(rnd() * 6);
  const at = () => Math.floor(rnd() * Math.max(1, lines.length));
  for (let k = 0; k < n; k++) {
    const op = Math.floor(rnd() * 10);
    const i = at();
    switch (op) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[at()] ?? '');
        break;
      case 2: {
        const j = at();
        [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        break;
      }
      case 3:
        lines.splice(i, 0, SNIPPETS[Math.floor(rnd() * SNIPPETS.length)]);
        break;
      case 4:
        lines = lines.map((l) => l.replace(/^[ \t]+/, ''));
        break;
      case 5:
        lines = lines.slice(0, i);
        break;
      case 6: {
        // repeat a line many times (long runs: blank lines, context, braces)
        const times = Math.floor(rnd() * 2000);
        lines.splice(i, 0, ...Array.from({ length: times }, () => lines[i] ?? ''));
        break;
      }
      case 7:
        lines[i] = (lines[i] ?? '') + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)];
        break;
      case 8:
        lines[i] = (lines[i] ?? '').replace(/\d+/g, () => String(Math.floor(rnd() * 1e9)));
        break;
      default:
        lines[i] = (lines[i] ?? '').slice(0, Math.floor(rnd() * (lines[i]?.length ?? 0)));
    }
  }
  return lines.join('\n');
}
