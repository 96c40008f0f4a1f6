#!/usr/bin/env bash
# The README's first command: install spamscore into a virtualenv and start the web service
# on embedded defaults (SQLite in $SPAMSCORE_DATA_DIR, in-process cache, no network needed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q .
exec .venv/bin/spamscore serve "$@"
