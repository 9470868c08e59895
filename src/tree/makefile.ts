// The top Makefile of a kernel tree: what says which kernel a --tree review or an audit targets.
import { readTreeTextOrNull } from './contained.js';

/** The head of `<dir>/Makefile` (VERSION, PATCHLEVEL, SUBLEVEL are at its top), if there is one. */
export function readTreeMakefile(dir: string): string | undefined {
  // A FIFO, a device or a symlink out of the tree named Makefile is not read.
  return readTreeTextOrNull(dir, 'Makefile')?.slice(0, 4000);
}
