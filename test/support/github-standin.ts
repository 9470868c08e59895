// A local stand-in for the parts of the GitHub REST API kfunc-review uses, served over real
// HTTP on 127.0.0.1 so tests exercise real Octokit (plugins, pagination, retries). It is
// deliberately strict where GitHub is: review comments must sit on a diff line of their side,
// pages hold at most 100 items with Link headers, check runs take at most 50 annotations per
// request, installation tokens need a valid app JWT. Every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface StandinFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed';
  patch: string;
  previous_filename?: string;
}

export interface StandinPull {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  files: StandinFile[];
  state?: 'open' | 'closed';
  /** Extra commits GitHub would accept as a review's commit_id (earlier heads). */
  commits?: string[];
  /**
   * The PR's commits in order (GET pulls/{n}/commits, GET commits/{sha} as a diff). Without it
   * the PR has one commit: the head, on top of the base.
   */
  series?: StandinCommit[];
}

export interface StandinCommit {
  sha: string;
  parent: string;
  message: string;
  /** The commit's diff against its parent, as `git diff` prints it. */
  diff: string;
}

export interface User {
  login: string;
  type: 'Bot' | 'User';
}

export interface StoredComment {
  id: number;
  pull: string;
  pull_request_review_id: number | null;
  path: string;
  line: number | null;
  original_line: number;
  side: 'LEFT' | 'RIGHT';
  start_line: number | null;
  start_side: 'LEFT' | 'RIGHT' | null;
  body: string;
  commit_id: string;
  user: User;
  in_reply_to_id?: number;
}

export interface StoredReview {
  id: number;
  pull: string;
  body: string;
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'PENDING';
  commit_id: string;
  user: User;
}

export interface StoredCheckRun {
  id: number;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  annotations: Record<string, unknown>[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  accept: string;
  /** Authorization scheme only ("token", "bearer"); the secret is not kept. */
  authScheme: string | null;
  status: number;
}

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  headers: Record<string, string>;
  message: string;
  times: number;
}

class HttpFail extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const BOT: User = { login: 'github-actions[bot]', type: 'Bot' };

interface Lines {
  right: Map<number, number>;
  left: Map<number, number>;
}

/** Independent of src/github/diff-lines.ts on purpose: a shared bug would hide in both. */
function commentableLines(patch: string): Lines {
  const right = new Map<number, number>();
  const left = new Map<number, number>();
  let o = 0;
  let n = 0;
  let hunk = 0;
  for (const l of patch.split('\n')) {
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (m) {
      o = Number(m[1]);
      n = Number(m[2]);
      hunk++;
      continue;
    }
    if (hunk === 0) continue;
    if (l.startsWith('+')) right.set(n++, hunk);
    else if (l.startsWith('-')) left.set(o++, hunk);
    else if (l.startsWith(' ')) {
      right.set(n++, hunk);
      left.set(o++, hunk);
    }
  }
  return { right, left };
}

export class GitHubStandin {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly pulls = new Map<string, StandinPull>();
  readonly comments: StoredComment[] = [];
  readonly reviews: StoredReview[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  /** token → identity. */
  readonly tokens = new Map<string, User>([['test-token', BOT]]);
  /** Endpoint families that answer 403 like a read-only token. */
  readonly forbid = new Set<'reviews' | 'checks' | 'comments'>();
  /** Makes GET pull (diff media type) answer 406 "too large", as GitHub does for huge PRs. */
  diffTooLarge = false;
  /** Repository files served by the contents API, by `owner/repo@ref:path` (putFile). */
  readonly files = new Map<string, string>();
  app?: { id: string; publicKey: KeyObject; installations: Set<number> };
  private faults: Fault[] = [];
  private server?: Server;
  private nextId = 1000;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  addPull(p: StandinPull): StandinPull {
    this.pulls.set(`${p.owner}/${p.repo}#${p.number}`, { state: 'open', ...p });
    return p;
  }

  /** A new push: comments whose line left the diff become outdated (line null), as on GitHub. */
  pushHead(key: string, headSha: string, files: StandinFile[]): void {
    const p = this.pulls.get(key)!;
    p.commits = [...(p.commits ?? []), p.headSha];
    p.headSha = headSha;
    p.files = files;
    for (const c of this.comments.filter((c) => c.pull === key && c.line !== null)) {
      const f = files.find((f) => f.filename === c.path);
      const lines = f ? commentableLines(f.patch) : null;
      if (!lines || !(c.side === 'RIGHT' ? lines.right : lines.left).has(c.line!)) c.line = null;
    }
  }

  /** A file of `owner/repo` at commit (or branch) `ref`, for GET /repos/{o}/{r}/contents/{path}?ref=. */
  putFile(repo: string, ref: string, path: string, text: string): void {
    this.files.set(`${repo}@${ref}:${path}`, text);
  }

  enableApp(appId: string, publicKeyPem: string, installationId: number): void {
    this.app = { id: appId, publicKey: createPublicKey(publicKeyPem), installations: new Set([installationId]) };
  }

  /** The next `times` matching requests fail with `status` before reaching the handler. */
  fail(
    method: string,
    path: RegExp,
    status: number,
    opts: { headers?: Record<string, string>; message?: string; times?: number } = {},
  ): void {
    this.faults.push({
      method,
      path,
      status,
      headers: opts.headers ?? {},
      message: opts.message ?? `stand-in fault ${status}`,
      times: opts.times ?? 1,
    });
  }

  reply(toId: number, body: string, user: User = { login: 'alice', type: 'User' }): StoredComment {
    const parent = this.comments.find((c) => c.id === toId)!;
    const c: StoredComment = { ...parent, id: this.nextId++, body, user, in_reply_to_id: toId, pull_request_review_id: null };
    this.comments.push(c);
    return c;
  }

  commentsOf(key: string): StoredComment[] {
    return this.comments.filter((c) => c.pull === key);
  }

  reviewsOf(key: string): StoredReview[] {
    return this.reviews.filter((r) => r.pull === key);
  }

  diffText(p: StandinPull): string {
    return p.files
      .map((f) => {
        const oldName = f.previous_filename ?? f.filename;
        const a = f.status === 'added' ? '/dev/null' : `a/${oldName}`;
        const b = f.status === 'removed' ? '/dev/null' : `b/${f.filename}`;
        return `diff --git a/${oldName} b/${f.filename}\nindex 1111111..2222222 100644\n--- ${a}\n+++ ${b}\n${f.patch.endsWith('\n') ? f.patch : `${f.patch}\n`}`;
      })
      .join('');
  }

  // ---- HTTP plumbing -------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const auth = req.headers.authorization ?? null;
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      accept: String(req.headers.accept ?? ''),
      authScheme: auth ? (auth.split(' ')[0] ?? '').toLowerCase() : null,
      status: 0,
    };
    this.requests.push(rec);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      const text = typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data);
      const type = typeof data === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      res.writeHead(status, { 'content-type': type, 'x-ratelimit-remaining': '4999', ...headers });
      res.end(status === 204 ? undefined : text);
    };
    try {
      const fault = this.faults.find((f) => f.method === method && f.path.test(url.pathname) && f.times > 0);
      if (fault) {
        fault.times--;
        throw new HttpFail(fault.status, fault.message, fault.headers);
      }
      const user = this.authenticate(url.pathname, auth);
      const [status, data, headers] = this.route(method, url, body, user, rec.accept, auth);
      send(status, data, headers);
    } catch (err) {
      if (err instanceof HttpFail)
        send(err.status, { message: err.message, documentation_url: 'https://docs.github.com/rest' }, err.headers);
      else send(500, { message: String(err) });
    }
  }

  private authenticate(path: string, auth: string | null): User | null {
    if (path.startsWith('/app/')) return null; // app routes check the JWT themselves
    const m = /^(?:token|bearer) (.+)$/i.exec(auth ?? '');
    const user = m ? this.tokens.get(m[1] as string) : undefined;
    if (!user) throw new HttpFail(401, 'Bad credentials');
    return user;
  }

  private page<T>(url: URL, items: T[]): [number, T[], Record<string, string>] {
    const per = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / per));
    const link = (p: number, rel: string) => {
      const u = new URL(url.toString());
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(per));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    return [200, items.slice((page - 1) * per, page * per), links.length ? { link: links.join(', ') } : {}];
  }

  private route(
    method: string,
    url: URL,
    body: unknown,
    user: User | null,
    accept: string,
    auth: string | null,
  ): [number, unknown, Record<string, string>?] {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if ((m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(p)) && method === 'POST')
      return this.installationToken(Number(m[1]), auth);
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(p)) && method === 'GET') return this.getPull(this.pull(m), accept);
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/.exec(p)) && method === 'GET') {
      return this.page(
        url,
        this.pull(m).files.map((f, i) => ({ sha: `f${i}`, additions: 0, deletions: 0, changes: 0, ...f })),
      );
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/commits$/.exec(p)) && method === 'GET') {
      const pull = this.pull(m);
      const series = pull.series ?? [{ sha: pull.headSha, parent: pull.baseSha, message: 'The head commit', diff: this.diffText(pull) }];
      return this.page(
        url,
        series.map((c) => ({
          sha: c.sha,
          parents: [{ sha: c.parent }],
          commit: { message: c.message, author: { name: 'A U Thor', email: 'author@example.invalid', date: '2025-03-01T10:00:00Z' } },
        })),
      );
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})$/.exec(p)) && method === 'GET') {
      const sha = m[3]!;
      const repo = `${m[1]}/${m[2]}`;
      const c = [...this.pulls.values()]
        .filter((x) => `${x.owner}/${x.repo}` === repo)
        .flatMap((x) => x.series ?? [])
        .find((x) => x.sha === sha);
      if (!c) throw new HttpFail(404, 'No commit found for SHA');
      if (!accept.includes('diff')) throw new HttpFail(415, 'stand-in serves commits as diffs only');
      return [200, c.diff];
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/comments$/.exec(p)) && method === 'GET') {
      const key = this.key(m); // reading is allowed even for a read-only token
      return this.page(
        url,
        this.commentsOf(key).map((c) => this.publicComment(c)),
      );
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/.exec(p))) {
      const pull = this.pull(m);
      if (method === 'GET')
        return this.page(
          url,
          this.reviewsOf(this.key(m)).filter((r) => r.state !== 'PENDING' || r.user.login === user?.login),
        );
      if (method === 'POST') return this.createReview(pull, this.key(m), body as Record<string, unknown>, user!);
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews\/(\d+)$/.exec(p)) && method === 'DELETE') {
      this.guard('reviews');
      const i = this.reviews.findIndex((r) => r.id === Number(m![4]));
      const r = this.reviews[i];
      if (!r) throw new HttpFail(404, 'Not Found');
      if (r.state !== 'PENDING') throw new HttpFail(422, 'Can not delete a non-pending review');
      this.reviews.splice(i, 1);
      for (let j = this.comments.length - 1; j >= 0; j--) if (this.comments[j]!.pull_request_review_id === r.id) this.comments.splice(j, 1);
      return [200, r];
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/comments\/(\d+)$/.exec(p))) {
      this.guard('comments');
      const c = this.comments.find((c) => c.id === Number(m![3]));
      if (!c) throw new HttpFail(404, 'Not Found');
      if (c.user.login !== user?.login) throw new HttpFail(403, 'Must be the author of the comment');
      if (method === 'PATCH') {
        const b = body as { body?: string };
        if (typeof b?.body !== 'string') throw new HttpFail(422, 'body is required');
        c.body = b.body;
        return [200, this.publicComment(c)];
      }
      if (method === 'DELETE') {
        this.comments.splice(this.comments.indexOf(c), 1);
        return [204, undefined];
      }
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(p)) && method === 'GET') {
      return this.getContent(`${m[1]}/${m[2]}`, decodeURIComponent(m[3]!), url.searchParams.get('ref') ?? 'main', accept);
    }
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(p)) && method === 'POST')
      return this.createCheck(`${m[1]}/${m[2]}`, body as Record<string, unknown>);
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(p)) && method === 'PATCH') {
      this.guard('checks');
      const run = this.checkRuns.find((r) => r.id === Number(m![3]));
      if (!run) throw new HttpFail(404, 'Not Found');
      const b = body as { output?: { title?: string; summary?: string; annotations?: Record<string, unknown>[] } };
      if (b.output) {
        if (!b.output.title || !b.output.summary) throw new HttpFail(422, 'output.title and output.summary are required');
        this.checkAnnotations(b.output.annotations);
        run.annotations.push(...(b.output.annotations ?? []));
      }
      return [200, run];
    }
    throw new HttpFail(404, `Not Found: ${method} ${p}`);
  }

  private guard(family: 'reviews' | 'checks' | 'comments'): void {
    if (this.forbid.has(family)) throw new HttpFail(403, 'Resource not accessible by integration');
  }

  private key(m: RegExpExecArray): string {
    return `${m[1]}/${m[2]}#${m[3]}`;
  }

  private pull(m: RegExpExecArray): StandinPull {
    const p = this.pulls.get(this.key(m));
    if (!p) throw new HttpFail(404, 'Not Found');
    return p;
  }

  private getPull(p: StandinPull, accept: string): [number, unknown, Record<string, string>?] {
    if (accept.includes('diff')) {
      if (this.diffTooLarge) throw new HttpFail(406, 'Sorry, the diff exceeded the maximum number of files (300).');
      return [200, this.diffText(p)];
    }
    const full = `${p.owner}/${p.repo}`;
    return [
      200,
      {
        number: p.number,
        state: p.state,
        head: { sha: p.headSha, repo: { full_name: full } },
        base: { sha: p.baseSha, repo: { full_name: full } },
      },
    ];
  }

  /**
   * GET contents as GitHub documents it: a file is an object with `content` in base64 (wrapped
   * at 60 columns, as GitHub sends it) and `encoding: "base64"`, or `encoding: "none"` with empty
   * content over 1 MB; a directory is an array of entries; anything else is 404.
   */
  private getContent(repo: string, path: string, ref: string, accept: string): [number, unknown] {
    const text = this.files.get(`${repo}@${ref}:${path}`);
    const api = `${this.url}/repos/${repo}/contents/${path}?ref=${ref}`;
    const entry = (name: string, type: 'file' | 'dir', body: string) => {
      const sha = createHash('sha1')
        .update(`blob ${Buffer.byteLength(body)}\0${body}`)
        .digest('hex');
      return {
        type,
        name: name.split('/').at(-1),
        path: name,
        sha,
        size: type === 'file' ? Buffer.byteLength(body) : 0,
        url: api,
        git_url: null,
        html_url: null,
        download_url: null,
        _links: { self: api, git: null, html: null },
      };
    };
    if (text === undefined) {
      const prefix = `${repo}@${ref}:${path}/`;
      const children = [...this.files.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]!);
      if (children.length === 0) throw new HttpFail(404, 'Not Found');
      return [
        200,
        [...new Set(children)].map((c) =>
          entry(`${path}/${c}`, this.files.has(`${prefix}${c}`) ? 'file' : 'dir', this.files.get(`${prefix}${c}`) ?? ''),
        ),
      ];
    }
    if (accept.includes('raw')) return [200, text];
    const bytes = Buffer.from(text, 'utf8');
    const tooLarge = bytes.length > 1024 * 1024;
    const content = tooLarge ? '' : (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';
    return [200, { ...entry(path, 'file', text), encoding: tooLarge ? 'none' : 'base64', content }];
  }

  private publicComment(c: StoredComment) {
    const { pull: _pull, ...rest } = c;
    return rest;
  }

  private createReview(pull: StandinPull, key: string, b: Record<string, unknown>, user: User): [number, unknown] {
    this.guard('reviews');
    const event = b.event as string | undefined;
    if (event !== undefined && !['COMMENT', 'APPROVE', 'REQUEST_CHANGES'].includes(event)) throw new HttpFail(422, 'Invalid event');
    const commit = (b.commit_id as string | undefined) ?? pull.headSha;
    if (commit !== pull.headSha && !(pull.commits ?? []).includes(commit))
      throw new HttpFail(422, 'commit_id is not part of the pull request');
    if (event === undefined && this.reviews.some((r) => r.pull === key && r.state === 'PENDING' && r.user.login === user.login)) {
      throw new HttpFail(422, 'User can only have one pending review per pull request');
    }
    if ((event === 'COMMENT' || event === 'REQUEST_CHANGES') && !b.body && !(b.comments as unknown[] | undefined)?.length) {
      throw new HttpFail(422, 'Review body is required for COMMENT');
    }
    const comments = (b.comments as Record<string, unknown>[] | undefined) ?? [];
    for (const c of comments) {
      if ('position' in c) throw new HttpFail(422, 'stand-in: position is deprecated, use line/side');
      const file = pull.files.find((f) => f.filename === c.path);
      if (!file) throw new HttpFail(422, 'Path could not be resolved');
      const side = (c.side as string | undefined) ?? 'RIGHT';
      const lines = commentableLines(file.patch);
      const set = side === 'LEFT' ? lines.left : lines.right;
      const line = c.line as number;
      if (typeof line !== 'number' || !set.has(line)) throw new HttpFail(422, 'Line could not be resolved');
      if (c.start_line !== undefined) {
        const start = c.start_line as number;
        const startSet = (c.start_side ?? side) === 'LEFT' ? lines.left : lines.right;
        if (!(start < line) || !startSet.has(start) || startSet.get(start) !== set.get(line))
          throw new HttpFail(422, 'start_line must precede line in the same hunk');
      }
      if (typeof c.body !== 'string' || !c.body) throw new HttpFail(422, 'Comment body is required');
    }
    const review: StoredReview = {
      id: this.nextId++,
      pull: key,
      body: (b.body as string | undefined) ?? '',
      state:
        event === undefined
          ? 'PENDING'
          : event === 'APPROVE'
            ? 'APPROVED'
            : event === 'REQUEST_CHANGES'
              ? 'CHANGES_REQUESTED'
              : 'COMMENTED',
      commit_id: commit,
      user,
    };
    this.reviews.push(review);
    for (const c of comments) {
      this.comments.push({
        id: this.nextId++,
        pull: key,
        pull_request_review_id: review.id,
        path: c.path as string,
        line: c.line as number,
        original_line: c.line as number,
        side: ((c.side as string | undefined) ?? 'RIGHT') as 'LEFT' | 'RIGHT',
        start_line: (c.start_line as number | undefined) ?? null,
        start_side: (c.start_side as 'LEFT' | 'RIGHT' | undefined) ?? null,
        body: c.body as string,
        commit_id: commit,
        user,
      });
    }
    return [200, { id: review.id, state: review.state, body: review.body, commit_id: commit, user }];
  }

  private checkAnnotations(list: Record<string, unknown>[] | undefined): void {
    if (!list) return;
    if (list.length > 50) throw new HttpFail(422, 'Only 50 annotations are allowed per request');
    for (const a of list) {
      for (const k of ['path', 'start_line', 'end_line', 'annotation_level', 'message']) {
        if (a[k] === undefined) throw new HttpFail(422, `annotation.${k} is required`);
      }
      if (!['notice', 'warning', 'failure'].includes(a.annotation_level as string)) throw new HttpFail(422, 'Invalid annotation_level');
    }
  }

  private createCheck(repo: string, b: Record<string, unknown>): [number, unknown] {
    this.guard('checks');
    if (!b.name || !b.head_sha) throw new HttpFail(422, 'name and head_sha are required');
    const output = (b.output as StoredCheckRun['output'] & { annotations?: Record<string, unknown>[] }) ?? {};
    if (b.output && (!output.title || !output.summary)) throw new HttpFail(422, 'output.title and output.summary are required');
    this.checkAnnotations(output.annotations);
    if (b.status === 'completed' && !b.conclusion) throw new HttpFail(422, 'conclusion is required when completed');
    const run: StoredCheckRun = {
      id: this.nextId++,
      repo,
      name: b.name as string,
      head_sha: b.head_sha as string,
      status: (b.status as string) ?? 'queued',
      conclusion: (b.conclusion as string) ?? null,
      output: { title: output.title, summary: output.summary, text: output.text },
      annotations: [...(output.annotations ?? [])],
    };
    this.checkRuns.push(run);
    return [201, run];
  }

  /** Installation tokens minted so far (tests assert the exchange happened). */
  readonly issuedTokens: string[] = [];

  private installationToken(installationId: number, auth: string | null): [number, unknown] {
    const m = /^bearer (.+)$/i.exec(auth ?? '');
    if (!m) throw new HttpFail(401, 'A JSON web token could not be decoded');
    this.verifyAppJwt(m[1] as string);
    if (!this.app!.installations.has(installationId)) throw new HttpFail(404, 'Not Found');
    const token = `ghs_standin${this.issuedTokens.length + 1}`;
    this.issuedTokens.push(token);
    this.tokens.set(token, { login: 'kfunc-review[bot]', type: 'Bot' });
    const expires = new Date(Date.now() + 3600_000).toISOString();
    return [
      201,
      {
        token,
        expires_at: expires,
        permissions: { pull_requests: 'write', checks: 'write', contents: 'read' },
        repository_selection: 'all',
      },
    ];
  }

  /** Verifies an RS256 app JWT the way GitHub does (signature, iss, exp); returns the app id. */
  verifyAppJwt(jwt: string): string {
    if (!this.app) throw new HttpFail(401, 'No app configured');
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s) throw new HttpFail(401, 'A JSON web token could not be decoded');
    const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), this.app.publicKey, Buffer.from(s, 'base64url'));
    if (!ok) throw new HttpFail(401, "'Issuer' claim ('iss') must be an Integer");
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number; iat?: number };
    if (String(claims.iss) !== this.app.id) throw new HttpFail(401, 'Integration not found');
    const now = Math.floor(Date.now() / 1000);
    if (!claims.exp || claims.exp < now || claims.exp - (claims.iat ?? now) > 600)
      throw new HttpFail(401, 'Expiration time claim (exp) is invalid');
    return this.app.id;
  }
}
