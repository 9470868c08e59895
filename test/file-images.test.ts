// The file image seam (ReviewOptions.images, src/tree/file-images.ts): whole images handed in
// are used as they are, with the diff's added and removed lines; images that do not match the
// diff, or none at all, leave that file to its hunks with a note, never a silent drop and never
// an apply error.
import { describe, expect, it } from 'vitest';
import { reviewText } from '../src/pipeline/review.js';
import { readDiff } from '../src/intake/diff.js';
import { sourceFromImages, ImageMismatch } from '../src/tree/file-images.js';

const PRE = ['int a;', 'int b;', 'int c;', 'int d;', 'int e;', ''].join('\n');
const POST = ['int a;', 'int b;', 'int B;', 'int c;', 'int d;', 'int e;', ''].join('\n');
const DIFF = ['diff --git a/f.c b/f.c', '--- a/f.c', '+++ b/f.c', '@@ -2,2 +2,3 @@', ' int b;', '+int B;', ' int c;', ''].join('\n');

describe('file images handed in', () => {
  it('gives whole images with the diff’s lines marked', () => {
    const src = sourceFromImages(readDiff(DIFF)[0]!, { pre: PRE, post: POST });
    expect(src.post.full && src.pre.full).toBe(true);
    expect(src.post.lines.get(6)).toBe('int e;');
    expect(src.pre.lines.size).toBe(5);
    expect([...src.added]).toEqual([3]);
  });

  it('refuses images the diff was not made from, naming the line', () => {
    expect(() => sourceFromImages(readDiff(DIFF)[0]!, { pre: PRE, post: PRE })).toThrow(ImageMismatch);
    expect(() => sourceFromImages(readDiff(DIFF)[0]!, { pre: PRE, post: PRE })).toThrow(/f\.c:3: the post-image differs/);
    expect(() => sourceFromImages(readDiff(DIFF)[0]!, { pre: null, post: POST })).toThrow(/no pre-image/);
  });

  it('reviews from the hunks with a note when the images are missing or wrong; never "does not apply"', async () => {
    const none = await reviewText(DIFF, 'p', { images: () => null });
    expect(none.warnings).toContain('p: f.c: no whole-file image; reviewing it from the hunks only');
    const wrong = await reviewText(DIFF, 'p', { images: () => ({ pre: PRE, post: PRE }) });
    expect(wrong.warnings.join('\n')).toMatch(/f\.c:3: the post-image differs from the diff; reviewing f\.c from the hunks only/);
    // With a tree that does not hold the pre-image, images still win: nothing is applied.
    const fine = await reviewText(DIFF, 'p', { tree: '/nonexistent-tree', images: () => ({ pre: PRE, post: POST }) });
    expect(fine.warnings.join('\n')).not.toMatch(/does not apply|hunks only|not in the tree/);
    expect(fine.models[0]!.files.find((f) => f.path === 'f.c')).toBeDefined();
  });
});
