// Permission tests (a file or directory mode 000) mean nothing to root, which reads anything:
// as root, the CLI under test runs as the unprivileged `nobody` through util-linux's setpriv, so
// the tests run (and can fail) in CI containers that run as root too.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const NOBODY = '65534';

export const isRoot = () => process.getuid?.() === 0;

/** Runs the CLI with `args`, as `nobody` when the tests run as root. */
export function cliUnprivileged(args: string[]) {
  const [cmd, pre] = isRoot()
    ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CLI]]
    : [process.execPath, [CLI]];
  return spawnSync(cmd, [...pre, ...args], { cwd: ROOT, encoding: 'utf8' });
}

/** Lets `nobody` reach `path` (a temporary directory is mode 700): opens it and its parents up to /tmp-like roots. */
export function openToAll(path: string, levels = 2): void {
  let p = path;
  for (let i = 0; i < levels; i++) {
    chmodSync(p, 0o755);
    p = dirname(p);
  }
}
