#!/usr/bin/env python3
"""CPU to view a stored report: its page, its preview and the API's copy, for one message size.

    python bench/pages.py                  # a 100 KB newsletter (HTML and text), 200 views each
    python bench/pages.py --size 340000 --views 100

Stores one message through `POST /api/v1/check` on the app in this process (shipped rules and
model, offline, SQLite in a temporary directory), then times `GET /r/<id>`, `/r/<id>/preview`
and `/api/v1/reports/<id>` as gunicorn calls the app (a WSGI call per request, CPU time of this
process), and prints the median and p95 CPU per view. For comparison it also prints what
viewing cost when the pages parsed the stored message on every GET (the message parse behind
the highlighted text, and the preview's parse and sanitising), measured the same way.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="message bytes (100 KB)")
    parser.add_argument("--views", type=int, default=200, help="GETs of each page")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="spamscore-bench-pages-")
    os.environ.update(
        SPAMSCORE_DATA_DIR=tmp.name, SPAMSCORE_RATE_LIMIT="off", SPAMSCORE_OFFLINE="1"
    )
    from load import typical_message

    from scorer.message import parse
    from web import create_app, warm_up
    from web.preview import preview_document

    app = create_app()
    warm_up(app)
    raw = typical_message(args.size)

    def call(method: str, path: str, body: bytes = b"") -> tuple[str, bytes]:
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8025",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8025",
            "CONTENT_TYPE": "message/rfc822",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        status: list[str] = []
        out = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        return status[0], out

    import json

    status, body = call("POST", "/api/v1/check?offline=true", raw)
    assert status.startswith("200"), status
    report_id = json.loads(body)["id"]

    def cpu_ms(fn, n: int) -> tuple[float, float]:
        fn()  # warm
        times = []
        for _ in range(n):
            started = time.process_time()
            fn()
            times.append((time.process_time() - started) * 1000)
        times.sort()
        return statistics.median(times), times[int(len(times) * 0.95) - 1]

    def get(path: str):
        def run() -> None:
            status, _ = call("GET", path)
            assert status.startswith("200"), (path, status)

        return run

    limits = app.extensions["spamscore"].engine.settings.limits
    rows = [
        ("GET /r/<id> (report page)", get(f"/r/{report_id}")),
        ("GET /r/<id>/preview", get(f"/r/{report_id}/preview")),
        ("GET /api/v1/reports/<id>", get(f"/api/v1/reports/{report_id}")),
        ("before: parse for the highlighted text", lambda: parse(raw, limits).visible_text),
        ("before: preview parse and sanitising", lambda: preview_document(raw, limits)),
    ]
    print(f"message: {len(raw)} bytes; {args.views} views each; load average {os.getloadavg()[0]}")
    print(f"{'':42} {'median CPU ms':>14} {'p95 CPU ms':>11}")
    for label, fn in rows:
        median, p95 = cpu_ms(fn, args.views)
        print(f"{label:42} {median:>14.2f} {p95:>11.2f}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
