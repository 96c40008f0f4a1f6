"""spamscore: a pre-send spam-score analyzer for email.

`analyze(raw)` parses a message once, runs every check, and returns a `Report` whose
`to_dict()` is the v1 JSON the CLI, the API and the web form all show.
"""

from __future__ import annotations

__version__ = "0.1.0"

from scorer.context import Delivery
from scorer.errors import MessageTooLargeError, SpamscoreError
from scorer.message import Message, parse
from scorer.pipeline import Engine, analyze, default_engine
from scorer.report import Finding, Report, Requirement
from scorer.settings import Limits, Settings

__all__ = [
    "Delivery",
    "Engine",
    "Finding",
    "Limits",
    "Message",
    "MessageTooLargeError",
    "Report",
    "Requirement",
    "Settings",
    "SpamscoreError",
    "__version__",
    "analyze",
    "default_engine",
    "parse",
]
