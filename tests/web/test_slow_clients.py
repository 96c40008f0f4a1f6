"""Nothing cheap stalls the service (issue 14), against a real `spamscore serve`: eight
slow-loris connections (one byte every five seconds into a declared 1 MB body) and eight
clients fetching the preview and the report page of a 340 KB message in parallel, while a
ninth asks /api/v1/healthz every 0.2 s: every health check answers within a second. A client
that does not finish its request in time gets a 408 with a JSON body."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from scorer.compose import compose_message
from tests.support.http import exchange, post_message
from web.worker import COMPLETE, INCOMPLETE, _Reading, request_state

pytestmark = pytest.mark.slow

SLOW_HEAD = (
    b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: message/rfc822\r\n"
    b"Content-Length: 1048576\r\n\r\n"
)


def newsletter_340k() -> bytes:
    rows = "".join(
        f'<tr><td style="padding:4px;color:#333"><a href="https://shop{i % 50}.example.com/p/{i}'
        f'?utm_source=news">Item {i}</a> <b>Sale</b> <img src="https://img.example.com/{i}.png"'
        f' alt="p{i}" width="80"></td><td class="price">${i}.99</td></tr>'
        for i in range(1_400)
    )
    return compose_message(
        from_="Shop <news@shop.example.com>",
        subject="Big sale",
        html=f"<html><body><table>{rows}</table></body></html>",
    )


def _get(base: str, path: str, timeout: float) -> tuple[int, bytes]:
    return exchange(base, "GET", path, timeout=timeout)


def _post(base: str, path: str, body: bytes) -> tuple[int, dict]:
    status, answer = post_message(base, path, body)
    return status, json.loads(answer)


def _slow_loris(port: int, stop: threading.Event, opened: list[socket.socket]) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    opened.append(sock)
    try:
        sock.sendall(SLOW_HEAD)
        while not stop.wait(5.0):
            sock.sendall(b"x")
    except OSError:
        pass  # the server closed it (a 408 once its time was up): that is allowed


def test_slow_clients_and_parallel_page_views_never_stall_healthz(spamscore_server):
    server = spamscore_server(SPAMSCORE_RATE_LIMIT="off", SPAMSCORE_PAGE_RATE_LIMIT="off")
    raw = newsletter_340k()
    assert 330_000 < len(raw) < 360_000, len(raw)
    status, made = _post(server.base, "/api/v1/check", raw)
    assert status == 200, made
    report_id = made["id"]

    stop = threading.Event()
    opened: list[socket.socket] = []
    lorises = [
        threading.Thread(target=_slow_loris, args=(server.port, stop, opened), daemon=True)
        for _ in range(8)
    ]
    for thread in lorises:
        thread.start()

    page_statuses: list[int] = []
    page_times: list[float] = []

    def view_pages(n: int) -> None:
        paths = [f"/r/{report_id}/preview", f"/r/{report_id}?lang=en"]
        i = n
        while not stop.is_set():
            started = time.monotonic()
            status, _body = _get(server.base, paths[i % 2], timeout=60)
            page_times.append(time.monotonic() - started)
            page_statuses.append(status)
            i += 1

    viewers = [threading.Thread(target=view_pages, args=(n,), daemon=True) for n in range(8)]
    for thread in viewers:
        thread.start()

    health: list[float] = []
    failures: list[str] = []
    until = time.monotonic() + 15.0
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            status, body = _get(server.base, "/api/v1/healthz", timeout=1.0)
        except OSError as exc:
            failures.append(f"{type(exc).__name__} after {time.monotonic() - started:.2f} s")
        else:
            if status != 200:
                failures.append(f"{status}: {body[:100]!r}")
        health.append(time.monotonic() - started)
        time.sleep(0.2)
    # an analysis is still answered while the slow clients hold their connections
    status, _checked = _post(server.base, "/api/v1/check", b"Subject: hi\r\n\r\nhello\r\n")
    assert status == 200

    stop.set()
    for thread in viewers:
        thread.join(60)
    for sock in opened:
        sock.close()
    assert not failures, failures
    assert max(health) < 1.0, f"slowest healthz {max(health):.2f} s"
    assert len(health) > 40
    assert page_statuses and set(page_statuses) == {200}, set(page_statuses)
    print(
        f"healthz max {max(health) * 1000:.0f} ms over {len(health)}; "
        f"{len(page_statuses)} page views, slowest {max(page_times):.2f} s"
    )


def test_a_request_that_does_not_arrive_in_time_is_a_408(spamscore_server):
    server = spamscore_server(SPAMSCORE_REQUEST_TIMEOUT="2")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    try:
        started = time.monotonic()
        sock.sendall(SLOW_HEAD.replace(b"1048576", b"1000"))  # 1000 bytes: 2 s + 0.02 s
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        waited = time.monotonic() - started
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "request_timeout"
    assert 1.5 < waited < 6, waited


def test_the_main_loop_reads_requests_by_their_framing():
    reading = _Reading(30)
    buf = bytearray(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab")
    assert request_state(buf, reading, 1_000) == INCOMPLETE
    buf += b"cde"
    assert request_state(buf, reading, 1_000) == COMPLETE and reading.end == len(buf)
    chunked = bytearray(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
    reading = _Reading(30)
    assert request_state(chunked, reading, 1_000) == INCOMPLETE
    chunked += b"0\r\n\r\n"
    assert request_state(chunked, reading, 1_000) == COMPLETE
