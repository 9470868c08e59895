#!/usr/bin/env node
// kfunc-review command line: argv → inputs → review → report → exit code.
// Exit codes: 0 no finding at or above --fail-level, 1 some, 2 usage or input errors.
import { statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { reviewText, reviewSeries, mergeResults, type ReviewResult, type ReviewOptions, type SeriesPart } from '../pipeline/review.js';
import type { InputError } from '../core/report-input.js';
import { decodeInput, InputRejected } from '../intake/decode.js';
import { reviewReport } from '../pipeline/report-input.js';
import { REVIEW_FORMATS, type ReviewFormatName } from '../report/formats.js';
import { registry } from '../rules/index.js';
import { fails, FAIL_LEVELS, type FailLevel } from '../core/policy.js';
import { TOOL } from '../core/version.js';
import { ACTION_HELP, ACTION_OPTIONS, HELP, MODEL_HELP, SERVE_HELP } from './help.js';
import { parseCli, UsageError } from './args.js';
import { checkOutputPath, writeOutput } from './output.js';
import { parseMailbox } from '../report/email.js';
import { kernelVersion, resolveConfig, ConfigError, type Config } from '../core/config.js';
import { expandInputs, readUpTo, type InputItem } from './inputs.js';

export { expandInputs, type InputItem } from './inputs.js';

const REVIEW_OPTIONS = {
  format: { type: 'string', short: 'f', default: 'text' },
  terse: { type: 'boolean', default: false },
  verbose: { type: 'boolean', short: 'v', default: false },
  'fail-level': { type: 'string', default: 'error' },
  tree: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  kernel: { type: 'string' },
  config: { type: 'string', short: 'c' },
  from: { type: 'string' },
  'email-all': { type: 'boolean', default: false },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

export interface ReviewIo {
  stdin: () => Buffer;
  out: (s: string) => void;
  err: (s: string) => void;
  /** git's user.name and user.email, for the From of email replies without --from. */
  gitIdentity?: () => string | null;
}

/** `Name <email>` from git config, or null when git or the settings are missing. */
function gitIdentity(): string | null {
  const get = (key: string) => {
    const r = spawnSync('git', ['config', '--get', key], { encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.trim() : '';
  };
  const email = get('user.email');
  if (!email) return null;
  const name = get('user.name');
  return name ? `${name} <${email}>` : email;
}

/** Reads one input: a file or stdin, or the files of a format-patch directory as one series. */
async function reviewItem(item: InputItem, opts: ReviewOptions, skipped: InputError[]): Promise<ReviewResult | null> {
  if (!item.parts) return reviewText(decodeInput(item.read(), item.name), item.name, opts);
  const parts: SeriesPart[] = [];
  for (const part of item.parts) {
    try {
      parts.push({ name: part.name, text: decodeInput(part.read(), part.name) });
    } catch (err) {
      if (!(err instanceof InputRejected)) throw err;
      skipped.push({ input: part.name, message: err.message });
    }
  }
  if (!parts.length) return null;
  return reviewSeries(parts, item.name, opts);
}

export async function runReview(
  argv: string[],
  io: ReviewIo = {
    stdin: () => readUpTo(0, '<stdin>'),
    out: (s: string) => process.stdout.write(s),
    err: (s: string) => process.stderr.write(s),
  },
): Promise<number> {
  const { values, positionals } = parseCli(argv, REVIEW_OPTIONS, '');
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.version) {
    io.out(`${TOOL.name} ${TOOL.version}\n`);
    return 0;
  }
  const format = values.format as ReviewFormatName;
  if (!Object.hasOwn(REVIEW_FORMATS, format)) throw new UsageError(`--format must be text, json, sarif or email (got ${format})`);
  const failLevel = values['fail-level'];
  if (!FAIL_LEVELS.includes(failLevel as FailLevel))
    throw new UsageError(`--fail-level must be error, warning, info or none (got ${failLevel})`);
  if (positionals.length === 0) throw new UsageError('no input: give a .patch, .mbox or directory path, or - for stdin');
  if (values.tree) {
    try {
      if (!statSync(values.tree).isDirectory()) throw new Error();
    } catch {
      throw new UsageError(`--tree ${values.tree}: not a directory`);
    }
  }
  if (values.output) checkOutputPath(values.output);
  let from: string | undefined;
  if (format === 'email') {
    const given = values.from ?? (io.gitIdentity ?? gitIdentity)() ?? undefined;
    if (values.from !== undefined && !parseMailbox(values.from))
      throw new UsageError(`--from ${JSON.stringify(values.from)}: not a mail address ("Name <addr>" or addr)`);
    if (given && parseMailbox(given)) from = given;
    else if (!values.quiet) io.err('kfunc-review: warning: no --from and no git user.email: the replies have no From header\n');
  }
  let config: Config | undefined;
  let kernel: string | undefined;
  try {
    kernel = values.kernel === undefined ? undefined : kernelVersion(values.kernel);
    config = resolveConfig(values.config);
  } catch (err) {
    throw new UsageError((err as ConfigError).message);
  }
  const opts: ReviewOptions = { tree: values.tree, kernel, config, cache: !values['no-cache'] };

  const { items, refused, notes } = expandInputs(positionals, io.stdin);
  const results: ReviewResult[] = [];
  const skipped: InputError[] = [...refused];
  for (const item of items) {
    try {
      const r = await reviewItem(item, opts, skipped);
      if (r) results.push(r);
    } catch (err) {
      if (err instanceof InputRejected) skipped.push({ input: item.name, message: err.message });
      // Our failure, not the input's: said as such, so nobody fixes a patch for it.
      else skipped.push({ input: item.name, message: `${item.name}: internal error: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const result = mergeResults(results);
  result.errors.unshift(...skipped);
  result.warnings.unshift(...notes);
  if (!values.quiet) for (const w of result.warnings) io.err(`kfunc-review: warning: ${w}\n`);
  // Every error, one line each: inputs skipped, and what was not reviewed in an input (a rule
  // that failed, a hunk that could not be read, a kfunc whose C did not parse).
  for (const e of result.errors) io.err(`kfunc-review: ${e.message}\n`);
  const inputs = items.length + refused.length;
  if (inputs > 1 && skipped.length) io.err(`kfunc-review: reviewed ${results.length} of ${inputs} inputs; skipped ${skipped.length}\n`);

  // JSON and SARIF always print (an empty run is still a valid document); text and email need a patch.
  const report = { ...reviewReport(result), output: { terse: values.terse, verbose: values.verbose, from, emailAll: values['email-all'] } };
  const text =
    result.patches.length || format === 'json' || format === 'sarif'
      ? REVIEW_FORMATS[format](
          report,
          registry.map((r) => r.meta),
        )
      : '';
  if (values.output) writeOutput(values.output, text);
  else io.out(text);

  if (skipped.length || result.errors.length) return 2;
  return fails(result.findings, failLevel as FailLevel) ? 1 : 0;
}

/** The help of a subcommand whose own parser lives elsewhere (the GitHub layer), and the options it takes. */
const SUBCOMMANDS: Record<string, { help: string; options: Parameters<typeof parseCli>[1] }> = {
  action: {
    help: ACTION_HELP,
    options: Object.fromEntries([
      ...ACTION_OPTIONS.map((o) => [o.name, { type: 'string' as const }]),
      ['help', { type: 'boolean' as const, short: 'h' }],
    ]),
  },
  serve: {
    help: SERVE_HELP,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  },
};

/** `--help` and unknown options of `action` and `serve`, answered before their modules load. */
function checkSubcommand(cmd: string, argv: string[]): boolean {
  const sub = SUBCOMMANDS[cmd]!;
  const { values } = parseCli(argv, sub.options, cmd);
  if (!values.help) return false;
  process.stdout.write(sub.help);
  return true;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'model':
        if (rest.includes('-h') || rest.includes('--help')) {
          process.stdout.write(MODEL_HELP);
          return 0;
        }
        return await (await import('./model-command.js')).runModelCli(rest);
      case 'audit':
        return await (await import('./audit-command.js')).runAuditCli(rest);
      case 'action':
        if (checkSubcommand(cmd, rest)) return 0;
        return await (await import('../github/action.js')).runActionCli(rest);
      case 'serve':
        if (checkSubcommand(cmd, rest)) return 0;
        return await (await import('../github/app.js')).serveCli(rest);
      default:
        return await runReview(argv);
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const usage =
      err instanceof UsageError ||
      (err instanceof Error && err.name === 'ModelUsageError') ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (usage || err instanceof InputRejected) {
      const where = cmd === 'model' || cmd === 'action' || cmd === 'serve' ? ` ${cmd}` : '';
      process.stderr.write(`kfunc-review${where}: ${msg}\n`);
    } else {
      process.stderr.write(`kfunc-review: internal error: ${msg}\n`);
    }
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
