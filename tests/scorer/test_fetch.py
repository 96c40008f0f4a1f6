"""The guarded fetcher against a real HTTPS server on 127.0.0.1, allowed only by the test
allow-list; every refusal is checked before any connection (a trip-wire fails the test if the
fetcher ever tries to connect anywhere but the test server)."""

from __future__ import annotations

import gzip
import socket
import time

import pytest

from scorer import fetch
from scorer.dns import Resolver
from scorer.fetch import Fetcher, FetchError, refusal
from tests.support.dns_server import DNSTestServer
from tests.support.https_server import HTTPSTestServer

ZONES = {
    "logo.test": [{"A": "127.0.0.1"}],
    "loopback.test": [{"A": "127.0.0.1"}],
    "private.test": [{"A": "10.1.2.3"}],
    "linklocal.test": [{"A": "169.254.169.254"}],
    "v6loop.test": [{"AAAA": "::1"}],
    "mapped.test": [{"AAAA": "::ffff:7f00:1"}],  # ::ffff:127.0.0.1
    "shared.test": [{"A": "100.64.1.1"}],
}


@pytest.fixture(scope="module")
def https():
    with HTTPSTestServer(hosts=["logo.test", "loopback.test"]) as server:
        yield server


@pytest.fixture(scope="module")
def session():
    with DNSTestServer(ZONES) as dns:
        resolver = Resolver([dns.address], timeout_ms=500)
        yield lambda: resolver.session(deadline=time.monotonic() + 10, max_queries=100)


@pytest.fixture
def fetcher(https, monkeypatch):
    """Allowed: logo.test on the test server's port, nothing else; a connection anywhere but
    127.0.0.1 fails the test before a packet leaves."""
    real = socket.create_connection

    def tripwire(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"the fetcher tried to connect to {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "create_connection", tripwire)
    return Fetcher(allow=frozenset({("logo.test", https.port)}), cafile=https.cafile, timeout_s=3.0)


def _url(https, host: str, path: str = "/logo.svg") -> str:
    return f"https://{host}:{https.port}{path}"


def test_the_allow_listed_test_server_is_fetched(https, session, fetcher):
    https.routes["/logo.svg"] = (200, {"Content-Type": "image/svg+xml"}, b"<svg/>")
    got = fetcher.fetch(_url(https, "logo.test"), session(), purpose="bimi-indicator")
    assert (got.status, got.body, got.address) == (200, b"<svg/>", "127.0.0.1")


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("loopback.test", "loopback"),
        ("private.test", "private"),
        ("linklocal.test", "link-local"),
        ("[::1]", "loopback"),
        ("v6loop.test", "loopback"),
        ("[::ffff:127.0.0.1]", "IPv6 form of an address that is loopback"),
        ("mapped.test", "IPv6 form of an address that is loopback"),
        ("shared.test", "shared"),
    ],
)
def test_non_global_addresses_are_refused_before_connecting(https, session, fetcher, host, why):
    https.hits.clear()
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(_url(https, host), session(), purpose="bimi-indicator")
    assert caught.value.reason == "address" and why in str(caught.value)
    assert sum(https.hits.values()) == 0


@pytest.mark.parametrize(
    "target",
    [
        "https://127.0.0.1/logo.svg",
        "https://10.0.0.1/logo.svg",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/logo.svg",
        "https://[::ffff:127.0.0.1]/logo.svg",
        "https://private.test/logo.svg",
    ],
)
def test_a_redirect_to_a_non_global_address_is_refused(https, session, fetcher, target):
    https.routes["/hop"] = (302, {"Location": target}, b"")
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(_url(https, "logo.test", "/hop"), session(), purpose="bimi-indicator")
    assert caught.value.reason == "address"


def test_http_and_a_redirect_to_http_are_refused(https, session, fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(
            f"http://logo.test:{https.port}/logo.svg", session(), purpose="bimi-indicator"
        )
    assert caught.value.reason == "scheme"
    https.routes["/to-http"] = (301, {"Location": "http://logo.test/logo.svg"}, b"")
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(_url(https, "logo.test", "/to-http"), session(), purpose="bimi-indicator")
    assert caught.value.reason == "scheme"


def test_size_caps_hold_for_declared_streamed_and_gzipped_bodies(https, session, fetcher):
    small = Fetcher(allow=fetcher.allow, cafile=fetcher.cafile, max_bytes=1024, timeout_s=3.0)
    big = b"x" * 5000
    https.routes["/declared"] = (200, {}, big)
    https.routes["/streamed"] = (200, {"Transfer-Encoding": "chunked", "Content-Length": ""}, b"")
    https.routes["/bomb"] = (200, {"Content-Encoding": "gzip"}, gzip.compress(b"a" * 200_000))
    for path in ("/declared", "/bomb"):
        with pytest.raises(FetchError) as caught:
            small.fetch(_url(https, "logo.test", path), session(), purpose="bimi-indicator")
        assert caught.value.reason == "size", path


def test_an_untrusted_certificate_is_refused(https, session):
    plain = Fetcher(allow=frozenset({("logo.test", https.port)}), timeout_s=3.0)
    https.routes["/logo.svg"] = (200, {}, b"<svg/>")
    with pytest.raises(FetchError) as caught:
        plain.fetch(_url(https, "logo.test"), session(), purpose="bimi-indicator")
    assert caught.value.reason == "tls"


def test_unsubscribe_and_tracking_links_and_other_purposes_are_never_fetched(
    https, session, fetcher
):
    https.hits.clear()
    for path in ("/unsubscribe?u=1", "/wf/click?upn=abc", "/list/opt-out"):
        with pytest.raises(FetchError) as caught:
            fetcher.fetch(_url(https, "logo.test", path), session(), purpose="bimi-indicator")
        assert caught.value.reason == "link"
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(_url(https, "logo.test"), session(), purpose="link-preview")
    assert caught.value.reason == "purpose"
    assert sum(https.hits.values()) == 0


def test_no_cookies_are_sent_or_kept(https, session, fetcher):
    https.routes["/cookie"] = (200, {"Set-Cookie": "id=1"}, b"one")
    fetcher.fetch(_url(https, "logo.test", "/cookie"), session(), purpose="bimi-indicator")
    https.routes["/echo"] = (200, {}, b"two")
    got = fetcher.fetch(_url(https, "logo.test", "/echo"), session(), purpose="bimi-indicator")
    assert got.body == b"two" and not hasattr(fetcher, "cookies")


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
        ("192.168.1.1", True),
        ("172.16.0.1", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("0.0.0.0", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("64:ff9b::10.0.0.1", True),
        ("2002:0a00:0001::1", True),
        ("192.0.2.1", True),
    ],
)
def test_refusal_rules(address, refused):
    assert (refusal(address) is not None) is refused
