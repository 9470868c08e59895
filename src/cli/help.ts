// `kfunc-review --help` text.
export const HELP = `Usage: kfunc-review [options] <input>...
       kfunc-review model <kfunc> <input> [--probe VALUE] [--config NAME]
       kfunc-review audit <kernel-dir> [--format text|json|sarif] [--no-cache]
       kfunc-review action            (GitHub Action entry; reads GITHUB_* environment)
       kfunc-review serve             (GitHub App webhook server)

Reviews Linux kernel patches that add or change BPF kfuncs.

Inputs: .patch / git format-patch files, .mbox/.eml series (cover letter + patches),
directories of them, '-' for stdin. Damaged copies from web archives are recovered.

Options:
  -f, --format FMT     text (default), json, sarif, email
      --fail-level L   exit 1 when a finding is at or above L: error (default), warning, info, none
      --tree DIR       kernel checkout the patch applies to (whole-file context; with the cache
                       of an earlier 'kfunc-review audit DIR': registrations and callees in
                       other files of the tree too)
      --no-cache       do not read the audit cache ($KFUNC_REVIEW_CACHE, else the user cache dir)
      --kernel X.Y     target kernel version (else from --tree, the series, or the code)
  -c, --config FILE    rule levels and dispositions (default: ./.kfunc-review.json if present)
  -o, --output FILE    write the report to FILE
  -q, --quiet          no warnings on stderr
  -h, --help           this help
  -V, --version        print the version

Exit codes: 0 no finding at or above --fail-level, 1 some, 2 usage or input errors.
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
