"""Shared fixtures: engines on the shipped rules, offline or pointed at the test DNS server."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer.pipeline import Engine
from scorer.settings import Settings

DATA = Path(__file__).parent / "data"
MESSAGES = DATA / "messages"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def offline_engine() -> Engine:
    """The shipped rules and model, with every network check switched off."""
    return Engine(Settings(offline=True))


@pytest.fixture
def fixture_bytes():
    def read(name: str) -> bytes:
        return (MESSAGES / name).read_bytes()

    return read
