// Dependency boundaries of src/, checked by test/architecture.test.ts (part of `npm test`) and by
// `npm run deps`. docs/architecture.md explains the layers; this file is their executable form.
//
// Layers, lowest first. A module may import its own layer and any lower layer, never a higher one.
// Type-only imports count too (tsPreCompilationDeps), because a type is part of a layer's surface.
export const LAYERS = ['intake', 'model', 'knowledge', 'facts', 'rules', 'core', 'tree', 'pipeline', 'report', 'github', 'cli'];

// The only place where cycles are allowed: the semantics interpreter's modules (statements,
// expressions, calls, ...) evaluate each other and are honestly mutually recursive.
const CYCLES_ALLOWED_IN = '^src/facts/semantics/';

const anyLayer = `^src/(${LAYERS.join('|')})/`;

/** One rule per layer: nothing in layer i imports from layers i+1 and up. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `${layer} (layer ${i + 1}) may import only ${LAYERS.slice(0, i + 1).join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

// ---------------------------------------------------------------------------------------------
// TEMPORARY: known violations. The architecture redesign (issue 9) is landing in other branches;
// these are the violations that existed when this check was introduced, one entry per violation.
// A branch that fixes one deletes its entry: test/architecture.test.ts fails on an entry that no
// longer occurs, so the list can only shrink. Never add an entry; fix the import. Target: [].
//   { rule, from, to }  a forbidden import (to: the resolved file, or the hidden specifier)
//   { rule, cycle }     an import cycle, as the list of its modules (any starting point)
// ---------------------------------------------------------------------------------------------
export const KNOWN_VIOLATIONS = [];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layerRules,
    {
      name: 'layer-unknown',
      comment: 'every module under src/ lives in one of the layer folders (add a new folder to LAYERS first)',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: anyLayer },
    },
    {
      name: 'report-plain-data',
      comment: 'formatters take plain data (Finding, results): src/report/ never imports the model or the facts',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/(facts|model)/' },
    },
    {
      name: 'no-circular',
      comment: `no import cycles, except cycles made only of modules inside ${CYCLES_ALLOWED_IN}`,
      severity: 'error',
      from: {},
      to: { circular: true, via: { pathNot: CYCLES_ALLOWED_IN } },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves (a typo or a missing dependency is caught here, not at run time)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    // One more rule, 'no-hidden-dynamic-import', cannot be expressed here: dependency-cruiser only
    // sees import('literal'), so an import(variable) would slip past every rule above. The test
    // checks it with a syntax walk over src/ (import(...) or require(...) without a string literal).
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // The temporary list below, in dependency-cruiser's own format, so `npm run deps` agrees with the test.
    knownViolations: KNOWN_VIOLATIONS.filter((v) => v.rule !== 'no-hidden-dynamic-import').map((v) => ({
      type: v.cycle ? 'cycle' : 'dependency',
      rule: { name: v.rule, severity: 'error' },
      from: v.cycle ? v.cycle.at(-1) : v.from,
      to: v.cycle ? v.cycle[0] : v.to,
      ...(v.cycle ? { cycle: v.cycle.map((name) => ({ name, dependencyTypes: [] })) } : {}),
    })),
  },
};
