// The help text of every subcommand (`kfunc-review [SUBCOMMAND] --help`). The README's option
// tables say the same; test/cli-help.test.ts checks that every option each parser accepts is here.

export const HELP = `Usage: kfunc-review [options] <input>...
       kfunc-review audit <kernel-dir> [options]      (see kfunc-review audit --help)
       kfunc-review model <kfunc> <input> [options]   (see kfunc-review model --help)
       kfunc-review action [--INPUT VALUE]...         (GitHub Action entry; see kfunc-review action --help)
       kfunc-review serve [--port N] [--host H]       (GitHub App webhook server; see kfunc-review serve --help)

Reviews Linux kernel patches that add or change BPF kfuncs.

Inputs: .patch / git format-patch files, .mbox/.eml series (cover letter + patches),
a 'git format-patch -o DIR' directory (one series), other directories of patches,
'-' for stdin. Damaged copies from web archives are recovered.

Options:
  -f, --format FMT     text (default), json, sarif, email
      --terse          text: one line per finding (FILE:LINE: severity: message [RULE])
  -v, --verbose        text: every evidence line and the answers to known disputed claims
      --fail-level L   exit 1 when a finding is at or above L: error (default), warning, info, none
      --tree DIR       kernel checkout the patches apply to: each patch is applied in memory
                       as git apply would (at an offset if need be), on the tree plus the
                       patches before it in the series, and whole files are analysed; with
                       the cache of an earlier 'kfunc-review audit DIR': registrations and
                       callees in other files of the tree too
      --no-cache       do not read the audit cache ($KFUNC_REVIEW_CACHE, else the user cache dir)
      --kernel X.Y     target kernel version (else from --tree, the series, or the code)
  -c, --config FILE    rule levels and dispositions (default: ./.kfunc-review.json if present)
      --from ADDR      email: the From of the replies, "Name <addr>" (default: git's
                       user.name and user.email)
      --email-all      email: reply to patches with nothing to report too
  -o, --output FILE    write the report to FILE (its directory must exist)
  -q, --quiet          no warnings on stderr
  -h, --help           this help
  -V, --version        print the version

Exit codes: 0 no finding at or above --fail-level, 1 some, 2 usage or input errors.
`;

export const AUDIT_HELP = `Usage: kfunc-review audit <kernel-dir> [options]

Reviews every kfunc of a kernel tree as it stands: every .c file (tools/ included), every
__bpf_kfunc definition, kfunc set, BTF_ID_FLAGS entry and register_btf_kfunc_id_set call, with
whole-file context and the callees the kfuncs reach in other files. Kfuncs under
tools/testing/ are selftests: their findings are shown as info (many are broken on purpose).

Options:
  -f, --format FMT      text (default), json, sarif
      --exclude GLOB    leave out files whose path in the tree matches GLOB (repeatable;
                        e.g. 'drivers/**', 'tools/testing/**')
      --no-cache        neither read nor write the cache ($KFUNC_REVIEW_CACHE, else the user cache dir)
  -j, --jobs N          worker threads (default: one per core, at most 8; 1 = no workers)
      --callee-depth N  follow calls N levels into other files (default 2, 0 = off)
      --kernel X.Y      target kernel version (default: the tree's Makefile)
  -c, --config FILE     rule levels and dispositions (default: ./.kfunc-review.json if present)
      --fail-level L    exit 1 when a finding is at or above L: error (default), warning, info, none
  -o, --output FILE     write the report to FILE (its directory must exist)
  -q, --quiet           no progress bar
  -h, --help            this help
`;

export const MODEL_HELP = `Usage: kfunc-review model <kfunc> <input> [options]

Runs one kfunc of a patch (a file, or '-' for stdin) through the executable semantics model and
prints the verdict of every scalar argument and the trace of each probe: which table is read
at which index against which bound, out-of-bounds forks, reachable WARN_ONCEs, sleeping calls.

Options:
      --param P        the argument to probe (default: the first scalar argument)
      --probe VALUE    a value for it, decimal or 0x hex, negative allowed (repeatable; default 0)
      --config NAME    a config profile of the model (repeatable; default: all of them)
      --tree DIR       kernel checkout the patch applies to (whole-file context)
  -h, --help           this help
`;

// ---- GitHub front doors (kept apart from the command-line help above) ----------------------

/** The Action's inputs (action.yml), as `kfunc-review action --name value` also takes them. */
export const ACTION_OPTIONS: readonly { name: string; default?: string; text: string }[] = [
  { name: 'token', default: '${{ github.token }}', text: 'token to read the pull request and post the review and check run' },
  {
    name: 'config',
    default: '.kfunc-review.json',
    text: 'rule levels and dispositions, a path in the checkout (any other path must exist)',
  },
  { name: 'fail-level', default: 'error', text: 'fail the step at or above this severity: none, info, warning, error' },
  {
    name: 'filter-mode',
    default: 'nofilter',
    text: 'which findings are reported: added, diff_context, file, nofilter (reviewdog names; see docs/github.md)',
  },
  { name: 'kernel', text: 'target kernel version X.Y (default: from the checkout, the patch or the code)' },
  { name: 'mode', default: 'both', text: 'where findings go: review (inline comments), check (check run), both' },
  { name: 'max-inline-comments', default: '30', text: 'at most this many inline comments; the rest go into the review summary' },
];

/** `kfunc-review serve --help`: the GitHub App's settings, all from the environment. */
export const SERVE_HELP = `Usage: kfunc-review serve [--port N] [--host H] [--config FILE]

Runs the GitHub App: a webhook server at /api/github/webhooks (GET /healthz answers "ok") that
reviews pull requests on opened, synchronize and reopened, as the App's installation.

Options:
      --port N         port to listen on (default: $PORT, else 3000)
      --host H         address to listen on (default: $HOST, else 0.0.0.0)
      --config FILE    one review config for every repository (default: $KFUNC_REVIEW_CONFIG;
                       without it each review reads the repository's .kfunc-review.json at the
                       pull request's base commit)
  -h, --help           this help

Environment:
  APP_ID                      the App's id (required)
  PRIVATE_KEY                 the App's private key, PEM (PKCS#1 as GitHub issues it, or PKCS#8;
                              literal \\n line breaks are accepted) (required, or:)
  PRIVATE_KEY_PATH            a file holding the private key
  WEBHOOK_SECRET              the App's webhook secret (required)
  GITHUB_API_URL              API base URL (GitHub Enterprise Server)
  KFUNC_REVIEW_MODE           review, check or both (default both)
  KFUNC_REVIEW_FAIL_LEVEL     none, info, warning or error (default error)
  KFUNC_REVIEW_KERNEL         target kernel version X.Y
  KFUNC_REVIEW_CONFIG         as --config
  KFUNC_REVIEW_DEBOUNCE_MS    quiet period per pull request before a review starts (default 2000)

A setting that is missing or unusable (a private key that is not a PEM key, a webhook secret
with white space around it) stops the server at start with a line naming it (exit 2). A review
that fails is retried, then shown on the pull request as a neutral check run that gives the
reason, and logged with the repository and pull request number.
`;

/** One input as an option: `--name VALUE`, then what it does (and its default) wrapped under it. */
function actionOption(o: (typeof ACTION_OPTIONS)[number]): string {
  const about = `${o.text}${o.default && !o.default.startsWith('$') ? ` (default ${o.default})` : ''}`;
  const lines = [`  --${o.name} VALUE`];
  let line = '     ';
  for (const word of about.split(' ')) {
    if (line.length + 1 + word.length > 96) {
      lines.push(line);
      line = '     ';
    }
    line += ` ${word}`;
  }
  return [...lines, line].join('\n');
}

/** `kfunc-review action --help`: the inputs above as options. */
export const ACTION_HELP = `Usage: kfunc-review action [--INPUT VALUE]...

The GitHub Action's entry point (action.yml runs it): reviews the pull request of the event in
GITHUB_EVENT_PATH and posts a review with inline comments, a check run, a job summary and a SARIF
file. It reads the standard GITHUB_* environment; each input comes from INPUT_<NAME> (what
'with:' sets) or from the option of the same name:

${ACTION_OPTIONS.map(actionOption).join('\n')}
  -h, --help
      this help

Setup and the example workflow: docs/github.md.
`;
