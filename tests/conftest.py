"""Shared fixtures: engines on the shipped rules, offline or pointed at the test DNS server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scorer.pipeline import Engine
from scorer.settings import Limits, Settings
from tests.support.dns_server import DNSTestServer, load_zone_files

DATA = Path(__file__).parent / "data"
MESSAGES = DATA / "messages"
ZONES = DATA / "dns"
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


@pytest.fixture(scope="session")
def dns_server():
    """An authoritative DNS server on 127.0.0.1 (free UDP+TCP port) serving tests/data/dns.

    Tests may add names with `dns_server.zones.update({...})`; use names no other test asks for.
    """
    server = DNSTestServer(load_zone_files(sorted(ZONES.glob("*.yaml")))).start()
    yield server
    server.stop()


def network_settings(server: DNSTestServer, **limits: int) -> Settings:
    """Settings that send every DNS query to `server`, with short test timeouts."""
    values = {"dns_timeout_ms": 400, "dns_deadline_ms": 3_000, "time_budget_ms": 5_000}
    values.update(limits)
    return Settings(nameservers=(server.address,), limits=Limits().replace(**values))


@pytest.fixture(scope="session")
def network_engine(dns_server) -> Engine:
    """The shipped rules with network checks on, resolving through the test DNS server."""
    engine = Engine(network_settings(dns_server))
    yield engine
    engine.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With SPAMSCORE_REQUIRE_ALL=1 (the test command sets it), a skipped test fails.

    Skips are for a developer's partial machine (no PostgreSQL, no Chromium); on CI every
    component is installed, so a skip there means the set-up broke and must not pass silently.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("SPAMSCORE_REQUIRE_ALL") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, but SPAMSCORE_REQUIRE_ALL=1 requires it to run: {reason}"
