// Reads rule fixtures: fixtures/<RULE-ID>/{bad,ok}-*.patch. Expectations live in the commit
// message of the fixture, one per expected finding:
//   Expect: KF-REG-01 bpf_foo kernel/bpf/foo.c:12
//   Expect: none                      (an ok fixture: the rule must stay silent)
//   Kernel: 7.0                       (optional --kernel for the review)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export interface Expectation {
  rule: string;
  kfunc: string;
  file: string;
  line: number;
}
export interface Fixture {
  rule: string;
  name: string;
  path: string;
  kind: 'bad' | 'ok';
  text: string;
  expect: Expectation[];
  none: boolean;
  kernel?: string;
}

export function ruleFixtureDirs(): string[] {
  return readdirSync(FIXTURES)
    .filter((d) => /^KF-[A-Z]+-\d+$/.test(d))
    .sort();
}

export function readFixtures(rule: string): Fixture[] {
  const dir = join(FIXTURES, rule);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^(bad|ok)-.*\.patch$/.test(n))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      const expect: Expectation[] = [];
      let none = false;
      let kernel: string | undefined;
      for (const line of text.split('\n')) {
        if (/^(diff --git|---$)/.test(line)) break;
        const m = /^Expect:\s+(KF-[A-Z]+-\d+)\s+(\S+)\s+(\S+):(\d+)\s*$/.exec(line);
        if (m) expect.push({ rule: m[1], kfunc: m[2], file: m[3], line: Number(m[4]) });
        else if (/^Expect:\s+none\s*$/.test(line)) none = true;
        else if (/^Expect:/.test(line)) throw new Error(`${path}: malformed Expect line: ${line}`);
        const k = /^Kernel:\s+(\S+)/.exec(line);
        if (k) kernel = k[1];
      }
      return { rule, name, path, kind: name.startsWith('bad-') ? 'bad' : 'ok', text, expect, none, kernel };
    });
}

export function key(e: Expectation): string {
  return `${e.rule} ${e.kfunc} ${e.file}:${e.line}`;
}
