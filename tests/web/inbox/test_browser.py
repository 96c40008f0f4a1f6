"""A test send in a real browser (Debian's Chromium, Playwright): the form's "Send a test" tab
issues an address, its page refreshes by itself, and shows the report once the inbox got the
message. The app and the inbox run in this process, on one store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import chromium_context, chromium_installed

from .conftest import SENDER_HELO, plain_message, smtp

pytestmark = pytest.mark.slow

if not chromium_installed():
    pytest.skip(
        "Debian's chromium is not installed (scripts/apt-packages.txt)", allow_module_level=True
    )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator:
    with chromium_context(tmp_path / "profile") as context:
        yield context


def test_get_an_address_send_to_it_and_the_page_turns_into_the_report(
    browser, live_server, start_inbox
):
    from web.inboxstatus import forget

    inbox = start_inbox()
    forget()
    base = live_server(inbox_server=f"127.0.0.1:{inbox.port}")  # the form offers the tab
    page = browser.new_page()
    page.goto(f"{base}/?lang=en")
    page.click("#tab-send")
    page.click("#panel-send button[type=submit]")
    page.wait_for_selector('[data-test-status="waiting"]')
    address = page.input_value("#address")
    assert address.startswith("test-") and address.endswith("@localhost")

    with smtp(inbox.port, tls=True) as client:
        client.sendmail(f"bounces@{SENDER_HELO}", [address], plain_message(address))

    # no reload from us: the page refreshes itself and lands on the report
    page.wait_for_selector("#delivery", timeout=15_000)
    assert "/r/" in page.url
    facts = page.locator("#delivery").inner_text()
    assert "How it arrived" in facts and "TLSv1.3" in facts and SENDER_HELO in facts
    assert page.locator(".g-score").is_visible()
