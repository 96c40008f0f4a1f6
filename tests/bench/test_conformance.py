"""The SPF/DKIM/DMARC conformance counts must not regress (bench/conformance.py prints them)."""

from __future__ import annotations

import pytest

from bench import conformance
from tests.conftest import SHARED

# Measured on this code base; raise a number when a change makes more cases pass.
MINIMUM = {
    "spf-rfc7208": (203, 203),
    "spf-rfc4408": (191, 191),
    "spf-pyspf": (16, 16),
    "spf-blitirispf": (17, 21),
    "dkim-rfc": (5, 5),
    "dkim-dkimpy": (17, 17),
    "dkim-mail-dkim (RFC 6376 signatures, per signature, vs dkimpy 1.1.8)": (31, 31),
    "dkim-mail-dkim (RFC 6376 signatures, per message, vs Mail::DKIM)": (22, 31),
    "dmarc-records-opendmarc (RFC 7489)": (18, 19),
    "dmarc-records-checkdmarc (RFC 9989)": (38, 38),
    "dmarc-records-mail-dmarc (tag values and records)": (107, 107),
    "dmarc-records-authheaders (tag dicts and From domains)": (11, 11),
    "dmarc-alignment (OpenDMARC; public-suffix list, RFC 7489)": (10, 10),
    "dmarc-discovery (checkdmarc; RFC 9989 §4.10)": (4, 4),
    "dmarc-authheaders (whole messages, RFC 9989 tree walk)": (13, 13),
}


@pytest.fixture(scope="module")
def suites():
    if not (SHARED / "conformance").is_dir():
        pytest.skip("../shared/conformance is not present")
    return {suite.name: suite for suite in conformance.run_all()}


@pytest.mark.parametrize("name", list(MINIMUM))
def test_conformance_count_does_not_regress(suites, name):
    passed, total = MINIMUM[name]
    suite = suites[name]
    assert suite.total == total, f"{name}: the suite now has {suite.total} cases"
    assert suite.passed >= passed, f"{name}: {suite.passed}/{total}; failures: {suite.failures}"


def test_every_suite_is_counted(suites):
    assert set(suites) == set(MINIMUM)
