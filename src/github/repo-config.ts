// The App's config when the server has none of its own: `.kfunc-review.json` of the repository
// at the pull request's BASE commit, read through the contents API. The base, not the head, so
// a pull request cannot turn rules off or dispose of findings for itself. No file is no config;
// a file that cannot be read or is invalid is an error the review reports, never ignored (the
// findings it would silence must not be posted as if it did not exist).
import { DEFAULT_CONFIG_FILE, parseConfig, type Config } from '../core/config.js';
import type { InputError } from '../core/report-input.js';
import { errorText, httpStatus, type GitHubClient } from './octokit.js';
import type { PullRef } from './pr-diff.js';

export type RepoConfig = { config?: Config; error?: undefined } | { config?: undefined; error: InputError };

export async function readRepoConfig(gh: GitHubClient, pr: PullRef): Promise<RepoConfig> {
  const name = `${DEFAULT_CONFIG_FILE} (base ${pr.baseSha.slice(0, 12)})`;
  const fail = (message: string): RepoConfig => ({ error: { input: name, message: `${name}: ${message}` } });
  let data: unknown;
  try {
    ({ data } = await gh.rest.repos.getContent({ owner: pr.owner, repo: pr.repo, path: DEFAULT_CONFIG_FILE, ref: pr.baseSha }));
  } catch (err) {
    if (httpStatus(err) === 404) return {};
    return fail(`cannot read it (${errorText(err)}); the App needs the Contents: read permission`);
  }
  const file = data as { type?: string; encoding?: string; content?: string };
  if (Array.isArray(data) || file.type !== 'file') return fail('not a file');
  // Over 1 MB the contents API leaves `content` empty (encoding "none"); no config is that big.
  if (file.encoding !== 'base64' || typeof file.content !== 'string')
    return fail(`unexpected encoding "${file.encoding ?? 'none'}" (too large?)`);
  try {
    return { config: parseConfig(Buffer.from(file.content, 'base64').toString('utf8'), name) };
  } catch (err) {
    return { error: { input: name, message: errorText(err) } };
  }
}
