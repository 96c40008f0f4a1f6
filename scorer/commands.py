"""What every `spamscore` subcommand shares: exit codes, reading input, the analysis options.

Subcommands other than `check` are plugins found through the `spamscore.commands` entry-point
group (the web service, the SMTP test inbox, spamd, the store, training). They import from here
and scorer.errors, never from scorer.cli, which loads them.
"""

from __future__ import annotations

import argparse
import sys

from scorer.errors import UsageError

ENTRY_POINT_GROUP = "spamscore.commands"
EXIT_OK = 0
"""Under the threshold."""
EXIT_SPAM = 1
"""At or over the threshold (or a --fail-on condition met)."""
EXIT_USAGE = 2
"""An error of use, with a one-line message on stderr."""
EXIT_INCONCLUSIVE = 3
"""A limit or the time budget stopped the analysis: the message was not read completely."""


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs an analysis (check, send-test)."""
    parser.add_argument("--json", action="store_true", help="print the v1 JSON report")
    parser.add_argument("--lang", choices=("en", "ja"), help="language of the report texts")
    parser.add_argument("--threshold", type=float, help="spam threshold (default 5.0)")


def read_input(path: str) -> bytes:
    """Bytes of `path`, or of stdin for `-`; unreadable input is an error of use."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
