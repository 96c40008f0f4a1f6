"""The pages in a real browser: Debian's Chromium driven by Playwright (no browser download).

The app runs on a loopback port in this process (demo engine). A hostile message's preview is
checked against a local HTTP listener that records every request: nothing may reach it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.browser import chromium_context, chromium_installed

pytestmark = pytest.mark.slow

if not chromium_installed():
    pytest.skip(
        "Debian's chromium is not installed (scripts/apt-packages.txt)", allow_module_level=True
    )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator:
    with chromium_context(tmp_path / "profile") as context:
        yield context


class Listener:
    """An HTTP server on loopback that records every request it gets (and answers 200)."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_GET

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _hostile_message(to: str) -> str:
    """Every way we know for an HTML mail to run code or call home, aimed at `to`."""
    html = f"""<html><head>
<meta http-equiv="refresh" content="1;url={to}/meta-refresh">
<link rel="stylesheet" href="{to}/link-css"><link rel="prefetch" href="{to}/prefetch">
<style>@import url("{to}/import"); .bg {{ background: url("{to}/css-bg"); }}</style>
<base href="{to}/base/">
<script src="{to}/script-src"></script>
<script>alert("script"); fetch("{to}/fetch"); new Image().src = "{to}/js-image";</script>
</head><body onload="alert('body-onload')">
<h1 class="bg">Hello from the hostile sample</h1>
<img src="{to}/remote-image" alt="remote">
<img src="x-broken" onerror="alert('onerror'); new Image().src='{to}/onerror'">
<svg onload="alert('svg')"><image href="{to}/svg-image"/></svg>
<iframe src="{to}/iframe"></iframe><object data="{to}/object"></object>
<embed src="{to}/embed"><video poster="{to}/poster" src="{to}/video" autoplay></video>
<audio src="{to}/audio" autoplay></audio>
<div style="background-image:url('{to}/inline-style')">styled</div>
<form action="{to}/form" method="post">
<input name="q" value="x" autofocus onfocus="this.form.submit()"></form>
<a href="javascript:alert('js-link')" id="jslink">click</a>
<details open ontoggle="alert('toggle')"><summary>x</summary></details>
</body></html>"""
    return (
        "From: Attacker <a@example.com>\r\nTo: b@example.org\r\nSubject: Hostile preview\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    )


def _paste(page, base: str, raw: str, lang: str = "en") -> None:
    page.goto(f"{base}/?lang={lang}")
    page.fill("#raw", raw)
    page.click("#panel-paste button[type=submit]")
    page.wait_for_selector(".summary")


def test_paste_see_score_finding_advice_checklist_then_japanese(browser, live_server, sample_bytes):
    base = live_server()
    page = browser.new_page()
    _paste(page, base, sample_bytes("promo").decode())
    assert page.locator(".g-score").text_content() == "7.2"
    assert page.locator("#verdict").inner_text() == "Likely to be filtered as spam"
    finding = page.locator("#f-URI_SHORTENER")
    assert finding.locator("h3").inner_text() == "A link goes through a URL shortener"
    assert (
        "Link to your own domain instead of a shortener." in finding.locator(".advice").inner_text()
    )
    assert finding.locator(".evidence code").inner_text() == "http://bit.ly/3xYzAbC"
    failing = page.locator(".matrix tr.mx-row.st-fail")  # one row, a cell per provider
    assert failing.count() == 1
    assert "One-click unsubscribe" in failing.inner_text()
    assert "550 5.7.26" in failing.locator(".mx-code").inner_text()
    assert page.locator("mark.hl-spam").count() >= 3
    # Switch to Japanese with the language switch in the header.
    page.click('.langs a[data-lang="ja"]')
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#verdict").inner_text() == "スパムとして振り分けられる可能性が高いです"
    assert page.locator("#f-URI_SHORTENER h3").inner_text() == "短縮 URL のリンクがあります"
    assert "ワンクリック登録解除" in page.locator(".matrix tr.mx-row.st-fail").inner_text()
    # The choice sticks: the form is now in Japanese too.
    page.goto(f"{base}/")
    assert page.locator("#tab-paste").inner_text() == "貼り付け"


def test_compose_tab(browser, live_server):
    base = live_server()
    page = browser.new_page()
    page.goto(f"{base}/?lang=en")
    assert not page.locator("#panel-compose").is_visible()
    page.click("#tab-compose")
    assert page.locator("#panel-compose").is_visible()
    assert not page.locator("#panel-paste").is_visible()
    page.fill('#panel-compose input[name="subject"]', "FREE GIFT FOR YOU NOW")
    page.fill('#panel-compose textarea[name="text"]', "Hello")
    page.click("#panel-compose button[type=submit]")
    page.wait_for_selector(".summary")
    assert page.locator("#f-SUBJ_ALL_CAPS").is_visible()


@pytest.mark.parametrize("images", [False, True], ids=["images-blocked", "images-loaded"])
def test_hostile_preview_runs_nothing_and_calls_nobody(browser, live_server, listener, images):
    base = live_server()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests: list = []
    browser.on("request", lambda request: requests.append(request))
    _paste(page, base, _hostile_message(listener.url))
    if images:
        page.click("a[data-images]")
        page.wait_for_selector("#preview")
    frame = page.frame_locator("#preview iframe")
    assert frame.locator("h1").inner_text() == "Hello from the hostile sample"
    frame.locator("#jslink").click()
    page.wait_for_timeout(2500)  # longer than the meta refresh delay
    assert dialogs == []
    assert listener.hits == []
    # What survives sanitising (CSS urls, <img>) is tried by the page and stopped by the CSP
    # inside the browser: nothing leaves it.
    outside = [(r.url, r.failure) for r in requests if not r.url.startswith(base)]
    assert {url.rsplit("/", 1)[1] for url, _f in outside} >= {"remote-image", "inline-style"}
    assert [item for item in outside if item[1] != "csp"] == []


def test_report_fits_a_phone_screen(browser, live_server, sample_bytes):
    base = live_server()
    page = browser.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    _paste(page, base, sample_bytes("promo").decode())
    for url in (page.url, f"{base}/", f"{base}/rules", f"{base}/api/v1/docs"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, url
    page.goto(f"{base}/")
    assert page.locator("#panel-paste button[type=submit]").is_visible()


def test_csp_and_sandbox_hold_even_if_the_sanitiser_missed_everything(
    browser, live_server, listener, monkeypatch
):
    """Defence in depth: with sanitising switched off, the frame's CSP and sandbox alone still
    run no script and let nothing out (the sandbox also ignores the meta refresh)."""
    import web.preview

    monkeypatch.setattr(web.preview, "sanitize", lambda markup, images=None: markup)
    base = live_server()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _paste(page, base, _hostile_message(listener.url))
    frame = page.frame_locator("#preview iframe")
    assert frame.locator("script").count() == 2  # really unsanitised
    assert frame.locator('meta[http-equiv="refresh"]').count() == 1
    frame.locator("#jslink").click()
    page.wait_for_timeout(2500)  # longer than the meta refresh delay
    assert dialogs == []
    assert listener.hits == []
