"""The pages for people, through Flask's test client: form, report page, languages, downloads."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.web.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "web" / "templates"


def _submit(client, **form):
    response = post_form(client, "/check", form)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_form_page_offers_paste_upload_and_compose(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    for name in ("Paste source", "Upload .eml", "Compose", 'name="raw"', 'type="file"'):
        assert name in page
    assert 'name="sender_ip"' in page and 'name="dkim_selector"' in page


def test_sample_link_fills_the_paste_box(client):
    page = client.get("/?sample=promo").get_data(as_text=True)
    assert "mega-deals-now.example" in page


def test_paste_leads_to_a_report_with_score_findings_and_checklist(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{22}", location)
    page = client.get(location + "?lang=en").get_data(as_text=True)
    assert "Likely to be filtered as spam" in page
    assert "A link goes through a URL shortener" in page
    assert "Link to your own domain instead of a shortener." in page
    assert "http://bit.ly/3xYzAbC" in page
    assert "One-click unsubscribe" in page
    assert "550-5.7.26" in page
    assert '<mark class="hl hl-spam"' in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert f'src="{location}/preview"' in page


def test_findings_are_shown_by_impact(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    page = client.get(location + "?lang=en").get_data(as_text=True)
    order = [
        page.index(f'id="f-{rid}"')
        for rid in ("BODY_FREE_OFFER", "URI_IP_LITERAL", "SUBJ_ALL_CAPS", "URI_SHORTENER")
    ]
    assert order == sorted(order)


def test_a_good_newsletter_reads_as_fine_with_its_trust_signal(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("newsletter").decode())
    page = client.get(location + "?lang=en").get_data(as_text=True)
    assert "Looks good to send" in page
    assert "Working in your favour (1)" in page
    assert "One-click unsubscribe is offered" in page


def test_compose_mode(client):
    location = _submit(
        client,
        mode="compose",
        **{"from": "Shop <news@example.com>"},
        to="reader@example.org",
        subject="FREE GIFT FOR YOU NOW",
        html='<p><a href="http://bit.ly/x">go</a></p>',
        text="",
        sender_ip="192.0.2.1",
        dkim_selector="s1",
    )
    page = client.get(location + "?lang=en").get_data(as_text=True)
    assert "The subject is written in capitals" in page
    data = json.loads(client.get(location + ".json").data)
    assert data["delivery"] == {"sender_ip": "192.0.2.1", "dkim_selector": "s1"}


def test_upload_mode(client, sample_bytes):
    response = post_form(
        client,
        "/check",
        {"mode": "upload", "file": (io.BytesIO(sample_bytes("promo")), "draft.eml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    raw = client.get(response.headers["Location"] + ".eml")
    assert raw.data == sample_bytes("promo")
    assert raw.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"mode": "paste", "raw": "   "}, "Paste the message source first."),
        ({"mode": "compose", "subject": "", "text": ""}, "Fill in at least a subject or a body."),
        ({"mode": "upload"}, "Choose an .eml file to upload."),
        ({"mode": "paste", "raw": "Subject: x\r\n\r\ny", "sender_ip": "nope"}, "sender_ip"),
    ],
)
def test_form_errors_keep_the_input_and_say_what_to_do(client, form, message):
    response = post_form(client, "/check?lang=en", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert message in page
    if form.get("raw", "").strip():
        assert "Subject: x" in page


def test_language_switch_sets_a_cookie_and_accept_language_is_the_default(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    ja = client.get(location, headers={"Accept-Language": "ja,en;q=0.5"})
    text = ja.get_data(as_text=True)
    assert '<html lang="ja"' in text
    assert "スパムとして振り分けられる可能性が高いです" in text
    assert "短縮 URL のリンクがあります" in text
    assert "ワンクリック登録解除" in text
    switched = client.get(location + "?lang=en", headers={"Accept-Language": "ja"})
    assert "Likely to be filtered as spam" in switched.get_data(as_text=True)
    assert "lang=en" in switched.headers["Set-Cookie"]
    # The cookie now wins over Accept-Language.
    again = client.get(location, headers={"Accept-Language": "ja"})
    assert '<html lang="en"' in again.get_data(as_text=True)


def test_json_download_in_the_page_language(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    response = client.get(location + ".json?lang=ja")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["id"] == location.rsplit("/", 1)[1]
    assert data["lang"] == "ja"
    assert data["version"] == 1


def test_delete_from_the_report_page(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    response = post_form(client, location + "/delete")
    assert response.status_code == 303
    assert "deleted=1" in response.headers["Location"]
    assert client.get(location).status_code == 404
    assert client.get(location + "/preview").status_code == 404


def test_unknown_report_is_a_404_page(client):
    response = client.get("/r/AAAAAAAAAAAAAAAAAAAAAA?lang=en")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Not found" in response.get_data(as_text=True)


def test_preview_route_has_a_strict_csp(client, sample_bytes):
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    preview = client.get(location + "/preview")
    csp = preview.headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'; img-src data: cid:;")
    assert "script-src" not in csp
    assert "frame-ancestors 'self'" in csp
    with_images = client.get(location + "/preview?images=1")
    assert "img-src data: cid: https:;" in with_images.headers["Content-Security-Policy"]
    assert "CONGRATULATIONS" in preview.get_data(as_text=True)


def test_rules_and_api_docs_pages(client):
    rules = client.get("/rules?lang=en").get_data(as_text=True)
    assert "URI_SHORTENER" in rules and "Use a hostname on your own domain." in rules
    # the provider requirements: rules as of a date, each row with its date and quoted source
    assert "Rules as of 2026-12-06" in rules and 'id="provider-icloud"' in rules
    assert "in force since 2025-05-05" in rules and "5.7.515" in rules
    assert "All requirements must be met in order to send a bulk email." in rules
    # a requirement is documented like a rule: how to fix it, its references, whom it binds
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click, both covered" in rules
    assert "https://www.rfc-editor.org/rfc/rfc8058" in rules
    rules_ja = client.get("/rules?lang=ja").get_data(as_text=True)
    assert "2026-12-06 時点の要件です。" in rules_ja and "iCloud メール" in rules_ja
    docs = client.get("/api/v1/docs?lang=ja").get_data(as_text=True)
    assert "/api/v1/check/batch" in docs
    assert "クイックスタート" in docs


def test_catalogs_have_the_same_keys_and_placeholders():
    en = yaml.safe_load((ROOT / "web" / "i18n" / "en.yaml").read_text(encoding="utf-8"))
    ja = yaml.safe_load((ROOT / "web" / "i18n" / "ja.yaml").read_text(encoding="utf-8"))
    assert set(en) == set(ja)
    for key in en:
        assert set(re.findall(r"\{(\w+)\}", en[key])) == set(re.findall(r"\{(\w+)\}", ja[key])), key


def test_every_literal_text_key_in_the_templates_exists():
    from web.texts import catalog, text

    keys = set()
    for path in TEMPLATES.rglob("*.html"):
        keys |= set(re.findall(r"\bt\('([a-z_.]+)'", path.read_text(encoding="utf-8")))
    assert len(keys) > 80
    keys = {k for k in keys if not k.endswith(".")}  # prefixes of keys built at run time
    missing = [k for k in keys if k not in catalog("en") and text(k, "en") == k]
    assert missing == []


def test_docs_markdown_is_escaped_and_rule_placeholders_are_hidden():
    from web.filters import inline_markdown, unfilled

    assert str(inline_markdown("Send `message/rfc822`, **not** <b>this</b>")) == (
        "Send <code>message/rfc822</code>, <strong>not</strong> &lt;b&gt;this&lt;/b&gt;"
    )
    assert unfilled("Rephrase: {phrases} ({count})") == "Rephrase: … (…)"


def test_language_links_on_a_form_error_page_lead_back_to_the_form(client):
    page = post_form(client, "/check?lang=en", {"mode": "paste", "raw": ""}).get_data(as_text=True)
    assert 'href="/?lang=ja"' in page


def test_report_page_with_the_shipped_engine_names_rule_features_by_title(make_app, sample_bytes):
    """The shipped model also reads rule findings; its chips show the rule's title, in the page's
    language, never the bare id or a highlight in the text."""
    from scorer.pipeline import Engine
    from scorer.settings import Settings

    client = make_app(engine=Engine(Settings(offline=True))).test_client()
    location = _submit(client, mode="paste", raw=sample_bytes("promo").decode())
    english = client.get(location + "?lang=en").get_data(as_text=True)
    japanese = client.get(location + "?lang=ja").get_data(as_text=True)
    assert 'class="chip spam rule" data-rule="URI_IP_LITERAL"' in english
    assert "Link to a bare IP address" in english
    assert "IP アドレス直接のリンクがあります" in japanese
    assert "<span>URI_IP_LITERAL</span>" not in english
