// Mainline release dates (the day Linus tagged vX.Y), to tell which tree a mailed patch targets.
// bpf-next feeds the merge window after the next release: a patch mailed after vX.Y (and before
// vX.Y+1) lands in vX.Y+2; a fix for the bpf tree lands in the current cycle, vX.Y+1.
// Dates from the kernel's git tags; releases after the last entry are extrapolated at the usual
// nine to ten weeks per cycle.
const RELEASES: [string, string][] = [
  ['5.10', '2020-12-13'],
  ['5.11', '2021-02-14'],
  ['5.12', '2021-04-25'],
  ['5.13', '2021-06-27'],
  ['5.14', '2021-08-29'],
  ['5.15', '2021-10-31'],
  ['5.16', '2022-01-09'],
  ['5.17', '2022-03-20'],
  ['5.18', '2022-05-22'],
  ['5.19', '2022-07-31'],
  ['6.0', '2022-10-02'],
  ['6.1', '2022-12-11'],
  ['6.2', '2023-02-19'],
  ['6.3', '2023-04-23'],
  ['6.4', '2023-06-25'],
  ['6.5', '2023-08-27'],
  ['6.6', '2023-10-30'],
  ['6.7', '2024-01-07'],
  ['6.8', '2024-03-10'],
  ['6.9', '2024-05-12'],
  ['6.10', '2024-07-14'],
  ['6.11', '2024-09-15'],
  ['6.12', '2024-11-17'],
  ['6.13', '2025-01-20'],
  ['6.14', '2025-03-24'],
  ['6.15', '2025-05-25'],
  ['6.16', '2025-07-27'],
  ['6.17', '2025-09-28'],
  ['6.18', '2025-11-30'],
];

/** The version after X.Y: minors run to 19, then the major goes up (6.19 -> 7.0). */
function next(v: string): string {
  const [major, minor] = v.split('.').map(Number) as [number, number];
  return minor >= 19 ? `${major + 1}.0` : `${major}.${minor + 1}`;
}

const CYCLE_DAYS = 66;

/**
 * The release a patch mailed on `day` (YYYY-MM-DD) lands in: the second release after the last
 * one out for bpf-next, the next one for a fix (bpf tree). Null before the table starts.
 */
export function landingRelease(day: string, tree: 'next' | 'fixes'): string | null {
  let last: [string, string] | null = null;
  for (const r of RELEASES) if (r[1] <= day) last = r;
  if (!last) return null;
  const date = last[1];
  let version = last[0];
  // Past the table: count whole cycles since its last release.
  const since = (Date.parse(day) - Date.parse(date)) / 86_400_000;
  for (let d = since; d >= CYCLE_DAYS; d -= CYCLE_DAYS) version = next(version);
  return tree === 'fixes' ? next(version) : next(next(version));
}
