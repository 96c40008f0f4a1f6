"""BIMI Assertion Record syntax (draft-brand-indicators-for-message-identification-10 §4.3)."""

from __future__ import annotations

import pytest

from scorer.bimi.record import BimiRecordError, parse_record


def test_a_full_record():
    record = parse_record(
        "v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem; avp=personal"
    )
    assert record.location.endswith("logo.svg") and record.authority.endswith("vmc.pem")
    assert record.avp == "personal" and not record.declined and not record.warnings


def test_declination_and_unknown_tags():
    assert parse_record("v=BIMI1; l=; a=").declined
    assert any("unknown tag" in w for w in parse_record("v=BIMI1; l=; x=1").warnings)


@pytest.mark.parametrize(
    "text",
    [
        "l=https://example.com/logo.svg; v=BIMI1",
        "v=bimi1; l=https://example.com/logo.svg",
        "v=BIMI1; l=http://example.com/logo.svg",
        "v=BIMI1; l=https://localhost/logo.svg",
        "v=BIMI1; l=https://a.example/1.svg,https://b.example/2.svg",
        "v=BIMI1; l=https://example.com/logo.svg; l=https://example.com/b.svg",
        "v=BIMI1; L=https://example.com/logo.svg",
    ],
)
def test_unusable_records(text):
    with pytest.raises(BimiRecordError):
        parse_record(text)
