// Action bootstrap (plain JS, no build step). A release tag (v1, v1.2.3) holds the prebuilt
// action: dist/action.mjs (one bundle) and node_modules/ with the two native packages, made by
// `npm run build:action` (scripts/build-action.mjs) and published by the release workflow. Then
// this only imports the bundle. From a plain checkout of the source (a branch or a commit SHA in
// `uses:`), the compiled code is not there: it installs in the action's own directory with
// `npm ci` (whose `prepare` script compiles TypeScript), then hands over to the compiled entry.
// It never touches the workspace and never runs PR code.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bundle = join(root, 'dist', 'action.mjs');
const entry = join(root, 'dist', 'src', 'github', 'action.js');

function npmCommand() {
  // Prefer the npm that ships next to the running node (the runner's node24), else PATH.
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(bundled) ? [process.execPath, [bundled]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

let start = bundle;
if (!existsSync(bundle)) {
  start = entry;
  if (!existsSync(entry) || !existsSync(join(root, 'node_modules'))) {
    const [cmd, pre] = npmCommand();
    console.log('::group::kfunc-review: installing the action (npm ci; a release tag ships it prebuilt)');
    const res = spawnSync(cmd, [...pre, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    console.log('::endgroup::');
    if (res.status !== 0 || !existsSync(entry)) {
      console.log('::error::kfunc-review: npm ci failed in the action directory');
      process.exit(2);
    }
  }
}

const { runActionCli } = await import(pathToFileURL(start).href);
process.exitCode = await runActionCli(process.argv.slice(2), process.env);
