"""The anchor engines (SpamAssassin's spamd, rspamd) on loopback, from ../shared/anchors."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
SPAMD = "127.0.0.1:17783"
RSPAMD = "http://127.0.0.1:17333"


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_anchor_engines() -> None:
    """Start spamd and rspamd (idempotent) unless both already answer; the test command
    starts them first, so this only matters when tests run on their own."""
    if answers("127.0.0.1", 17783) and answers("127.0.0.1", 17333):
        return
    subprocess.run(
        ["bash", str(SHARED / "anchors" / "start.sh"), "both"],
        check=True,
        timeout=600,
        capture_output=True,
    )
