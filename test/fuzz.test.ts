// Property test: random and mutated patches never crash or hang the pipeline; every input
// ends in a review or a clear InputRejected error.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reviewText, decodeInput, InputRejected } from '../src/pipeline/review.js';

const ROOT = join(import.meta.dirname, '..');
/** FUZZ_RUNS=5000 for a long local session; CI keeps the suite fast. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const seeds = [
  readFileSync(join(ROOT, 'examples/memcg-kfuncs-v2.mbox'), 'utf8'),
  readFileSync(join(ROOT, 'fixtures/_intake/extraction-forms.patch'), 'utf8'),
  readFileSync(join(ROOT, 'fixtures/_intake/damaged-web-copy.txt'), 'utf8'),
];

async function outcome(text: string): Promise<'review' | 'rejected'> {
  try {
    decodeInput(Buffer.from(text, 'utf8'), 'fuzz');
  } catch (e) {
    if (e instanceof InputRejected) return 'rejected';
    throw e;
  }
  try {
    const r = await reviewText(text, 'fuzz');
    expect(Array.isArray(r.findings)).toBe(true);
    return 'review';
  } catch (e) {
    if (e instanceof InputRejected) return 'rejected';
    throw e;
  }
}

/** A mutation: delete, duplicate, swap or rewrite lines; strip indentation; cut the text. */
const mutation = fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 20 }));

function mutate(text: string, muts: [number, number, number, string][]): string {
  let lines = text.split('\n');
  for (const [a, b, op, s] of muts) {
    const i = a % Math.max(1, lines.length);
    const j = b % Math.max(1, lines.length);
    switch (op) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[j] ?? '');
        break;
      case 2:
        // An empty text has no line to swap: a swap must not put `undefined` into it.
        [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        break;
      case 3:
        lines[i] = s;
        break;
      case 4:
        lines = lines.map((l) => l.replace(/^[ \t]+/, ''));
        break;
      case 5:
        lines = lines.slice(0, i);
        break;
      default:
        lines[i] = (lines[i] ?? '') + s;
    }
  }
  return lines.join('\n');
}

describe('fuzz', () => {
  it('survives random text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (s) => {
        await outcome(s);
      }),
      { numRuns: RUNS },
    );
  });

  it('survives mutated patches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), async (seed, muts) => {
        const start = Date.now();
        await outcome(mutate(seed, muts));
        expect(Date.now() - start).toBeLessThan(5000);
      }),
      { numRuns: RUNS },
    );
  });

  it('survives diff-shaped garbage', async () => {
    const line = fc.oneof(
      fc.constant('@@ -1,3 +1,4 @@'),
      fc.constant('diff --git a/x.c b/x.c'),
      fc.constant('--- a/x.c'),
      fc.constant('+++ b/x.c'),
      fc.constant('+__bpf_kfunc int f(int i)'),
      fc.constant('BTF_ID_FLAGS(func, f, KF_ACQUIRE'),
      fc.constant('> quoted'),
      fc.constant('-- '),
      fc.string({ maxLength: 10 }).map((s) => `+${s}`),
      fc.string({ maxLength: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 60 }), async (ls) => {
        await outcome(ls.join('\n'));
      }),
      { numRuns: RUNS },
    );
  });
});
