// The top Makefile of a kernel tree: what says which kernel a --tree review or an audit targets.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The head of `<dir>/Makefile` (VERSION, PATCHLEVEL, SUBLEVEL are at its top), if there is one. */
export function readTreeMakefile(dir: string): string | undefined {
  const path = join(dir, 'Makefile');
  return existsSync(path) ? readFileSync(path, 'utf8').slice(0, 4000) : undefined;
}
