"""Viewing a stored report never parses or analyses its message again (web.render, issue 12).

The parsers are counted where the code calls them: the stdlib MIME parse, our message parse,
the HTML facts parse, the preview's sanitiser and the engine itself. A check must show up in
every count (so the counting works); viewing the stored report, its preview, its JSON and the
API's copy must show up in none.
"""

from __future__ import annotations

import email
import sys
from collections import Counter

import pytest
import sqlalchemy as sa

import scorer.htmldoc
import scorer.message
import web.preview
from bench.load import typical_message
from scorer.pipeline import Engine
from web import render, services_of
from web.highlight import highlight
from web.preview import preview_document
from web.store import reports


@pytest.fixture
def parses(monkeypatch) -> Counter:
    """Counts of every parse and analysis in this process, by what was called."""
    counts: Counter = Counter()

    def counting(name, real):
        def counted(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        return counted

    watched = {
        "mime": email.message_from_bytes,
        "message": scorer.message.parse,
        "html": scorer.htmldoc.parse_html,
        "sanitise": web.preview.sanitize,
    }
    for name, real in watched.items():
        counted = counting(name, real)
        for module in list(sys.modules.values()):  # wherever it was imported by name
            if getattr(module, real.__name__, None) is real:
                monkeypatch.setattr(module, real.__name__, counted)
    monkeypatch.setattr(Engine, "analyze", counting("analyze", Engine.analyze))
    return counts


@pytest.fixture
def real_app(make_app, offline_engine):
    """The shipped rules and model: the classifier names words, so the page highlights."""
    return make_app(engine=offline_engine)


def _views(client, report_id: str, other_id: str | None = None) -> None:
    compared = (f"/r/{report_id}?compare={other_id}",) if other_id else ()
    for path in (
        *compared,
        f"/r/{report_id}",
        f"/r/{report_id}?lang=ja",
        f"/r/{report_id}/preview",
        f"/r/{report_id}/preview?images=1",
        f"/r/{report_id}.json",
        f"/api/v1/reports/{report_id}",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)


def test_viewing_a_stored_report_parses_nothing(real_app, parses):
    client = real_app.test_client()
    raw = typical_message(100_000)  # a 100 KB newsletter: HTML and text
    response = client.post(
        "/api/v1/check?offline=true", data=raw, headers={"Content-Type": "message/rfc822"}
    )
    assert response.status_code == 200
    report_id = response.get_json()["id"]
    checked = dict(parses)
    # The counting works: the check itself parsed the MIME, the message and its HTML once,
    # sanitised the preview once, and analysed once.
    assert checked == {"mime": 1, "message": 1, "html": 1, "sanitise": 1, "analyze": 1}

    earlier_id = client.post(
        "/api/v1/check?offline=true",
        data=typical_message(50_000),
        headers={"Content-Type": "message/rfc822"},
    ).get_json()["id"]

    parses.clear()
    _views(client, report_id, other_id=earlier_id)  # the compare view too (edit and compare)
    assert dict(parses) == {}


def test_the_stored_artefacts_are_what_the_raw_message_gives(real_app, offline_engine):
    client = real_app.test_client()
    raw = typical_message(30_000)
    report_id = client.post(
        "/api/v1/check?offline=true", data=raw, headers={"Content-Type": "message/rfc822"}
    ).get_json()["id"]
    row = services_of(real_app).store.get(report_id)
    assert render.usable(row.render)
    assert row.render["preview"] == preview_document(raw)
    msg = scorer.message.parse(raw)
    assert row.render["text"] == msg.visible_text[:20_000]
    assert row.render["text_cut"] is (len(msg.visible_text) > 20_000)
    features = row.report["classifier"]["top_features"]
    page = client.get(f"/r/{report_id}").get_data(as_text=True)
    marked, _ = highlight(msg.visible_text, features)
    assert "<mark" in str(marked)
    assert row.render["highlighted"] == str(marked)  # marked at check time, not per view
    assert str(marked) in page
    preview = client.get(f"/r/{report_id}/preview").get_data(as_text=True)
    assert preview == row.render["preview"]


# Version 1 kept the text unmarked; its pages marked the words on every view.
_VERSION_1 = '{"version": 1, "text": "t", "text_cut": false, "preview": "<p>t</p>"}'


@pytest.mark.parametrize("kept", [None, _VERSION_1], ids=["none", "version 1"])
def test_a_report_stored_without_artefacts_gets_them_on_its_first_view(real_app, parses, kept):
    """Rows from before the render column (or whose rendering failed, or of an older render
    version) parse once, then never."""
    client = real_app.test_client()
    raw = typical_message(20_000)
    report_id = client.post(
        "/api/v1/check?offline=true", data=raw, headers={"Content-Type": "message/rfc822"}
    ).get_json()["id"]
    store = services_of(real_app).store
    made = store.get(report_id).render
    with store.db.begin() as conn:
        conn.execute(reports.update().where(reports.c.id == report_id).values(render=kept))
    parses.clear()
    assert client.get(f"/r/{report_id}/preview").status_code == 200
    assert parses["message"] == 1
    assert parses["analyze"] == 0
    assert store.get(report_id).render == made  # the same artefacts as at check time
    parses.clear()
    _views(client, report_id)
    assert dict(parses) == {}


def test_a_failed_analysis_stores_the_message_in_one_row(make_app, offline_engine):
    """The message and the analyzer's error are stored together; fetching it again makes the
    report and its artefacts then."""

    class Failing(Engine):
        broken = True

        def analyze(self, raw, **options):
            if self.broken:
                raise RuntimeError("simulated analyzer bug")
            return super().analyze(raw, **options)

    engine = Failing(offline_engine.settings)
    app = make_app(engine=engine)
    client = app.test_client()
    raw = typical_message(20_000)
    response = client.post("/api/v1/check", data=raw, headers={"Content-Type": "message/rfc822"})
    assert response.status_code == 500
    report_id = response.get_json()["error"]["id"]
    store = services_of(app).store
    with store.db.connect() as conn:
        rows = conn.execute(sa.select(reports.c.id, reports.c.status, reports.c.render)).all()
    assert [(r.id, r.status, r.render) for r in rows] == [(report_id, "failed", None)]
    engine.broken = False
    assert client.get(f"/api/v1/reports/{report_id}").status_code == 200
    row = store.get(report_id)
    assert row.status == "done" and render.usable(row.render)
    assert row.render["preview"] == preview_document(raw)
