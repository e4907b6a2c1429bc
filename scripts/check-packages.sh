#!/usr/bin/env bash
# Builds every publishable package, packs it as it would be published (publishConfig applies),
# and runs publint and @arethetypeswrong/cli on the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm exec turbo run build --output-logs=errors-only
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for dir in packages/*/; do
  name=$(node -p "require('./${dir}package.json').name")
  (cd "$dir" && pnpm pack --pack-destination "$out" >/dev/null)
  tgz=$(ls -t "$out"/*.tgz | head -1)
  echo "check: $name ($(basename "$tgz"))"
  pnpm exec publint run "$tgz" --strict
  pnpm exec attw "$tgz" --profile esm-only --format ascii
  rm -f "$tgz"
done
