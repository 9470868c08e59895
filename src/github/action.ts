// `kfunc-review action`: the GitHub Action entry. Reads the runner environment and the config
// file in the checkout, reviews the pull request head and reports through review comments, a
// check run, the job summary, a SARIF file and step outputs. It reads the checkout with git but
// never builds or runs PR code.
import { tmpdir } from 'node:os';
import { join, normalize, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE, resolveConfig, type Config } from '../core/config.js';
import { FAIL_LEVELS, type FailLevel } from '../core/policy.js';
import { TOOL } from '../core/version.js';
import type { ReviewOptions } from '../pipeline/review.js';
import { loadEngine, type Engine } from './engine.js';
import { createClient, errorText, type Logger } from './octokit.js';
import { reviewPullRequest, type Mode } from './pipeline.js';
import { FILTER_MODES, type FilterMode } from './pr-review.js';
import { escapeData, escapeProperty, input, readPrEvent, setOutputs, type Env } from './action-env.js';

export interface ActionDeps {
  /** Inject an engine (tests); default: the real one from src/pipeline/review.ts. */
  engine?: Engine;
  log?: Logger;
}

const MODES = ['review', 'check', 'both'] as const;

/** `--name value` / `--name=value` flags override the INPUT_* values (handy outside Actions). */
function flags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length) out.set(a.slice(2), argv[++i] as string);
  }
  return out;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/**
 * The `config` input: a path relative to the workspace (the checkout). The default file is used
 * when present; any other path must exist, and an error names it.
 */
export function actionConfig(value: string | undefined, workspace: string): Config | undefined {
  try {
    if (value === undefined || normalize(value) === DEFAULT_CONFIG_FILE) return resolveConfig(undefined, workspace);
    return resolveConfig(resolve(workspace, value), workspace);
  } catch (err) {
    throw new Error(`config: ${errorText(err)}`, { cause: err });
  }
}

function actionsLogger(env: Env): Logger {
  // In a runner, ::warning:: makes the message visible on the run page; elsewhere plain stderr.
  const inRunner = env.GITHUB_ACTIONS === 'true';
  return {
    info: (m) => console.log(m),
    warn: (m) => console.log(inRunner ? `::warning::${escapeData(m)}` : `warning: ${m}`),
  };
}

export async function runActionCli(argv: string[], env: Env = process.env, deps: ActionDeps = {}): Promise<number> {
  const log = deps.log ?? actionsLogger(env);
  try {
    const f = flags(argv);
    const get = (name: string) => f.get(name) ?? input(env, name);
    const failLevel: FailLevel = oneOf(get('fail-level'), FAIL_LEVELS, 'error', 'fail-level');
    const mode: Mode = oneOf(get('mode'), MODES, 'both', 'mode');
    const filterMode: FilterMode = oneOf(get('filter-mode'), FILTER_MODES, 'nofilter', 'filter-mode');
    const maxInline = Number(get('max-inline-comments') ?? 30);
    if (!Number.isInteger(maxInline) || maxInline < 0) throw new Error('max-inline-comments must be a whole number ≥ 0');
    const kernel = get('kernel');
    // A version the engine cannot read would silently fall back to detection: refuse it instead.
    if (kernel !== undefined && !/^\d+\.\d+$/.test(kernel)) throw new Error(`kernel must be a version X.Y, such as 6.12 (got "${kernel}")`);

    const pr = readPrEvent(env);
    if (!pr) {
      log.info(`kfunc-review reviews pull requests; event "${env.GITHUB_EVENT_NAME ?? 'unknown'}" has none. Nothing to do.`);
      return 0;
    }
    const token = get('token') ?? env.GITHUB_TOKEN;
    if (!token) throw new Error('No token: set the `token` input or GITHUB_TOKEN.');
    // Read from the checkout, like the CLI reads it from the working directory (docs/github.md
    // says what that means for a PR that edits the file).
    const config = actionConfig(get('config'), env.GITHUB_WORKSPACE ?? process.cwd());
    const review: ReviewOptions = { ...(kernel ? { kernel } : {}), ...(config ? { config } : {}) };

    const gh = createClient({
      token,
      ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
      // Test knobs: real GitHub wants 1000 ms per retry-after second and a write queue.
      retryBaseMs: env.KFUNC_REVIEW_RETRY_BASE_MS ? Number(env.KFUNC_REVIEW_RETRY_BASE_MS) : 1000,
      throttle: env.KFUNC_REVIEW_THROTTLE !== 'off',
      log,
      userAgent: `kfunc-review/${TOOL.version} (action)`,
    });
    const engine = deps.engine ?? (await loadEngine());
    const sarifPath = join(env.RUNNER_TEMP ?? tmpdir(), `kfunc-review-${pr.number}.sarif`);
    if (pr.fromFork) log.info('Pull request from a fork: the token may be read-only; unavailable channels fall back to the job summary.');

    const res = await reviewPullRequest(gh, pr, {
      engine,
      review,
      mode,
      filterMode,
      maxInline,
      failLevel,
      ...(env.GITHUB_WORKSPACE ? { workspace: env.GITHUB_WORKSPACE } : {}),
      ...(env.GITHUB_STEP_SUMMARY ? { stepSummaryPath: env.GITHUB_STEP_SUMMARY } : {}),
      sarifPath,
      log,
    });

    // Neither a review nor a check run was possible: log annotations are the last channel left.
    const nowhere = (res.review?.forbidden ?? mode === 'check') && (res.check?.forbidden ?? true);
    if (nowhere && env.GITHUB_ACTIONS === 'true') {
      for (const x of res.findings.filter((x) => x.side === 'new' && !x.disposition)) {
        const cmd = x.severity === 'info' ? 'notice' : x.severity;
        console.log(`::${cmd} file=${escapeProperty(x.file)},line=${x.line},title=${escapeProperty(x.rule)}::${escapeData(x.message)}`);
      }
    }
    for (const e of res.errors) log.warn(`Could not review ${e.input}: ${e.message}`);

    setOutputs(env, {
      findings: res.counts.error + res.counts.warning + res.counts.info,
      errors: res.counts.error,
      warnings: res.counts.warning,
      infos: res.counts.info,
      'sarif-path': res.sarifWritten === false ? '' : sarifPath,
    });
    log.info(
      `kfunc-review: ${res.counts.error} error(s), ${res.counts.warning} warning(s), ${res.counts.info} note(s)` +
        (res.review ? `; inline comments: +${res.review.created} ~${res.review.updated} -${res.review.removed}` : ''),
    );
    if (res.failed) {
      log.info(
        res.incomplete
          ? `Failing: the pull request was not reviewed in full (${res.errors.length} problem(s) listed above).`
          : `Failing: findings at or above fail-level "${failLevel}".`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    log.warn(`kfunc-review action failed: ${errorText(err)}`);
    return 2;
  }
}
