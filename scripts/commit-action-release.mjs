#!/usr/bin/env node
// Makes the release commit of the prebuilt action and points the version tags at it, locally:
// `node scripts/commit-action-release.mjs --version 1.2.3 [--dist action-dist] [--source REV]`.
// The commit's tree is exactly the release layout (scripts/build-action.mjs), its parent is the
// source commit it was built from, and tags vX.Y.Z (new, never moved) and vX (moved) name it,
// so `uses: owner/kfunc-review@v1` gets the prebuilt files. The release workflow pushes the tags.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    dist: { type: 'string', default: 'action-dist' },
    source: { type: 'string', default: 'HEAD' },
  },
});
const fail = (m) => {
  console.error(`commit-action-release: ${m}`);
  process.exit(2);
};
const version = values.version ?? '';
if (!/^\d+\.\d+\.\d+$/.test(version)) fail(`--version must be X.Y.Z (got "${version}")`);
const dist = resolve(values.dist);
if (!existsSync(join(dist, 'dist', 'action.mjs'))) fail(`${dist}: no dist/action.mjs; run npm run build:action first`);

const git = (args, env = {}) => execFileSync('git', args, { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
const source = git(['rev-parse', '--verify', `${values.source}^{commit}`]);
if (git(['tag', '--list', `v${version}`])) fail(`tag v${version} exists; a released version is never moved`);

// A private index, so the work tree and the real index are left as they are; -f: the layout's
// node_modules/ is what the release ships, whatever .gitignore says.
const tmp = mkdtempSync(join(tmpdir(), 'kfr-release-index-'));
try {
  const env = { GIT_INDEX_FILE: join(tmp, 'index') };
  git(['--work-tree', dist, 'add', '-f', '-A', '.'], env);
  const tree = git(['write-tree'], env);
  const commit = git(['commit-tree', tree, '-p', source, '-m', `kfunc-review action v${version}\n\nPrebuilt from ${source} by npm run build:action.`]);
  const major = `v${version.split('.')[0]}`;
  git(['tag', `v${version}`, commit]);
  git(['tag', '-f', major, commit]);
  console.log(`${commit} v${version} ${major}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
