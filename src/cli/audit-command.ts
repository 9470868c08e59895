// `kfunc-review audit DIR [options]` (options in ./help.ts).
import { AUDIT_HELP } from './help.js';
import { parseCli } from './args.js';
import { checkOutputPath, writeOutput } from './output.js';
import cliProgress from 'cli-progress';
import { fails, FAIL_LEVELS, type FailLevel } from '../core/policy.js';
import { kernelVersion, resolveConfig, type Config } from '../core/config.js';
import { runAudit, defaultJobs, type AuditProgress } from '../pipeline/audit/audit.js';
import { auditReport } from '../pipeline/report-input.js';
import { AUDIT_FORMATS, type AuditFormatName } from '../report/formats.js';
import { registry } from '../rules/index.js';

class AuditUsage extends Error {}

function ttyProgress(): AuditProgress {
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(phase, total, counting) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${phase.padEnd(5)} [{bar}] {value}/{total} files | ${counting}: {kfuncs}`,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { kfuncs: 0 });
    },
    update(value, kfuncs) {
      bar?.update(value, kfuncs === undefined ? undefined : { kfuncs });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

export async function runAuditCli(
  argv: string[],
  io = {
    out: (s: string) => {
      process.stdout.write(s);
    },
    err: (s: string) => {
      process.stderr.write(s);
    },
  },
): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseCli(
      argv,
      {
        format: { type: 'string', short: 'f', default: 'text' },
        exclude: { type: 'string', multiple: true },
        'no-cache': { type: 'boolean', default: false },
        jobs: { type: 'string', short: 'j' },
        'callee-depth': { type: 'string' },
        kernel: { type: 'string' },
        config: { type: 'string', short: 'c' },
        'fail-level': { type: 'string', default: 'error' },
        output: { type: 'string', short: 'o' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      'audit',
    ));
    if (values.help) {
      io.out(AUDIT_HELP);
      return 0;
    }
    if (!Object.hasOwn(AUDIT_FORMATS, values.format!)) throw new AuditUsage(`--format must be text, json or sarif (got ${values.format})`);
    if (!FAIL_LEVELS.includes(values['fail-level'] as FailLevel))
      throw new AuditUsage(`--fail-level must be error, warning, info or none (got ${values['fail-level']})`);
    if (positionals.length !== 1) throw new AuditUsage(`give exactly one kernel tree directory (see 'kfunc-review audit --help')`);
    if (values.output) checkOutputPath(values.output);
  } catch (err) {
    io.err(`kfunc-review audit: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const num = (v: string | undefined, name: string, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new AuditUsage(`${name} must be an integer >= ${min} (got ${v})`);
    return n;
  };
  let jobs: number | undefined, depth: number | undefined, config: Config | undefined, kernel: string | undefined;
  try {
    jobs = num(values.jobs, '--jobs', 1) ?? defaultJobs();
    depth = num(values['callee-depth'], '--callee-depth', 0);
    kernel = values.kernel === undefined ? undefined : kernelVersion(values.kernel);
    config = resolveConfig(values.config);
  } catch (err) {
    io.err(`kfunc-review audit: ${(err as Error).message}\n`);
    return 2;
  }
  const progress = process.stderr.isTTY && !values.quiet ? ttyProgress() : undefined;
  let result;
  try {
    result = await runAudit(positionals[0], {
      jobs,
      cache: !values['no-cache'],
      calleeDepth: depth,
      kernel,
      config,
      progress,
      exclude: values.exclude,
    });
  } catch (err) {
    io.err(`kfunc-review audit: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const text = AUDIT_FORMATS[values.format as AuditFormatName](
    auditReport(result),
    registry.map((r) => r.meta),
  );
  try {
    if (values.output) writeOutput(values.output, text);
    else io.out(text);
  } catch (err) {
    io.err(`kfunc-review audit: ${(err as Error).message}\n`);
    return 2;
  }
  if (result.errors.length) return 2;
  return fails(result.findings, values['fail-level'] as FailLevel) ? 1 : 0;
}
