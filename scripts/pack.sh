#!/usr/bin/env bash
# Builds every publishable package and packs it with plain `npm pack` into <dir> (default
# ./release): the tarballs a release ships. Their package.json is the published manifest
# (see scripts/pack-manifest.mjs), so `npm install ./logspec-*.tgz` works in any project.
#
#   bash scripts/pack.sh [dir]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-release}" && cd "${1:-release}" && pwd)
pnpm exec turbo run build --output-logs=errors-only >&2
for dir in packages/*/; do
  # Without the manifest step a tarball keeps `workspace:` ranges and src/ exports: refuse it.
  if ! grep -q '"prepack": "node ../../scripts/pack-manifest.mjs prepack"' "$dir/package.json"; then
    echo "pack: $dir/package.json has no prepack step (scripts/pack-manifest.mjs)" >&2
    exit 1
  fi
  (cd "$dir" && npm pack --silent --pack-destination "$out" >/dev/null)
done
ls "$out"/*.tgz
