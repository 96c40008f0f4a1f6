#!/usr/bin/env bash
# The README's test command: on a fresh Debian machine, install everything the tests need
# (system packages, a virtualenv with the project and its test extras) and run the whole suite.
# Servers the tests talk to (DNS on 127.0.0.1, gunicorn, the SMTP inbox, spamd, rspamd) are
# started by the tests' own fixtures, on loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-system.sh
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
.venv/bin/ruff check .
# SpamAssassin's spamd and rspamd on loopback, offline configuration (../shared/anchors):
# tests compare their opinions with ours and show them in reports.
bash ../shared/anchors/start.sh both
# pytest exits 5 when it collects no tests, which fails this script (set -e); and here every
# component is installed, so a skipped test is a broken set-up and fails too.
export SPAMSCORE_REQUIRE_ALL=1
exec .venv/bin/python -m pytest "$@"
