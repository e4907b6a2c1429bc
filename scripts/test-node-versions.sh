#!/usr/bin/env bash
# Runs the unit tests under other Node majors (engines: node >= 20), with the binaries that the
# `node` package on the npm registry provides (it ships the official linux/darwin builds).
#
#   scripts/test-node-versions.sh [major ...]        default: 22 24
#
# LOGSPEC_NODE_PROJECTS  vitest projects to run, space-separated (default: core, detect and the codec
#                        packages; "all" runs every project, the browser test included)
# LOGSPEC_NODE_CACHE     where the binaries are installed (default: $TMPDIR/logspec-node); an
#                        installed major is reused, so a second run costs no download
# Extra vitest arguments go after `--`:  scripts/test-node-versions.sh 22 -- --reporter dot
set -euo pipefail
cd "$(dirname "$0")/.."

majors=()
vitest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; vitest_args=("$@"); break ;;
    *[!0-9]* | '') echo "test-node-versions: '$1' is not a Node major version (e.g. 22)" >&2; exit 2 ;;
    *) majors+=("$1"); shift ;;
  esac
done
[ ${#majors[@]} -gt 0 ] || majors=(22 24)

projects=${LOGSPEC_NODE_PROJECTS:-core ring-log frame wal segment-index session-store detect}
project_args=()
if [ "$projects" != all ]; then
  for p in $projects; do project_args+=(--project "$p"); done
fi

cache=${LOGSPEC_NODE_CACHE:-${TMPDIR:-/tmp}/logspec-node}
bash scripts/bootstrap.sh

# Prints the bin directory of Node <major>, installing `node@<major>` from the registry if needed.
node_bin_dir() {
  local major=$1 prefix="$cache/$1"
  local bin="$prefix/node_modules/node/bin"
  if ! "$bin/node" --version 2>/dev/null | grep -q "^v$major\."; then
    echo "::: installing node@$major into $prefix" >&2
    rm -rf "$prefix"
    mkdir -p "$prefix"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$prefix" "node@$major" >&2
  fi
  local version
  version=$("$bin/node" --version)
  case "$version" in
    "v$major".*) ;;
    *) echo "test-node-versions: node@$major installed $version" >&2; exit 1 ;;
  esac
  echo "$bin"
}

status=0
for major in "${majors[@]}"; do
  bin=$(node_bin_dir "$major")
  echo "::: Node $("$bin/node" --version): vitest ${project_args[*]:-(every project)}"
  start=$SECONDS
  # PATH first, so that every `node` the tests spawn (adapters, CLIs, tsx) is this version too.
  if PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run "${project_args[@]}" "${vitest_args[@]}"; then
    echo "::: Node $major passed in $((SECONDS - start)) s"
  else
    echo "::: Node $major FAILED (after $((SECONDS - start)) s)" >&2
    status=1
  fi
done
exit $status
