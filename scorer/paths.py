"""Where the rule data and the shipped model live, in a checkout and once installed."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str, env: str) -> Path:
    return _resolved(name, (os.environ.get(env) if env else None) or None)


@lru_cache(maxsize=16)
def _resolved(name: str, override: str | None) -> Path:
    """Cached: the report asks for the rules folder a few times per message, and each ask
    looked at the file system (the folders do not move while we run; the override is part of
    the key, so a changed environment variable is still seen)."""
    if override:
        return Path(override)
    # A checkout (or an editable install) keeps rules/ and models/ beside the package;
    # a wheel carries them inside it as scorer/_data/<name>.
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


def rules_dir() -> Path:
    """Directory of the rule YAML files (`SPAMSCORE_RULES_DIR` overrides)."""
    return _data_dir("rules", "SPAMSCORE_RULES_DIR")


def shipped_rules_dir() -> Path:
    """The rules/ shipped with the package (whatever `SPAMSCORE_RULES_DIR` says)."""
    return _data_dir("rules", "")


def models_dir() -> Path:
    """Directory of the shipped classifier model (`SPAMSCORE_MODELS_DIR` overrides)."""
    return _data_dir("models", "SPAMSCORE_MODELS_DIR")
