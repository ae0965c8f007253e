#!/usr/bin/env bash
# The README's main command: set everything up on a fresh Debian/Ubuntu machine, run the nightly
# suite on the embedded default (virtual devices through the real adb server, SQLite store), then
# serve the dashboard. Re-running it reuses everything already built (APK, frames, installs).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash harness/setup/system-packages.sh
[ -d node_modules ] && npm ls --depth=0 >/dev/null 2>&1 || npm ci
SUITE="${RIO_SUITE:-nightly}"
status=0
node harness/bin/rio-farm.mjs run --suite "$SUITE" || status=$?
echo
echo "run finished with exit code $status (0 pass, 1 product failure, 2 infrastructure failure, 3 bad input)"
echo "reports: $(ls -1dt reports/*/ 2>/dev/null | head -1)  (report.html, junit.xml, run.json)"
echo "store:   .rio-farm/rio-farm.db"
[ "${RIO_NO_SERVE:-}" = 1 ] && exit "$status"
echo "dashboard: starting on http://127.0.0.1:${RIO_PORT:-8080}/  (Ctrl-C to stop)"
exec node harness/bin/rio-farm.mjs serve --port "${RIO_PORT:-8080}"
