// SARIF 2.1.0 output, shaped for GitHub code scanning (upload-sarif): stable ruleIds, rule
// metadata from the registry, and our own fingerprint as partialFingerprints so an alert keeps
// its identity when code moves (the fingerprint never includes the line).
// helpUri is absolute (SARIF requires it): the rule's page in the project's repository
// (package.json `repository`), docs/rules/<ID>.md.
import type { RuleMeta, Severity } from '../core/types.js';
import { findingsOf, type ReportInput } from '../core/report-input.js';
import { ruleDocUrl } from '../core/version.js';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'kfuncReview/v1';

function ruleDescriptor(meta: RuleMeta) {
  return {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.rationale || meta.description },
    help: { text: meta.rationale || meta.description },
    helpUri: ruleDocUrl(meta.id),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { tags: ['bpf', 'kfunc', 'linux-kernel'], kernels: meta.kernels },
  };
}

function bullet(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

export function formatSarif(input: ReportInput, rules: RuleMeta[]): string {
  const findings = findingsOf(input);
  const toolVersion = input.tool.version;
  const metas = new Map(rules.map((r) => [r.id, r]));
  // A finding from a rule missing in the registry still needs a descriptor: ruleIndex must resolve.
  for (const f of findings) {
    if (!metas.has(f.rule)) {
      metas.set(f.rule, { id: f.rule, severity: f.severity, description: f.rule, rationale: '', kernels: 'all', messages: {} });
    }
  }
  const ids = [...metas.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));

  const results = findings.map((f) => {
    const evidenceText = f.evidence.length ? `\n${f.evidence.join('\n')}` : '';
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule) as number,
      level: LEVEL[f.severity],
      message: {
        text: `${f.message}${evidenceText}`,
        markdown: f.evidence.length ? `${f.message}\n\n${bullet(f.evidence)}` : f.message,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' },
            region: { startLine: Math.max(1, f.line) },
          },
          ...(f.kfunc ? { logicalLocations: [{ name: f.kfunc, kind: 'function' }] } : {}),
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
      properties: {
        kfunc: f.kfunc,
        // 'old' lines are pre-image lines: code scanning shows them on the head file, so say so.
        side: f.side,
        patch: f.patch,
        ...(f.verdict ? { verdict: f.verdict } : {}),
        ...(f.disposition ? { disposition: f.disposition } : {}),
      },
    };
  });

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kfunc-review',
            version: toolVersion,
            semanticVersion: toolVersion,
            rules: ids.map((id) => ruleDescriptor(metas.get(id) as RuleMeta)),
          },
        },
        invocations: [
          {
            executionSuccessful: input.errors.length === 0,
            toolExecutionNotifications: input.errors.map((e) => ({
              level: 'error',
              message: { text: `${e.input}: ${e.message}` },
            })),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'Root of the patched source tree' } } },
        columnKind: 'utf16CodeUnits',
        results,
        // What the engine could not see (e.g. only diff hunks); not tied to one result.
        ...(input.notes.length ? { properties: { notes: input.notes } } : {}),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
