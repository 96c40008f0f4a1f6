"""The public entry points: `analyze()` with the process-wide default engine, and the Engine.

`Engine` (scorer.engine) holds a rule set and its resources; a run of one message is
scorer.schedule's job, its findings scorer.findings', its scores scorer.scoring's, and the
Report scorer.finish's.
"""

from __future__ import annotations

import threading
from typing import Any

from scorer.engine import Engine
from scorer.report import Report

__all__ = ["Engine", "analyze", "default_engine"]

_DEFAULT_ENGINE: Engine | None = None
_DEFAULT_LOCK = threading.Lock()


def default_engine() -> Engine:
    """The process-wide engine on `Settings.from_env()` and the shipped rules and model."""
    global _DEFAULT_ENGINE
    if _DEFAULT_ENGINE is None:
        with _DEFAULT_LOCK:
            if _DEFAULT_ENGINE is None:
                _DEFAULT_ENGINE = Engine()
    return _DEFAULT_ENGINE


def analyze(raw: bytes | str, *, offline: bool | None = None, **options: Any) -> Report:
    """Analyse one raw message with the default engine (see `Engine.analyze` for options).

    `offline` is the caller's choice when given; otherwise the settings decide
    (`SPAMSCORE_OFFLINE`)."""
    return default_engine().analyze(raw, offline=offline, **options)
