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
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  repository?: string | { url?: string };
  homepage?: string;
};
export const TOOL = { name: pkg.name, version: pkg.version };

/**
 * The project's repository as an https URL (package.json `repository`, else `homepage`), so
 * reports can link the rule pages absolutely (SARIF requires absolute help URIs).
 */
export function repositoryUrl(p: { repository?: string | { url?: string }; homepage?: string } = pkg): string | null {
  const raw = typeof p.repository === 'string' ? p.repository : p.repository?.url;
  const short = raw ? /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw) : null;
  if (short) return `https://github.com/${short[1]!.replace(/\.git$/, '')}`;
  if (raw) {
    const m = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:git@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(raw);
    if (m) return `https://${m[1]}/${m[2]}`;
  }
  const home = p.homepage ? /^(https:\/\/[^#?]+?)\/?(?:[#?].*)?$/.exec(p.homepage) : null;
  return home ? home[1]! : null;
}

/** Where the page of rule `id` is read: absolute when the repository is known, else repository-relative. */
export function ruleDocUrl(id: string): string {
  const repo = repositoryUrl();
  return repo ? `${repo}/blob/main/docs/rules/${id}.md` : `docs/rules/${id}.md`;
}
