// Rewrites the @@ counts of hand-written fixture patches from their lines (authoring aid):
//   node scripts/recount-hunks.mjs fixtures/KF-X-01/bad-foo.patch ...
// Hunk lines are ' ', '+', '-' prefixed; a hunk ends at the next header, '-- ' or end of file.
import { readFileSync, writeFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/.exec(lines[i]);
    if (!m) continue;
    let oldN = 0, newN = 0;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (/^(@@ |diff --git |-- $)/.test(l) || l === '' && (j + 1 >= lines.length)) break;
      if (l.startsWith('+')) newN++;
      else if (l.startsWith('-')) oldN++;
      else if (l.startsWith(' ') || l === '') { oldN++; newN++; }
      else if (l.startsWith('\\')) continue;
      else break;
    }
    lines[i] = `@@ -${m[1]},${oldN} +${m[2]},${newN} @@${m[3]}`;
  }
  writeFileSync(file, lines.join('\n'));
}
