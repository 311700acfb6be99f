#!/usr/bin/env bash
# composemod as the script of `multi-gitter run`.
#
# multi-gitter clones each repository, switches to the feature branch, runs this script in the
# clone with REPOSITORY=<owner>/<name> set, and then commits, pushes and opens a pull request if
# the work tree changed. composemod only changes the files: it never commits or pushes here.
#
#   multi-gitter run "$PWD/examples/multi-gitter/run.sh" -O my-org \
#     -B composemod/fix -m "composemod fix: compose fixes" --dry-run
#
# Settings (environment):
#   COMPOSEMOD          the command to run composemod (default: composemod)
#   COMPOSEMOD_RUN      extract or fix (default: fix)
#   COMPOSEMOD_REPORTS  directory for one JSONL report per repository (default: $TMPDIR/composemod-reports)
# Arguments given to this script are passed on (e.g. --only add-volumes,secrets).
#
# Exit status: 0 when composemod finished (whether or not it changed files: multi-gitter looks
# at the work tree), non-zero when the repository has an error (invalid YAML, a crash...):
# multi-gitter then reports that repository as failed and opens no pull request for it.
set -euo pipefail

: "${REPOSITORY:?multi-gitter sets REPOSITORY (owner/name)}"
composemod_cmd=${COMPOSEMOD:-composemod}
run=${COMPOSEMOD_RUN:-fix}
reports=${COMPOSEMOD_REPORTS:-${TMPDIR:-/tmp}/composemod-reports}
mkdir -p "$reports"

# `batch .` on a clone: this one repository, every compose project in it at any depth.
# Secret values a fix moves out of compose files land in gitignored files, so multi-gitter's
# commit does not pick them up.
# shellcheck disable=SC2086 # COMPOSEMOD may be a command with arguments (e.g. "npx composemod")
exec $composemod_cmd batch . --run "$run" --jobs 1 --report "$reports/${REPOSITORY//\//__}.jsonl" "$@"
