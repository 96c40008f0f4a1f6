"""Every provider requirement rests on a dated, verbatim source, and its codes and dates on it.

The quotes were read from the providers' pages (or dated copies of them) and are stored in
rules/lists/requirements.yaml; these tests pin each row to them: a row without a quote, an
SMTP code no quote contains, or a start date no quote states is an error in the data.
"""

from __future__ import annotations

import re

import pytest

from scorer.rules import load_rules

CATALOGUE = load_rules().lists.requirements
SPECS = {spec.id: spec for spec in CATALOGUE.specs}
_CODE = re.compile(r"\b[45]\.\d\.\d{1,3}\b")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _date_forms(date: str) -> list[str]:
    """How a source may write the date: "February 1, 2024", "February 2024", "May 5th",
    "2007年11月1日", "2024年4月"."""
    parts = [int(x) for x in date.split("-")]
    year, month = parts[0], parts[1]
    name = _MONTHS[month - 1]
    forms = [f"{name} {year}", f"{name[:3]}. {year}", f"{year}年{month}月"]
    if len(parts) == 3:
        day = parts[2]
        forms = [f"{name} {day}, {year}", f"{name} {day}th", f"{year}年{month}月{day}日"]
    return forms


@pytest.mark.parametrize("rid", sorted(SPECS))
def test_every_row_has_a_date_and_a_verbatim_source(rid):
    spec = SPECS[rid]
    assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", spec.effective_from)
    quoted = [s for s in spec.sources if s.quote]
    assert quoted, f"{rid}: no verbatim quote"
    for source in spec.sources:
        assert source.url.startswith(("https://", "http://"))
        if source.quote:
            assert source.date and source.date <= CATALOGUE.as_of
            assert 8 <= len(source.quote) <= 400
        else:
            assert source.missing, f"{rid}: a source without a quote must say why"


@pytest.mark.parametrize("rid", sorted(r for r, s in SPECS.items() if s.smtp_reply))
def test_every_smtp_code_is_in_a_quote(rid):
    spec = SPECS[rid]
    text = " ".join(s.quote or "" for s in spec.sources)
    codes = _CODE.findall(spec.smtp_reply or "")
    assert codes, f"{rid}: smtp_reply has no code"
    for code in codes:
        assert code in text, f"{rid}: {code} is in no quote"


@pytest.mark.parametrize("rid", sorted(SPECS))
def test_a_stated_start_date_is_in_a_quote(rid):
    spec = SPECS[rid]
    if spec.effective_basis == "published":
        assert spec.effective_note, f"{rid}: a date the source does not state needs a note"
        return
    text = " ".join(s.quote or "" for s in spec.sources)
    forms = _date_forms(spec.effective_from)
    assert any(form in text for form in forms), f"{rid}: no quote states {forms}"


def test_icloud_is_a_provider_column_with_its_rows():
    assert "icloud" in CATALOGUE.providers
    ids = {r for r in SPECS if r.startswith("icloud.")}
    assert {"icloud.spf", "icloud.dkim", "icloud.dmarc", "icloud.ptr"} <= ids
    apple = CATALOGUE.providers["icloud"]
    assert any("will be rejected" in (s.quote or "") for s in apple.sources)


def test_the_codes_that_changed_are_current():
    assert (
        "4.7.40" in SPECS["gmail.dmarc"].smtp_reply and "5.7.40" in SPECS["gmail.dmarc"].smtp_reply
    )
    assert "4.7.31" not in SPECS["gmail.dmarc"].smtp_reply
    assert "4.7.28" in SPECS["gmail.unique_message_id"].smtp_reply
    assert SPECS["outlook.spf"].smtp_reply.startswith("550; 5.7.515")
    gmail = CATALOGUE.providers["gmail"]
    assert gmail.enforcement_from == "2025-11"
    assert any("temporary and permanent rejections" in (s.quote or "") for s in gmail.sources)


def test_gmail_arc_advice_is_withdrawn_not_checked():
    gmail = CATALOGUE.providers["gmail"]
    assert any("ARC" in w["what"]["en"] for w in gmail.withdrawn)
    assert not any(re.search(r"\barc\b", rid) for rid in SPECS if rid.startswith("gmail."))
    for spec in SPECS.values():
        if spec.provider == "gmail":
            for text in (spec.advice["en"], spec.title["en"]):
                assert not re.search(r"\bARC\b", text), (spec.id, text)


def test_as_of_is_no_older_than_any_source():
    dates = [s.date for spec in CATALOGUE.specs for s in spec.sources if s.date]
    assert max(dates) <= CATALOGUE.as_of
