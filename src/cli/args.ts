// Command-line arguments for every subcommand, read with node:util parseArgs and two things it
// does not do for us: a negative number after an option that takes a value (`--probe -1`) is that
// value, not an unknown option; and every mistake is one line of ours that names the option.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--opt -1` and `-o -1` → `--opt=-1`, for options that take a value: a negative number is a value, not an option. */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if (o.short) takesValue.set(`-${o.short}`, name);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = takesValue.get(a);
    const next = argv[i + 1];
    if (name && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** parseArgs, strict, with our one-line errors; `command` names the subcommand in them ('' for the review). */
export function parseCli<T extends Options>(argv: string[], options: T, command: string) {
  const where = command ? ` ${command}` : '';
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const quoted = /'([^']*)'/.exec(e.message)?.[1] ?? '';
    const opt = /--[\w-]+/.exec(quoted)?.[0] ?? /-\w/.exec(quoted)?.[0];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${opt ?? e.message} (see 'kfunc-review${where} --help')`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`option ${opt ?? ''} needs a value${opt?.startsWith('--') ? ` (${opt}=VALUE for one that starts with -)` : ''}`);
    }
    throw new UsageError(e.message.split('\n')[0]!);
  }
}
