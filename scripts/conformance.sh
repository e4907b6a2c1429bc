#!/usr/bin/env bash
# The README's main job (`npm run conformance`): the conformance suite against the built-in
# implementation, in-process and through the adapter protocol. Extra arguments go to the runner
# (e.g. -- --adapter "python3 my_adapter.py" --formats ring).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --import tsx conformance/src/cli/main.ts "$@"
