// A small kernel-like tree in a git repository and a three-patch series made from it with
// `git format-patch --cover-letter -o DIR`: our own C (bpf_spindle_* kfuncs), for the tests of
// `--tree` (offsets, a series applied cumulatively) and of format-patch directories.
//   patch 1: bpf_spindle_tooth(idx) reads spindle_teeth[idx] with no bound (an index finding)
//   patch 2: bpf_spindle_sum() takes a mutex, registered without KF_SLEEPABLE (a sleep finding);
//            its hunks' context holds lines patch 1 adds, so it applies only on top of patch 1
//   patch 3: kernel-doc for bpf_spindle_sum (nothing to report)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export const SPINDLE_FILE = 'kernel/bpf/spindle.c';

const BASE = `// SPDX-License-Identifier: GPL-2.0
/* Spindle kfuncs for BPF programs (a kfunc-review test file, not kernel source). */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(spindle_lock);
static u64 spindle_teeth[16];

__bpf_kfunc_start_defs();

/**
 * bpf_spindle_count - number of spindle teeth
 *
 * Return: the number of teeth.
 */
__bpf_kfunc u64 bpf_spindle_count(void)
{
	return 16;
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(bpf_spindle_kfunc_ids)
BTF_ID_FLAGS(func, bpf_spindle_count)
BTF_KFUNCS_END(bpf_spindle_kfunc_ids)

static const struct btf_kfunc_id_set bpf_spindle_kfunc_set = {
	.owner = THIS_MODULE,
	.set   = &bpf_spindle_kfunc_ids,
};

static int __init bpf_spindle_kfunc_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_TRACING, &bpf_spindle_kfunc_set);
}
late_initcall(bpf_spindle_kfunc_init);
`;

const TOOTH = `
/**
 * bpf_spindle_tooth - wear of one tooth
 * @idx: tooth number
 *
 * Return: the wear counter of tooth @idx.
 */
__bpf_kfunc u64 bpf_spindle_tooth(u32 idx)
{
	return spindle_teeth[idx];
}
`;

const SUM = `
__bpf_kfunc u64 bpf_spindle_sum(void)
{
	u64 sum = 0;
	int i;

	mutex_lock(&spindle_lock);
	for (i = 0; i < 16; i++)
		sum += spindle_teeth[i];
	mutex_unlock(&spindle_lock);
	return sum;
}
`;

const SUM_DOC = `
/**
 * bpf_spindle_sum - total wear
 *
 * Return: the sum of every tooth's wear counter.
 */`;

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=Spindle Author', '-c', 'user.email=author@example.org', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-06T09:00:00Z', GIT_COMMITTER_DATE: '2026-01-06T09:00:00Z' },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export interface SpindleSeries {
  /** The repository, checked out at the base commit (the tree the series applies to). */
  tree: string;
  /** `git format-patch --cover-letter -o` output: 0000-cover-letter.patch, 0001-... 0003-... */
  dir: string;
  /** The patch files, in order (cover letter first). */
  files: string[];
}

/** Makes the repository and the series; `extra` files are added to the series directory. */
export function spindleSeries(extra: Record<string, string> = {}): SpindleSeries {
  const root = mkdtempSync(join(tmpdir(), 'kfr-spindle-'));
  const tree = join(root, 'linux');
  mkdirSync(join(tree, 'kernel', 'bpf'), { recursive: true });
  writeFileSync(join(tree, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\n');
  writeFileSync(join(tree, SPINDLE_FILE), BASE);
  git(tree, 'init', '-q', '-b', 'main');
  git(tree, 'add', '-A');
  git(tree, 'commit', '-q', '-m', 'base');
  let text = BASE;
  const step = (from: string, to: string, subject: string) => {
    if (!text.includes(from)) throw new Error(`spindle series: "${from}" not found`);
    text = text.replace(from, to);
    writeFileSync(join(tree, SPINDLE_FILE), text);
    git(tree, 'commit', '-q', '-am', `${subject}\n\nA test patch of kfunc-review.`);
  };
  step('\treturn 16;\n}\n', `\treturn 16;\n}\n${TOOTH}`, 'bpf: spindle: add a tooth reader kfunc');
  step(
    'BTF_ID_FLAGS(func, bpf_spindle_count)\n',
    'BTF_ID_FLAGS(func, bpf_spindle_count)\nBTF_ID_FLAGS(func, bpf_spindle_tooth)\n',
    'bpf: spindle: register the tooth reader',
  );
  // Patch 2 of the series (after squashing the two steps above into patch 1).
  git(tree, 'reset', '-q', '--soft', 'HEAD~2');
  git(tree, 'commit', '-q', '-m', 'bpf: spindle: add a tooth reader kfunc\n\nA test patch of kfunc-review.');
  step('\treturn spindle_teeth[idx];\n}\n', `\treturn spindle_teeth[idx];\n}\n${SUM}`, 'bpf: spindle: add a total wear kfunc');
  text = text.replace(
    'BTF_ID_FLAGS(func, bpf_spindle_tooth)\n',
    'BTF_ID_FLAGS(func, bpf_spindle_tooth)\nBTF_ID_FLAGS(func, bpf_spindle_sum)\n',
  );
  writeFileSync(join(tree, SPINDLE_FILE), text);
  git(tree, 'commit', '-q', '--amend', '-am', 'bpf: spindle: add a total wear kfunc\n\nA test patch of kfunc-review.');
  step('}\n\n__bpf_kfunc u64 bpf_spindle_sum', `}\n${SUM_DOC}\n__bpf_kfunc u64 bpf_spindle_sum`, 'bpf: spindle: document the total');
  const dir = join(root, 'outgoing');
  git(tree, 'format-patch', '-q', '--cover-letter', '--thread', '--to=bpf@example.org', '--cc=reviewer@example.org', '-o', dir, 'HEAD~3');
  git(tree, 'checkout', '-q', 'HEAD~3');
  for (const [name, body] of Object.entries(extra)) writeFileSync(join(dir, name), body);
  return { tree, dir, files: readdirSync(dir).sort() };
}

/** The base text of the spindle file (what the tree holds). */
export function spindleBase(): string {
  return BASE;
}

export function readPatch(s: SpindleSeries, n: number): string {
  return readFileSync(join(s.dir, s.files.filter((f) => /^\d{4}-/.test(f))[n]!), 'utf8');
}
