// Whole images of a patched file handed in from outside, instead of applying the patch to a
// tree. A GitHub checkout already is the post-patch tree and git holds the pre-image, so there
// is nothing to apply: applying the diff on top of the head would report every file as "does
// not apply". This is an extra source of file images next to the --tree apply path, which it
// leaves alone.
import type { FileDiff } from '../intake/diff.js';
import { sourceFromDiff, type FileSource } from '../intake/source.js';

/** Both images of one file; null for a side where the file does not exist. */
export interface FileImages {
  pre: string | null;
  post: string | null;
}

/**
 * Returns the images of a file the patch touches, or null when it cannot say (the review then
 * reads that file from the hunks, with a note). `oldPath` is the pre-image path of a rename.
 */
export type FileImageProvider = (file: { path: string; oldPath: string | null }) => FileImages | null;

export class ImageMismatch extends Error {}

function linesOf(text: string): string[] {
  const all = text.replace(/\r\n?/g, '\n').split('\n');
  if (all.length && all[all.length - 1] === '') all.pop();
  return all;
}

/**
 * The file's source with both images whole. The diff still says which lines were added and
 * removed; every line it shows must stand at its number in the image it belongs to, else the
 * images are not the ones the diff was made from (ImageMismatch names the first place).
 */
export function sourceFromImages(f: FileDiff, images: FileImages): FileSource {
  const base = sourceFromDiff(f);
  const pre = images.pre === null ? null : linesOf(images.pre);
  const post = images.post === null ? null : linesOf(images.post);
  if (pre === null && !f.isNew) throw new ImageMismatch(`${f.oldPath ?? f.path}: no pre-image`);
  if (post === null && !f.isDeleted) throw new ImageMismatch(`${f.path}: no post-image`);
  for (const h of f.hunks) {
    for (const l of h.lines) {
      if (l.newLine !== undefined && l.newLine > 0 && post && post[l.newLine - 1] !== l.text)
        throw new ImageMismatch(`${f.path}:${l.newLine}: the post-image differs from the diff`);
      if (l.oldLine !== undefined && l.oldLine > 0 && pre && pre[l.oldLine - 1] !== l.text)
        throw new ImageMismatch(`${f.oldPath ?? f.path}:${l.oldLine}: the pre-image differs from the diff`);
    }
  }
  const view = (lines: string[] | null, fallback: FileSource['post']) => {
    if (!lines) return fallback;
    const map = new Map<number, string>();
    lines.forEach((t, i) => map.set(i + 1, t));
    return { lines: map, full: true };
  };
  return { ...base, post: view(post, base.post), pre: view(pre, base.pre) };
}
