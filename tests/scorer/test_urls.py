"""URL facts: registrable domains, IP literals, disguised hosts, and what anchor text shows."""

from __future__ import annotations

import pytest

from scorer.urls import (
    find_urls_in_text,
    has_public_suffix,
    is_ip_literal,
    make_url,
    registrable_domain,
    shown_domains,
)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("links.shop.example.co.uk", "example.co.uk"),
        ("www.rakuten.co.jp", "rakuten.co.jp"),
        ("foo.github.io", "foo.github.io"),
        ("203.0.113.7", "203.0.113.7"),
    ],
)
def test_registrable_domain_uses_the_public_suffix_list(host, domain):
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    "host", ["203.0.113.7", "[2001:db8::1]", "3232235777", "0x7f.1", "0177.0.0.1"]
)
def test_ip_literals_including_browser_forms(host):
    assert is_ip_literal(host)


@pytest.mark.parametrize("host", ["example.com", "1password.com", "123.example"])
def test_names_are_not_ip_literals(host):
    assert not is_ip_literal(host)


def test_userinfo_and_port_are_kept():
    url = make_url("http://www.paypal.com@203.0.113.9:8080/x", "a")
    assert url.host == "203.0.113.9" and url.userinfo == "www.paypal.com" and url.port == 8080
    assert make_url("https://example.com/", "a").userinfo == ""


def test_broken_urls_do_not_raise():
    for raw in ("http://[::1", "http://exa mple.com/", "https://:99999/", "javascript:alert(1)"):
        make_url(raw, "a")
    assert not make_url("http://[::1", "a").valid


@pytest.mark.parametrize(
    ("text", "hosts"),
    [
        ("https://www.paypal.com/", ["www.paypal.com"]),
        ("paypal.com", ["paypal.com"]),
        ("Log in at www.example-bank.com now", ["www.example-bank.com"]),
        ("CNET News.com Daily Dispatch", []),
        ("Read more", []),
        ("report.pdf", []),
    ],
)
def test_shown_domains_are_url_shaped(text, hosts):
    assert shown_domains(text) == hosts


def test_public_suffix_check_for_from_domains():
    assert has_public_suffix("mail.example.co.jp")
    assert not has_public_suffix("localhost") and not has_public_suffix("amexpremium172528")


def test_text_urls_trim_punctuation_and_japanese_brackets():
    text = "詳しくは「https://example.jp/sale」をご覧ください。See https://example.com/a)."
    assert find_urls_in_text(text, 10) == ["https://example.jp/sale", "https://example.com/a"]
