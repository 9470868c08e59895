// The Action ships as one esbuild bundle with no source tree beside it. The cache keys hash the
// code that decides findings; in a bundle that code is the bundle itself, so two different
// bundles must give different keys (else a cache restored on a runner would serve records a
// different release wrote).
import { describe, it, expect } from 'vitest';
import { build } from 'esbuild';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');

describe('cache keys of a bundled build', () => {
  it('change when the bundled code changes', async () => {
    // Inside the project's node_modules: the externals resolve and package.json is found above.
    mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'kfr-bundle-'));
    try {
      const a = join(dir, 'a', 'dist', 'keys.mjs');
      await build({
        stdin: { contents: "export { ruleSetHash, scanCodeHash } from './src/tree/cache.ts';", resolveDir: ROOT, loader: 'ts' },
        outfile: a,
        bundle: true,
        platform: 'node',
        format: 'esm',
        external: ['tree-sitter', 'tree-sitter-c'],
        packages: 'external',
        logLevel: 'silent',
      });
      // Each layout has its own package.json, as the Action's release layout does.
      const pkg = JSON.stringify({ name: 'kfunc-review', version: '0.0.0', private: true, type: 'module' });
      writeFileSync(join(dir, 'a', 'package.json'), pkg);
      const b = join(dir, 'b', 'dist', 'keys.mjs');
      mkdirSync(join(dir, 'b', 'dist'), { recursive: true });
      copyFileSync(a, b);
      writeFileSync(join(dir, 'b', 'package.json'), pkg);
      appendFileSync(b, '\n// another release\n');
      const ka = await import(pathToFileURL(a).href);
      const kb = await import(pathToFileURL(b).href);
      expect(ka.scanCodeHash()).not.toBe(kb.scanCodeHash());
      expect(ka.ruleSetHash()).not.toBe(kb.ruleSetHash());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
