// Links bin/kfunc-review into node_modules/.bin after the build, so `npx kfunc-review` in a
// fresh checkout runs this project's CLI without going through npx's package cache.
import { mkdirSync, symlinkSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist', 'src', 'cli', 'main.js');
if (existsSync(target)) {
  chmodSync(target, 0o755);
  const binDir = join(root, 'node_modules', '.bin');
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'kfunc-review');
  rmSync(link, { force: true });
  symlinkSync('../../dist/src/cli/main.js', link);
}
