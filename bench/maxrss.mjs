// Preloaded with `node --import bench/maxrss.mjs` when /usr/bin/time is missing: writes the
// process's peak RSS (KiB, worker threads included) to $KFR_BENCH_MAXRSS at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.KFR_BENCH_MAXRSS;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
