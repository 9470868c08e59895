// The tool version for SARIF and the User-Agent, read from package.json at run time: the file
// sits two levels up from src/github in the source tree and three from dist/src/github.
import { readFileSync, existsSync } from 'node:fs';

export function toolVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kfunc-review' && pkg.version) return pkg.version;
    } catch {
      // An unreadable package.json only costs the version string.
    }
  }
  return '0.0.0';
}
