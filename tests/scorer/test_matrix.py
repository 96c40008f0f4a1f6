"""The provider requirements as one matrix: one row per requirement, a cell per provider."""

from __future__ import annotations

import pytest

from scorer import matrix
from scorer.compose import compose_message
from tests.conftest import network_settings


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("421 4.7.26 / 550 5.7.26 This email has been blocked", "550 5.7.26"),
        ("550; 5.7.515 Access denied, sending domain", "550 5.7.515"),
        ("421 4.7.28 Gmail has detected this sender exceeded", "421 4.7.28"),
        ("4.7.31 Your email has been rate limited", "4.7.31"),
        ("no code here", None),
        (None, None),
    ],
)
def test_smtp_code(reply, code):
    assert matrix.smtp_code(reply) == code


def test_a_missing_dmarc_record_is_one_row_with_a_cell_per_provider(dns_server):
    from scorer.pipeline import Engine

    engine = Engine(network_settings(dns_server))
    try:
        report = engine.analyze(compose_message(from_="Shop <news@nospf.example>"))
    finally:
        engine.close()
    data = report.to_dict("en")
    grid = matrix.build(data["requirements"], "en")
    dmarc = next(r for r in grid["open"] if r["row"] == "dmarc_record")
    assert set(dmarc["cells"]) == {"gmail", "yahoo", "outlook", "icloud"}
    assert {c["status"] for c in dmarc["cells"].values()} == {"fail"}
    assert dmarc["cells"]["gmail"]["smtp_code"] == "550 5.7.40"
    assert dmarc["cells"]["outlook"]["smtp_code"] == "550 5.7.515"
    assert dmarc["causes"] == ["dmarc_record"]
    assert dmarc["detail"] == "nospf.example publishes no DMARC record."
    # one fix for the cause, clearing every provider's row
    fix = next(f for f in data["fixes"] if f["cause"] == "dmarc_record")
    assert {"gmail.dmarc", "yahoo.dmarc", "outlook.dmarc", "icloud.dmarc"} <= set(
        fix["requirements"]
    )
    assert fix["title"] == "Publish a DMARC record"
    shown = [r["row"] for r in grid["open"]]
    assert len(shown) == len(set(shown))  # every requirement once
    collapsed = {g["group"]: g for g in grid["collapsed"]}
    assert "pass" in collapsed and collapsed["pass"]["label"].startswith("Met (")


def test_providers_are_named_in_the_page_language():
    assert matrix.provider_name("yahoo", "ja") == "Yahoo メール"
    assert matrix.provider_name("docomo", "ja") == "ドコモ"
    assert matrix.provider_name("unknown-one", "ja") == "unknown-one"
