// File images of a pull request's commits read from the checkout's git objects: the post-image
// at the commit, the pre-image at its parent. Nothing is applied and the working tree is not
// read, so a file a step before us touched does not count, and each commit of a series is seen
// as it was committed. Only git's object reader runs (no diff drivers, no filters).
import { execFileSync } from 'node:child_process';
import type { FileImageProvider, FileImages } from '../tree/file-images.js';

/** git cat-file: raw blob bytes, no textconv or filters; null when the path is not in the commit. */
export function readBlob(workspace: string, commit: string, path: string): string | null {
  try {
    return execFileSync('git', ['-c', 'core.fsmonitor=false', 'cat-file', 'blob', `${commit}:${path}`], {
      cwd: workspace,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

/** True when the checkout holds this commit (a shallow clone may not). */
export function hasCommit(workspace: string, sha: string): boolean {
  try {
    execFileSync('git', ['-c', 'core.fsmonitor=false', 'cat-file', '-e', `${sha}^{commit}`], { cwd: workspace, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Images of the files `from..to` changes. Both commits must be in the checkout (checked by the
 * caller); a path missing on a side is a file added or deleted there.
 */
export function checkoutImages(workspace: string, from: string, to: string): FileImageProvider {
  return (file): FileImages => ({ pre: readBlob(workspace, from, file.oldPath ?? file.path), post: readBlob(workspace, to, file.path) });
}
