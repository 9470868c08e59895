#!/usr/bin/env node
// `npm run build:action [-- --out DIR]`: the release layout of the GitHub Action, what a version
// tag (v1, v1.2.3) holds. One esbuild bundle of the Action (no TypeScript, no install at run
// time) plus the two native packages it cannot bundle, tree-sitter and tree-sitter-c, with
// their linux-x64 prebuilds (the runner's platform), and the files `uses:` reads.
//
//   action-dist/
//     action.yml  action/index.mjs  package.json  LICENSE
//     dist/action.mjs
//     node_modules/{tree-sitter,tree-sitter-c,node-gyp-build}/
//
// The release workflow (.github/workflows/release-action.yml) runs this and commits the folder
// as the tag's tree; the bootstrap (action/index.mjs) starts dist/action.mjs when it is there.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'action-dist') },
    // The runner's platform; another can be named for a self-hosted runner.
    platform: { type: 'string', default: 'linux-x64' },
  },
});
const out = values.out;
const platform = values.platform;

/** Native packages loaded at run time, and which of their files are needed. */
const NATIVE = {
  'tree-sitter': (p) => p === 'package.json' || p === 'index.js' || p === 'LICENSE' || p.startsWith(`prebuilds${sep}${platform}`),
  'tree-sitter-c': (p) =>
    p === 'package.json' ||
    p === 'LICENSE' ||
    p.startsWith(`bindings${sep}node${sep}`) ||
    p === join('src', 'node-types.json') ||
    p.startsWith(`prebuilds${sep}${platform}`),
  'node-gyp-build': (p) => !p.endsWith('.md'),
};

function copyPackage(name, keep) {
  const from = join(root, 'node_modules', name);
  const to = join(out, 'node_modules', name);
  let files = 0;
  const walk = (dir) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      const rel = relative(from, p);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(rel)) {
        mkdirSync(dirname(join(to, rel)), { recursive: true });
        cpSync(p, join(to, rel));
        files++;
      }
    }
  };
  walk(from);
  if (name.startsWith('tree-sitter') && !existsSync(join(to, 'prebuilds', platform)))
    throw new Error(`${name}: no prebuild for ${platform} in node_modules`);
  return files;
}

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'dist'), { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
await build({
  entryPoints: [join(root, 'src', 'github', 'action.ts')],
  outfile: join(out, 'dist', 'action.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: Object.keys(NATIVE),
  // Bundled CommonJS code may call require() for Node built-ins; ESM has none, so give it one.
  banner: { js: "import { createRequire as __kfrCreateRequire } from 'node:module'; const require = __kfrCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});

for (const f of ['action.yml', 'LICENSE']) if (existsSync(join(root, f))) cpSync(join(root, f), join(out, f));
mkdirSync(join(out, 'action'));
cpSync(join(root, 'action', 'index.mjs'), join(out, 'action', 'index.mjs'));
// The version the tool reports (src/core/version.ts reads the nearest package.json).
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module', license: pkg.license }, null, 2)}\n`,
);
let files = 0;
for (const [name, keep] of Object.entries(NATIVE)) files += copyPackage(name, keep);

const size = (dir) =>
  readdirSync(dir).reduce((n, f) => {
    const p = join(dir, f);
    return n + (statSync(p).isDirectory() ? size(p) : statSync(p).size);
  }, 0);
console.log(
  `action-dist: ${relative(process.cwd(), out) || '.'} (${(size(out) / 1e6).toFixed(1)} MB, bundle ${(statSync(join(out, 'dist', 'action.mjs')).size / 1e6).toFixed(1)} MB, ${files} native package files for ${platform}) in ${Date.now() - started} ms`,
);
