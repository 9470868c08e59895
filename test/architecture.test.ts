// Dependency boundaries of src/ (docs/architecture.md): layers import only downward, no cycles
// outside the semantics interpreter, formatters take plain data, and no import hides behind a
// variable. The rules live in .dependency-cruiser.mjs; dependency-cruiser checks the first three,
// a TypeScript syntax walk the last. Violations must match the config's temporary known list
// exactly: a new one fails, and so does a listed one that is gone (delete its entry).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { tmpdir } from 'node:os';
import ts from 'typescript';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
// @ts-expect-error -- plain ESM config file without a declaration
import config, { KNOWN_VIOLATIONS, LAYERS } from '../.dependency-cruiser.mjs';

const ROOT = join(import.meta.dirname, '..');
const HIDDEN_IMPORT = 'no-hidden-dynamic-import';

interface Known {
  rule: string;
  from?: string;
  to?: string;
  cycle?: string[];
}
/** One violation as a comparable line: `rule: from -> to`, or `rule: cycle a > b > c` (sorted). */
const keyOf = (v: Known) => (v.cycle ? `${v.rule}: cycle ${[...v.cycle].sort().join(' > ')}` : `${v.rule}: ${v.from} -> ${v.to}`);

/** Cruise `dirs` under `baseDir` with the project's rules and without the known list. */
async function cruiseWithRules(baseDir: string, dirs: string[]): Promise<Known[]> {
  const cfg = config as IConfiguration;
  const { knownViolations: _known, tsConfig: _ts, ...options } = cfg.options!;
  const result = await cruise(
    dirs,
    { ...options, baseDir, validate: true, ruleSet: { forbidden: cfg.forbidden } },
    {},
    {
      tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')),
    },
  );
  const out = result.output as ICruiseResult;
  return out.summary.violations.map((v) =>
    v.cycle ? { rule: v.rule.name, cycle: v.cycle.map((c) => c.name) } : { rule: v.rule.name, from: v.from, to: v.to },
  );
}

/** `import(x)` / `require(x)` whose argument is not a string literal: invisible to the layer check. */
function hiddenImports(baseDir: string, dir: string): Known[] {
  const found: Known[] = [];
  const files = readdirSync(join(baseDir, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const f of files.sort()) {
    const path = join(baseDir, dir, f);
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const callee = n.expression;
        const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
        const arg = n.arguments[0];
        if (dynamic && arg && !ts.isStringLiteral(arg) && !ts.isNoSubstitutionTemplateLiteral(arg)) {
          found.push({ rule: HIDDEN_IMPORT, from: relative(baseDir, path).split('\\').join('/'), to: arg.getText(sf) });
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

describe('dependency boundaries of src/', () => {
  it('match the temporary known-violations list exactly (new ones fail, fixed ones must be deleted from it)', async () => {
    const actual = [...(await cruiseWithRules(ROOT, ['src'])), ...hiddenImports(ROOT, 'src')].map(keyOf).sort();
    const known = (KNOWN_VIOLATIONS as Known[]).map(keyOf).sort();
    const added = actual.filter((k) => !known.includes(k));
    const fixed = known.filter((k) => !actual.includes(k));
    expect(added, 'new boundary violations (fix the import; see docs/architecture.md)').toEqual([]);
    expect(fixed, 'no longer violated: delete these entries from KNOWN_VIOLATIONS in .dependency-cruiser.mjs').toEqual([]);
  });

  it('has one rule per layer boundary, in the documented order', () => {
    expect(LAYERS).toEqual(['intake', 'model', 'knowledge', 'facts', 'rules', 'core', 'tree', 'pipeline', 'report', 'github', 'cli']);
    expect(readdirSync(join(ROOT, 'src')).sort()).toEqual([...LAYERS].sort());
  });
});

// The rules themselves, on a tiny throw-away tree: they catch what they claim to catch.
describe('boundary rules', () => {
  let base = '';
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(base, path)), { recursive: true });
    writeFileSync(join(base, path), text);
  };

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'kfr-arch-'));
    write('src/intake/source.ts', 'export interface FileSource { path: string }\n');
    write('src/model/ok.ts', "import type { FileSource } from '../intake/source.js';\nexport const f = (s: FileSource) => s.path;\n");
    write('src/core/types.ts', 'export interface Finding { rule: string }\n');
    write('src/model/up.ts', "import type { Finding } from '../core/types.js';\nexport const g = (x: Finding) => x;\n");
    write('src/facts/semantics/a.ts', "import { b } from './b.js';\nexport const a = (): number => b();\n");
    write('src/facts/semantics/b.ts', "import { a } from './a.js';\nexport const b = (): number => a();\n");
    write('src/facts/semantics/c.ts', "import { d } from '../d.js';\nexport const c = (): number => d();\n");
    write('src/facts/d.ts', "import { c } from './semantics/c.js';\nexport const d = (): number => c();\n");
    write('src/report/text.ts', "import { d } from '../facts/d.js';\nexport const t = () => d();\n");
    write(
      'src/cli/main.ts',
      "const m = '../report/text.js';\nexport const load = () => import(m);\nexport const ok = () => import('../report/text.js');\n",
    );
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('flag upward (also type-only) imports, cycles leaving semantics, report reading facts, hidden imports', async () => {
    const got = [...(await cruiseWithRules(base, ['src'])), ...hiddenImports(base, 'src')].map(keyOf).sort();
    expect(got).toEqual([
      'layer-model: src/model/up.ts -> src/core/types.ts',
      'no-circular: cycle src/facts/d.ts > src/facts/semantics/c.ts',
      `${HIDDEN_IMPORT}: src/cli/main.ts -> m`,
      'report-plain-data: src/report/text.ts -> src/facts/d.ts',
    ]);
  });
});

describe('rule ids stay in src/rules/', () => {
  // Facts, knowledge and the layers above rules talk about the code, never about a rule: a rule id
  // elsewhere means a decision (or its wording) has leaked out of the rule that owns it.
  it('no file outside src/rules/ names a rule id, in code or comments', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const hits: string[] = [];
    for (const file of walk(join(ROOT, 'src'))) {
      const rel = relative(ROOT, file);
      if (rel.startsWith(join('src', 'rules') + '/')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bKF-[A-Z]+-\d+\b/.test(line)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });
});
