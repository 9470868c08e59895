// Where a report goes: stdout, or the file of -o. A file whose directory is missing (or is not
// a directory, or cannot be written) is a usage error naming the path, said before any work.
import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './args.js';

/** Checks that `path` can be created where it is asked for; throws UsageError naming it otherwise. */
export function checkOutputPath(path: string): void {
  const dir = dirname(resolve(path));
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`-o ${path}: the directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new UsageError(`-o ${path}: ${dir} is not a directory`);
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`-o ${path}: is a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
}

/** Writes the report; a failure is one line naming the file. */
export function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`-o ${path}: cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
