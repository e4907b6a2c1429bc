#!/usr/bin/env bash
# The browser test needs a Chromium binary (never a downloaded one). On these Debian machines,
# where we are root, install Debian's package when it is missing; elsewhere say what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${LOGSPEC_CHROMIUM:-}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium for the browser test" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
else
  echo "ensure-chromium: no chromium on PATH; the browser test will fail. Install Chromium" \
    "(e.g. 'apt-get install chromium') or set LOGSPEC_CHROMIUM to its path." >&2
fi
