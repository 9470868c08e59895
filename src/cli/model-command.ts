// `kfunc-review model <kfunc> <input> [--param P] [--probe V] [--config NAME]`: runs one kfunc
// of a patch through the semantics model and prints the verdicts and the trace of each probe.
import { parseCli } from './args.js';
import { MODEL_HELP } from './help.js';
import { readFileSync } from 'node:fs';
import { reviewText } from '../pipeline/review.js';
import { decodeInput } from '../intake/decode.js';
import { evaluateKfunc, traceKfunc, formatTrace, parseProbe, profileNames } from '../facts/semantics/index.js';
import { isScalarType } from '../model/c-query.js';

export class ModelUsageError extends Error {
  override name = 'ModelUsageError';
}

export async function runModelCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const { values, positionals } = parseCli(
    argv,
    {
      probe: { type: 'string', multiple: true },
      config: { type: 'string', multiple: true },
      param: { type: 'string' },
      tree: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'model',
  );
  if (values.help) {
    out(MODEL_HELP);
    return 0;
  }
  const [name, input] = positionals;
  if (!name || !input)
    throw new ModelUsageError('usage: kfunc-review model <kfunc> <patch|-> [--param P] [--probe V]... [--config NAME]...');
  const configs = values.config ?? profileNames();
  for (const c of configs)
    if (!profileNames().includes(c)) throw new ModelUsageError(`unknown --config ${c} (known: ${profileNames().join(', ')})`);
  const inputName = input === '-' ? '<stdin>' : input;
  const text = decodeInput(input === '-' ? readFileSync(0) : readFileSync(input), inputName);
  // Only the model is needed: no rules run.
  const result = await reviewText(text, inputName, { tree: values.tree, rules: [] });
  const model = result.models.find((m) => m.kfuncs.some((k) => k.name === name && k.side === 'new'));
  const kfunc = model?.kfuncs.find((k) => k.name === name && k.side === 'new');
  if (!model || !kfunc) {
    const known = result.models.flatMap((m) => m.kfuncs.map((k) => k.name));
    throw new ModelUsageError(`${inputName}: no kfunc ${name} (found: ${known.join(', ') || 'none'})`);
  }
  const env = { functions: model.functions };
  const lines: string[] = [
    `${kfunc.name}(${kfunc.params.map((p) => (p.type.endsWith('*') ? `${p.type}${p.name}` : `${p.type} ${p.name}`)).join(', ')})  [${kfunc.file}:${kfunc.line}]`,
  ];
  const verdicts = evaluateKfunc(kfunc, env, { configs });
  for (const v of verdicts) {
    lines.push('', `${v.param} (${v.paramType}): ${v.verdict}`, `  chain: ${v.chain}`);
    for (const e of v.evidence) lines.push(`  ${e}`);
  }
  if (!verdicts.length) lines.push('', 'no scalar argument reaches a modelled index, table or size');
  const scalars = kfunc.params.filter((p) => isScalarType(p.type));
  const param = values.param ?? scalars[0]?.name ?? '';
  if (values.param && !kfunc.params.some((p) => p.name === values.param))
    throw new ModelUsageError(`${name} has no parameter ${values.param}`);
  const probes = (values.probe ?? []).map((p) => {
    try {
      return parseProbe(p);
    } catch {
      throw new ModelUsageError(`--probe ${p}: not a number`);
    }
  });
  if (!probes.length && param === '') probes.push(0n);
  for (const probe of probes) {
    for (const config of configs) {
      lines.push('', `trace ${param || '(no scalar argument)'} = ${probe} (0x${probe.toString(16)}) on ${config}:`);
      for (const l of formatTrace(traceKfunc(kfunc, env, param, probe, config))) lines.push(`  ${l}`);
    }
  }
  out(lines.join('\n') + '\n');
  return 0;
}
