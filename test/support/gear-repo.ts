// A small kernel-like git repository for end-to-end tests of the Action: a base commit with our
// own kfunc file (kernel/bpf/gear.c, invented bpf_gear_* kfuncs) and a pull request branch of
// three commits, one patch each, the way a mailed series lands on a mirror.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GEAR_FILE = 'kernel/bpf/gear.c';

const HEAD_LINES = [
  '// SPDX-License-Identifier: GPL-2.0',
  '#include <linux/bpf.h>',
  '#include <linux/btf.h>',
  '#include <linux/btf_ids.h>',
  '',
  'static unsigned long gear_teeth[16];',
  'static unsigned long gear_slots[4];',
  '',
  '__bpf_kfunc_start_defs();',
  '',
];
const TEETH = [
  '/* Read one tooth; idx is checked against the table. */',
  '__bpf_kfunc unsigned long bpf_gear_teeth(int idx)',
  '{',
  '\tif (idx < 0 || idx >= 16)',
  '\t\treturn 0;',
  '\treturn gear_teeth[idx];',
  '}',
  '',
];
/** Patch 1 adds it with no bound; patch 3 adds the bound (so patch 1's finding has no head line). */
const SPIN_UNCHECKED = [
  '/* Spin the gear to a tooth chosen by the program. */',
  '__bpf_kfunc unsigned long bpf_gear_spin(int idx)',
  '{',
  '\treturn gear_teeth[idx];',
  '}',
  '',
];
const SPIN_CHECKED = [
  '/* Spin the gear to a tooth chosen by the program. */',
  '__bpf_kfunc unsigned long bpf_gear_spin(int idx)',
  '{',
  '\tif (idx < 0 || idx >= 16)',
  '\t\treturn 0;',
  '\treturn gear_teeth[idx];',
  '}',
  '',
];
const SLOT = [
  '/* One slot; the caller guarantees slot < 4 (the config marks this not-a-bug). */',
  '__bpf_kfunc unsigned long bpf_gear_slot(u32 slot)',
  '{',
  '\treturn gear_slots[slot];',
  '}',
  '',
];
const PEEK = [
  '/* Peek at a tooth without bounds. */',
  '__bpf_kfunc unsigned long bpf_gear_peek(int idx)',
  '{',
  '\treturn gear_teeth[idx];',
  '}',
  '',
];
const tail = (kfuncs: string[]) => [
  '__bpf_kfunc_end_defs();',
  '',
  'BTF_KFUNCS_START(gear_kfunc_ids)',
  ...kfuncs.map((k) => `BTF_ID_FLAGS(func, ${k})`),
  'BTF_KFUNCS_END(gear_kfunc_ids)',
  '',
  'static const struct btf_kfunc_id_set gear_kfunc_set = {',
  '\t.owner = THIS_MODULE,',
  '\t.set   = &gear_kfunc_ids,',
  '};',
  '',
  'static int __init gear_init(void)',
  '{',
  '\treturn register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACING, &gear_kfunc_set);',
  '}',
  'late_initcall(gear_init);',
  '',
];

export interface GearCommit {
  sha: string;
  parent: string;
  subject: string;
  message: string;
  diff: string;
  /** The file as this commit leaves it. */
  text: string;
}

export interface GearRepo {
  dir: string;
  base: string;
  head: string;
  commits: GearCommit[];
  git: (...args: string[]) => string;
}

/** 1-based line of the first line of `file` equal to `text` after `after` (a line number). */
export function lineOf(file: string, text: string, after = 0): number {
  const i = file.split('\n').findIndex((l, n) => n + 1 > after && l === text);
  if (i < 0) throw new Error(`no line ${JSON.stringify(text)}`);
  return i + 1;
}

export function makeGearRepo(dir: string, config?: unknown): GearRepo {
  mkdirSync(join(dir, 'kernel/bpf'), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=A U Thor',
        '-c',
        'user.email=author@example.invalid',
        '-c',
        'init.defaultBranch=main',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_DATE: '2025-03-01T10:00:00Z', GIT_COMMITTER_DATE: '2025-03-01T10:00:00Z' },
      },
    ).trim();
  const write = (lines: string[]) => {
    const text = lines.join('\n');
    writeFileSync(join(dir, GEAR_FILE), text);
    return text;
  };
  git('init', '-q');
  write([...HEAD_LINES, ...TEETH, ...tail(['bpf_gear_teeth'])]);
  if (config !== undefined) writeFileSync(join(dir, '.kfunc-review.json'), JSON.stringify(config, null, 2));
  git('add', '.');
  git('commit', '-qm', 'bpf: gear: teeth table');
  const base = git('rev-parse', 'HEAD');
  git('checkout', '-qb', 'series');
  const steps: [string, string, string[]][] = [
    [
      'bpf: gear: add bpf_gear_spin',
      'A kfunc that spins the gear to a tooth.',
      [...HEAD_LINES, ...TEETH, ...SPIN_UNCHECKED, ...tail(['bpf_gear_teeth', 'bpf_gear_spin'])],
    ],
    [
      'bpf: gear: add bpf_gear_slot',
      'Slots are read by index; the verifier-side caller bounds it.',
      [...HEAD_LINES, ...SLOT, ...TEETH, ...SPIN_UNCHECKED, ...tail(['bpf_gear_teeth', 'bpf_gear_spin', 'bpf_gear_slot'])],
    ],
    [
      'bpf: gear: bound bpf_gear_spin, add bpf_gear_peek',
      'Check the tooth index in bpf_gear_spin; add a peek.',
      [
        ...HEAD_LINES,
        ...SLOT,
        ...TEETH,
        ...SPIN_CHECKED,
        ...PEEK,
        ...tail(['bpf_gear_teeth', 'bpf_gear_spin', 'bpf_gear_slot', 'bpf_gear_peek']),
      ],
    ],
  ];
  const commits: GearCommit[] = [];
  let parent = base;
  for (const [subject, body, lines] of steps) {
    const text = write(lines);
    git('commit', '-qam', `${subject}\n\n${body}\n\nSigned-off-by: A U Thor <author@example.invalid>`);
    const sha = git('rev-parse', 'HEAD');
    commits.push({ sha, parent, subject, message: git('log', '-1', '--format=%B', sha), diff: `${git('diff', parent, sha)}\n`, text });
    parent = sha;
  }
  return { dir, base, head: parent, commits, git };
}
