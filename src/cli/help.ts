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
