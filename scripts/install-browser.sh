#!/usr/bin/env bash
# What the parent web chat and its browser tests (tests/web) need beyond the Python venv:
#   - Debian's Chromium at /usr/bin/chromium (Playwright drives it; `playwright install` is never
#     used, since browsers cannot be downloaded here), installed with apt-get only if missing;
#   - the npm packages pinned in package-lock.json: socket.io-client (vendored into
#     bot/web/static/vendor/) and axe-core (the accessibility tests), with `npm ci`.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo ">> installing Chromium (apt-get install chromium)"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "ERROR: npm not found; install Node.js and npm (for example: apt-get install nodejs npm)" >&2
  exit 1
fi
echo ">> npm ci (socket.io-client, axe-core)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The widget serves its own copy of the socket.io client (no CDN): keep it the pinned one.
vendored=bot/web/static/vendor/socket.io.min.js
if ! cmp -s node_modules/socket.io-client/dist/socket.io.min.js "$vendored"; then
  cp node_modules/socket.io-client/dist/socket.io.min.js "$vendored"
  echo ">> updated $vendored from package-lock.json's socket.io-client: commit it"
fi
