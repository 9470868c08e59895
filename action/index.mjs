// Action bootstrap (plain JS, no build step). The compiled code (dist/) is not committed: it is
// produced by `npm ci` through the package's `prepare` script, which needs the dev dependencies
// (TypeScript). So on first use in a runner this installs in the action's own directory, then
// hands over to the compiled entry. It never touches the workspace and never runs PR code.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'src', 'github', 'action.js');

function npmCommand() {
  // Prefer the npm that ships next to the running node (the runner's node24), else PATH.
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(bundled) ? [process.execPath, [bundled]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

if (!existsSync(entry) || !existsSync(join(root, 'node_modules'))) {
  const [cmd, pre] = npmCommand();
  console.log('::group::kfunc-review: installing the action (npm ci)');
  const res = spawnSync(cmd, [...pre, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  console.log('::endgroup::');
  if (res.status !== 0 || !existsSync(entry)) {
    console.log('::error::kfunc-review: npm ci failed in the action directory');
    process.exit(2);
  }
}

const { runActionCli } = await import(pathToFileURL(entry).href);
process.exitCode = await runActionCli(process.argv.slice(2), process.env);
