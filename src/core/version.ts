// The tool's name and version, read once from package.json (works from src/ and dist/src/).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('package.json not found');
}

export const PACKAGE_ROOT = dirname(findPackageJson());
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
export const TOOL = { name: pkg.name, version: pkg.version };
