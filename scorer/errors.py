"""Exceptions raised by the engine; every one derives from SpamscoreError."""

from __future__ import annotations


class SpamscoreError(Exception):
    """Base class for every error the engine raises on purpose."""


class MessageTooLargeError(SpamscoreError):
    """The input is over the configured size limit and was refused unread."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"message is {size} bytes, over the limit of {limit} bytes "
            f"(SPAMSCORE_MAX_MESSAGE_BYTES)"
        )
        self.size = size
        self.limit = limit


class RuleError(SpamscoreError):
    """The rule data is invalid (unknown key, bad regex, undeclared id, ...)."""


class ModelError(SpamscoreError):
    """The classifier model is missing, corrupt, or built for another version."""


class UsageError(SpamscoreError):
    """An error of use: bad flag, unreadable file. Exit code 2, one line on stderr."""


class SettingsError(SpamscoreError):
    """A setting (environment variable or argument) has an invalid value."""
