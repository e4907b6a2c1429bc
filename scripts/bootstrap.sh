#!/usr/bin/env bash
# Makes a fresh machine (Node >= 20 and npm only) ready: installs the pinned pnpm with npm
# (corepack's signature check fails against the registry these machines reach), then the
# workspace's dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
have=$(pnpm --version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "bootstrap: installing pnpm@$want with npm" >&2
  npm i -g "pnpm@$want" --no-audit --no-fund >&2
fi
pnpm install --frozen-lockfile --prefer-offline >&2
