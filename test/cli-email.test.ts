// `--format email`: an mbox that git send-email or a mail client sends as it is. Read back with a
// mail parser (mailparser): one reply per patch with findings, threaded under the patch
// (In-Reply-To, References), to its author with its To and Cc copied, From from --from or git's
// identity; each quoted line once, a short paragraph of prose per finding, then its evidence.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { spindleSeries, type SpindleSeries } from './support/spindle-series.js';
import { encodeWords, foldHeader, mailboxText, parseMailbox } from '../src/report/email.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SERIES = 'examples/memcg-kfuncs-v2.mbox';

/** Runs the CLI with a git identity of our own (a HOME whose .gitconfig we write), or none. */
function run(args: string[], identity: string | null = null) {
  const home = mkdtempSync(join(tmpdir(), 'kfr-home-'));
  if (identity) writeFileSync(join(home, '.gitconfig'), identity);
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, '.gitconfig') },
  });
}

/** Splits an mbox at its `From ` separator lines and parses each message. */
async function readMbox(text: string): Promise<ParsedMail[]> {
  const messages = text.split(/^From \S+ .*\d{4}\n/m).filter((m) => m.trim());
  expect(text.match(/^From \S+ .*\d{4}$/gm)?.length).toBe(messages.length);
  return Promise.all(messages.map((m) => simpleParser(m)));
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('build first: npm run build (npm test does)');
});

describe('email mbox', () => {
  let s: SpindleSeries;
  beforeAll(() => {
    s = spindleSeries();
  });

  it('threads one reply per patch with findings under the patch, to its author, copying its To and Cc', async () => {
    const r = run(['--format', 'email', '--from', 'Rita Reviewer <rita@example.org>', s.dir]);
    expect(r.status).toBe(1);
    const mails = await readMbox(r.stdout);
    // Patches 1 and 2 have findings; 3 (kernel-doc only) has none and gets no reply.
    expect(mails.map((m) => m.subject)).toEqual([
      'Re: [PATCH 1/3] bpf: spindle: add a tooth reader kfunc',
      'Re: [PATCH 2/3] bpf: spindle: add a total wear kfunc',
    ]);
    const patchIds = [1, 2].map(
      (n) => /^Message-ID: (<[^>]+>)$/im.exec(spawnSync('cat', [join(s.dir, s.files[n]!)], { encoding: 'utf8' }).stdout)![1]!,
    );
    const coverId = /^Message-ID: (<[^>]+>)$/im.exec(spawnSync('cat', [join(s.dir, s.files[0]!)], { encoding: 'utf8' }).stdout)![1]!;
    mails.forEach((m, i) => {
      expect(m.inReplyTo).toBe(patchIds[i]);
      // The patch's own References (the cover letter) and then the patch.
      expect(m.references).toEqual([coverId, patchIds[i]]);
      expect(addresses(m.from)).toEqual(['rita@example.org']);
      expect(addresses(m.to)).toEqual(['author@example.org']);
      expect(addresses(m.cc)).toEqual(['bpf@example.org', 'reviewer@example.org']);
      expect(m.text).toMatch(/^> \+/m);
    });
    // --email-all answers the clean patch too.
    const all = await readMbox(run(['--format', 'email', '--email-all', '--from', 'rita@example.org', s.dir]).stdout);
    expect(all.map((m) => m.subject)).toHaveLength(3);
    expect(all[2]!.text).toMatch(/found nothing to report/);
  });

  it("takes From from git's user.name and user.email without --from", async () => {
    const r = run(['--format', 'email', SERIES], '[user]\n\tname = Gita Gitconfig\n\temail = gita@example.org\n');
    const mails = await readMbox(r.stdout);
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails)
      expect((m.from as AddressObject).value[0]).toMatchObject({ name: 'Gita Gitconfig', address: 'gita@example.org' });
    // Neither: no From header (git send-email adds the sender), and a warning says so.
    const none = run(['--format', 'email', SERIES]);
    expect(none.stderr).toMatch(/no --from and no git user\.email/);
    expect((await readMbox(none.stdout))[0]!.from).toBeUndefined();
  });

  it('refuses a --from that is not an address, naming it', () => {
    const r = run(['--format', 'email', '--from', 'Rita <rita at example>', SERIES]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^kfunc-review: --from "Rita <rita at example>": not a mail address/);
  });

  it('quotes each line once, and writes each finding as short prose with its evidence after it', async () => {
    const mails = await readMbox(run(['--format', 'email', '--from', 'r@example.org', SERIES]).stdout);
    const body = mails.find((m) => m.subject?.includes('2/3'))!.text!;
    // Lines of code (not braces or blank lines, which two functions share) are quoted once.
    const quoted = body.split('\n').filter((l) => l.startsWith('> ') && /\w/.test(l) && l !== '> [ ... ]');
    expect(quoted.length).toBeGreaterThan(4);
    expect(new Set(quoted).size).toBe(quoted.length);
    // Two findings on the same line of bpf_memcg_event_count: one quote, both findings below it.
    expect(body.match(/^> \+\treturn memcg_events\(memcg, item\);$/gm)).toHaveLength(1);
    const paragraphs = body.split('\n\n');
    for (const rule of ['KF-IDX-02', 'KF-RET-01']) {
      const prose = paragraphs.find((p) => p.endsWith(`[${rule}]`))!;
      expect(prose, rule).toBeDefined();
      expect(prose.split('\n').length).toBeLessThanOrEqual(8);
      // The evidence comes after the prose, indented.
      const next = paragraphs[paragraphs.indexOf(prose) + 1]!;
      expect(next).toMatch(/^ {2}\S/);
    }
    for (const line of body.split('\n')) if (!line.startsWith('>')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('keeps every header on its own lines: no CR/LF from the input, non-ASCII encoded, long ones folded', async () => {
    expect(encodeWords('plain')).toBe('plain');
    expect(encodeWords('Jörg Ünïcode')).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(mailboxText({ name: 'Doe, Jane', address: 'jane@example.org' })).toBe('"Doe, Jane" <jane@example.org>');
    expect(mailboxText({ name: 'X', address: 'x@example.org\r\nBcc: victim@example.org' })).toBeNull();
    expect(parseMailbox('Rita <rita@example.org>')).toEqual({ name: 'Rita', address: 'rita@example.org' });
    expect(parseMailbox('not an address')).toBeNull();
    const folded = foldHeader('Cc', Array.from({ length: 8 }, (_, i) => `Person Number${i} <p${i}@example.org>`).join(', '));
    expect(folded.split('\n').every((l) => l.length <= 78)).toBe(true);
    expect(
      folded
        .split('\n')
        .slice(1)
        .every((l) => l.startsWith(' ')),
    ).toBe(true);
    // A name outside ASCII, read back by a mail parser.
    const mbox = run(['--format', 'email', '--from', 'Jörg Prüfer <joerg@example.org>', SERIES]).stdout;
    expect(mbox.split('\n\n')[0]).not.toMatch(/[^\x20-\x7e\n\t]/);
    const [m] = await readMbox(mbox);
    expect((m!.from as AddressObject).value[0]).toMatchObject({ name: 'Jörg Prüfer', address: 'joerg@example.org' });
  });
});
