// Printable form of a Trace for `kfunc-review model <kfunc> --probe V --config NAME`.
import { hex } from './ctype.js';
import type { Effect, Trace } from './effects.js';

function line(e: Effect): string {
  const pad = '  '.repeat(e.depth + 1);
  switch (e.kind) {
    case 'call':
      return `${pad}call ${e.text}${e.via === 'summary' ? '  [model summary]' : ''}`;
    case 'guard':
      return `${pad}if (${e.text}) -> ${e.holds ? 'true' : 'false'}${e.tainted ? '' : '  [independent of the probe]'}`;
    case 'read': {
      const status =
        e.status === 'in-bounds'
          ? 'in bounds'
          : `OUT OF BOUNDS, ${e.oob!.bytes} byte(s) ${e.oob!.side === 'after' ? 'past the end' : 'before the start'}`;
      return `${pad}${e.access} ${e.array}[${e.index}] of ${e.elem}[${e.boundName}=${e.bound}]: ${status} -> ${e.value}`;
    }
    case 'fork':
      return `${pad}fork (${e.reason === 'byte' ? 'unknown memory' : 'assumption'}): ${e.label}`;
    case 'warn':
      return `${pad}WARN${e.once ? '_ONCE' : ''}: "${e.msg}"`;
    case 'may-sleep':
      return `${pad}may sleep: ${e.via}`;
    case 'return':
      return `${pad}return from ${e.fn}: ${e.value.text} [${e.value.kind}]`;
    case 'unknown':
      return `${pad}UNKNOWN: ${e.what}`;
  }
}

export function formatTrace(t: Trace): string[] {
  const out = [
    `${t.kfunc}(${t.param} = ${t.probeLabel}) on config ${t.config}`,
    `  register ${hex(t.probe)} -> ${t.paramType} ${t.param} = ${t.argValue}; ${t.domain}`,
  ];
  t.paths.forEach((p, i) => {
    const head = t.paths.length > 1 ? `path ${i + 1}/${t.paths.length}` : 'path';
    out.push(`${head}${p.forks.length ? ` [${p.forks.join('; ')}]` : ''}${p.assumed ? ' (assumed)' : ''}:`);
    for (const e of p.effects) out.push(line(e));
    out.push(`  => returns ${p.result.text} [${p.result.kind}]${p.aborted ? `; stopped: ${p.aborted}` : ''}`);
  });
  if (t.truncated) out.push('(more paths exist; path budget reached)');
  return out;
}
