#!/usr/bin/env bash
# The README's test command (`npm test`) and CI's: one script, so they cannot drift.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/ensure-chromium.sh
exec pnpm exec vitest run "$@"
