"""Hostile-mix load run (issue 14): N clients for a fixed time, a share of their requests hostile.

    .venv/bin/python bench/hostile.py                    # 16 clients, 30 s, 20% hostile
    .venv/bin/python bench/hostile.py --clients 16 --seconds 30 --hostile 0.2 --json
    .venv/bin/python bench/hostile.py --url http://127.0.0.1:8025   # a running server

Each client sends POST /api/v1/check?offline=true over keep-alive. Most requests carry a
~20 KB newsletter (bench/load.py's typical message); a `--hostile` share carries, in turn, one
of the messages issue 14 measured stalling the engine or evading its verdict
(tests/support/hostile.py: attribute bombs of 25k, 90k and 200k attributes, 9 MB
quoted-printable bodies, 9 MB of blank lines, deep tags). Beside them, `--lorises`
connections declare a 1 MB body and send one byte every five seconds for the whole run.

It prints requests, p50/p99/max latency of the ordinary requests, of the hostile ones and of
all, the statuses, errors (a connection failure or any answer but 200) and 5xx answers, and
whether every hostile message was called spam or inconclusive (never clean). Exit status 0
only when all-request p99 < --p99-limit-ms and there were no errors. The client is one
asyncio process on the same cores as the server: on the 2-core machine the figures are a
floor, and with other work on the machine they say so in `loadavg_before`/`loadavg_after`.
The server's per-caller storage quota is off for the run (every request comes from one
client address, and 9 MB messages would use a caller's quota up in seconds: a 507 is the
quota working, not a fault); messages are stored unless --no-store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import read_answer, server_for, typical_message  # noqa: E402
from tests.support.hostile import HOSTILE  # noqa: E402

LORIS_HEAD = (
    b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: message/rfc822\r\n"
    b"Content-Length: 1048576\r\n\r\n"
)


def _request(host: str, port: int, body: bytes, store: bool) -> bytes:
    query = "offline=true" + ("" if store else "&store=false")
    return (
        f"POST /api/v1/check?{query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: message/rfc822\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode() + body


async def _client(host, port, plan, deadline, results):
    """`plan` is a list of (kind, request); each result is (kind, seconds, status, verdict)."""
    reader = writer = None
    turn = 0
    while time.perf_counter() < deadline:
        kind, request = plan[turn % len(plan)]
        turn += 1
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            await writer.drain()
            status, body, close = await read_answer(reader)
            verdict = None
            if status == 200:
                verdict = json.loads(body).get("verdict")
            results.append((kind, time.perf_counter() - started, status, verdict))
            if close:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            results.append((kind, time.perf_counter() - started, type(exc).__name__, None))
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _loris(host, port, deadline, outcomes):
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(LORIS_HEAD)
        while time.perf_counter() < deadline:
            try:
                answer = await asyncio.wait_for(reader.read(200), timeout=5.0)
            except TimeoutError:
                writer.write(b"x")
                continue
            outcomes.append(answer.split(b"\r\n", 1)[0].decode(errors="replace") or "closed")
            return
        writer.close()
        outcomes.append("held to the end")
    except OSError as exc:
        outcomes.append(type(exc).__name__)


def build_plan(host, port, clients, hostile_share, store):
    ordinary = _request(host, port, typical_message(20_000), store)
    hostile = [
        (f"hostile:{name}", _request(host, port, make(), store)) for name, make in HOSTILE.items()
    ]
    plans = []
    every = max(round(1 / hostile_share), 1) if hostile_share > 0 else 0
    for client in range(clients):
        plan = []
        for i in range(len(hostile) * max(every, 1)):
            if every and (i + client) % every == 0:
                plan.append(hostile[(i // every + client) % len(hostile)])
            else:
                plan.append(("ordinary", ordinary))
        plans.append(plan)
    return plans


async def _run(url, clients, seconds, hostile_share, lorises, store):
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    plans = build_plan(host, port, clients, hostile_share, store)
    results: list[tuple] = []
    loris_outcomes: list[str] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_client(host, port, plans[i], deadline, results) for i in range(clients)),
        *(_loris(host, port, deadline, loris_outcomes) for _ in range(lorises)),
    )
    return results, loris_outcomes, time.perf_counter() - started


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--hostile", type=float, default=0.2, help="share of hostile requests")
    parser.add_argument("--lorises", type=int, default=4, help="slow-loris connections beside")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-store", action="store_true", help="store=false (no database)")
    parser.add_argument("--url", help="run against this server (loopback) instead of one started")
    parser.add_argument("--p99-limit-ms", type=float, default=2000.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 0 < args.seconds <= 300 or not 0 < args.clients <= 256 or not 0 <= args.hostile <= 1:
        parser.error("--seconds in (0, 300], --clients in (0, 256], --hostile in [0, 1]")

    loadavg_before = os.getloadavg()[0]
    tmp = tempfile.TemporaryDirectory(prefix="spamscore-hostile-")
    os.environ["SPAMSCORE_QUOTA_BYTES"] = "0"  # for a server started here: see the docstring
    proc, url = server_for(parser, args.url, args.workers, args.threads, tmp.name)
    try:
        results, lorises, elapsed = asyncio.run(
            _run(url, args.clients, args.seconds, args.hostile, args.lorises, not args.no_store)
        )
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        tmp.cleanup()

    ordinary = [r[1] for r in results if r[0] == "ordinary"]
    hostile = [r[1] for r in results if r[0] != "ordinary"]
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    errors = [r for r in results if r[2] != 200]
    server_errors = [r for r in results if isinstance(r[2], int) and r[2] >= 500]
    clean_hostile = sorted({r[0] for r in results if r[0] != "ordinary" and r[3] == "not_spam"})
    hostile_verdicts: dict[str, int] = {}
    for r in results:
        if r[0] != "ordinary" and r[3]:
            hostile_verdicts[r[3]] = hostile_verdicts.get(r[3], 0) + 1
    slowest_hostile = max(
        ((r[1], r[0]) for r in results if r[0] != "ordinary"), default=(0.0, None)
    )
    figures = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "hostile_share": args.hostile,
        "store": not args.no_store,
        "requests": len(results),
        "requests_per_s": round(len(results) / elapsed, 1),
        "ordinary_requests": len(ordinary),
        "hostile_requests": len(hostile),
        "p50_ms_ordinary": _pct(ordinary, 0.5),
        "p99_ms_ordinary": _pct(ordinary, 0.99),
        "p50_ms_hostile": _pct(hostile, 0.5),
        "p99_ms_hostile": _pct(hostile, 0.99),
        "slowest_hostile": [round(slowest_hostile[0] * 1000, 1), slowest_hostile[1]],
        "p99_ms_all": _pct(ordinary + hostile, 0.99),
        "max_ms_all": _pct(ordinary + hostile, 1.0),
        "statuses": dict(sorted(statuses.items())),
        "errors": len(errors),
        "5xx": len(server_errors),
        "hostile_verdicts": hostile_verdicts,
        "hostile_read_as_clean": clean_hostile,
        "slow_loris_outcomes": sorted(set(lorises)),
        "loadavg_before": round(loadavg_before, 2),
        "loadavg_after": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>22}: {value}")
    p99 = figures["p99_ms_all"]
    ok = (
        bool(results)
        and not errors
        and not clean_hostile
        and p99 is not None
        and p99 < args.p99_limit_ms
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
