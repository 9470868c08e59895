#!/usr/bin/env node
// kfunc-review command line: argv → inputs → review → report → exit code.
// Exit codes: 0 no finding at or above --fail-level, 1 some, 2 usage or input errors.
import { parseArgs } from 'node:util';
import { statSync, writeFileSync } from 'node:fs';
import { reviewText, mergeResults, type ReviewResult, type ReviewOptions } from '../pipeline/review.js';
import { decodeInput, InputRejected } from '../intake/decode.js';
import { reviewReport } from '../pipeline/report-input.js';
import { REVIEW_FORMATS, type ReviewFormatName } from '../report/formats.js';
import { registry } from '../rules/index.js';
import { fails, FAIL_LEVELS, type FailLevel } from '../core/policy.js';
import { TOOL } from '../core/version.js';
import { HELP, SERVE_HELP } from './help.js';
import { resolveConfig, ConfigError, type Config } from '../core/config.js';
import { expandInputs, readUpTo } from './inputs.js';

class UsageError extends Error {}

export { expandInputs, type InputItem } from './inputs.js';

export async function runReview(
  argv: string[],
  io = { stdin: () => readUpTo(0, '<stdin>'), out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s) },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f', default: 'text' },
      'fail-level': { type: 'string', default: 'error' },
      tree: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      kernel: { type: 'string' },
      config: { type: 'string', short: 'c' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'V', default: false },
    },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.version) {
    io.out(`${TOOL.name} ${TOOL.version}\n`);
    return 0;
  }
  const format = values.format! as ReviewFormatName;
  if (!Object.hasOwn(REVIEW_FORMATS, format)) throw new UsageError(`--format must be text, json, sarif or email (got ${format})`);
  const failLevel = values['fail-level']!;
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
  let config: Config | undefined;
  try {
    config = resolveConfig(values.config);
  } catch (err) {
    throw new UsageError((err as ConfigError).message);
  }
  const opts: ReviewOptions = { tree: values.tree, kernel: values.kernel, config, cache: !values['no-cache'] };

  const { items, refused, notes } = expandInputs(positionals, io.stdin);
  const results: ReviewResult[] = [];
  const skipped: { input: string; message: string }[] = [...refused];
  for (const item of items) {
    try {
      const text = decodeInput(item.read(), item.name);
      results.push(await reviewText(text, item.name, opts));
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
  if (items.length + refused.length > 1 && skipped.length)
    io.err(`kfunc-review: reviewed ${results.length} of ${items.length + refused.length} inputs; skipped ${skipped.length}\n`);

  // JSON and SARIF always print (an empty run is still a valid document); text and email need a patch.
  const text =
    result.patches.length || format === 'json' || format === 'sarif'
      ? REVIEW_FORMATS[format](
          reviewReport(result),
          registry.map((r) => r.meta),
        )
      : '';
  if (values.output) writeFileSync(values.output, text);
  else io.out(text);

  if (skipped.length || result.errors.length) return 2;
  return fails(result.findings, failLevel as FailLevel) ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'model':
        return await (await import('./model-command.js')).runModelCli(rest);
      case 'audit':
        return await (await import('./audit-command.js')).runAuditCli(rest);
      case 'action':
        return await (await import('../github/action.js')).runActionCli(rest);
      case 'serve':
        if (rest.includes('--help') || rest.includes('-h')) return (process.stdout.write(SERVE_HELP), 0);
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
      process.stderr.write(`kfunc-review: ${msg}\nTry 'kfunc-review --help'.\n`);
    } else {
      process.stderr.write(`kfunc-review: internal error: ${msg}\n`);
    }
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
