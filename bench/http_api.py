#!/usr/bin/env python3
"""Our HTTP API against rspamd's /checkv2: same messages, same run, same concurrency.

    python bench/http_api.py                      # both corpora, stored and not, 2 clients
    python bench/http_api.py --corpus sa --store no --repeat 7
    python bench/http_api.py --corpus mixed       # 300 SpamAssassin + 300 foff-milter, shuffled
    python bench/http_api.py --clients 8 --close  # a new connection for every request, both sides
    python bench/http_api.py --tree /tmp/main-checkout   # also main's server, in the same turns

Starts `spamscore serve --workers 2` (offline, its own temporary data directory, the rate
limiter on with a limit no run reaches) and sends every message of the sample to
`POST /api/v1/check?offline=true` (`&store=false` when not stored) and to the anchors'
rspamd (`bash ../shared/anchors/start.sh rspamd`: offline config, 2 normal workers) at
`POST /checkv2`, from `--clients` concurrent connections of one asyncio client. The two
servers take turns within each repetition (which goes first alternates), so a change in the
machine's load falls on both; every repetition prints both sides, and the summary gives the
medians and the median of the per-repetition ratios, which is the figure to quote. With
`--tree OLD`, a second `spamscore serve` runs the code of another checkout (PYTHONPATH=OLD, same
settings, its own data directory) as "before", in the same turns as ours and rspamd's (the
order rotates each repetition), so a change is measured against main in one run.

Per side: messages/s (wall clock), latency p50/p99 (client round trip), server CPU per message
(user + system time of the server's processes from /proc: gunicorn's master and workers;
rspamd's main, normal, controller and helper processes), the client's CPU per message, and
errors (any answer but 200). Connections are kept alive as long as each server allows:
ours closes one after its 25th request (SPAMSCORE_KEEPALIVE_REQUESTS); rspamd 3.4's normal
worker answers every request with `Connection: close`, so its client reconnects every time.
`--close` makes both sides reconnect for every request (like for like on the connection).
Corpora are read at run time from ../shared/corpus, never copied here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# (Not bench/http.py, as issue 12 named it: a script's folder comes first on sys.path, so a
# bench/http.py would stand in for the standard library's `http` in every other bench script.)
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the repository root, for bench.procstat
    sys.path.insert(0, str(ROOT))

from bench.procstat import cpu_seconds, process_tree  # noqa: E402

SHARED = ROOT.parent / "shared"
ANCHORS = SHARED / "anchors"
CORPORA = {
    "sa": SHARED / "corpus" / "spamassassin-2003",
    "foff": SHARED / "corpus" / "foff-milter-2025",
}
CORPUS_NAMES = {"sa": "spamassassin-2003", "foff": "foff-milter-2025", "mixed": "mixed"}
RSPAMD_HOST = "127.0.0.1"
RSPAMD_PORT = int(os.environ.get("RSPAMD_PORT", "17333"))
RUN_DIR = Path(os.environ.get("ANCHORS_RUN_DIR", "/tmp/spamscore-anchors-run"))


# --- messages -------------------------------------------------------------------------------


def corpus_messages(key: str) -> list[bytes]:
    """Every message of one corpus (ham then spam, archive order), as the anchors read them."""
    sys.path.insert(0, str(ANCHORS))
    try:
        from anchors_common import load_messages
    finally:
        sys.path.remove(str(ANCHORS))
    messages: list[bytes] = []
    for label in ("ham", "spam"):
        archive = CORPORA[key] / f"{label}.tar.gz"
        if archive.is_file():
            messages.extend(data for _name, data in load_messages(str(archive)))
    if not messages:
        raise SystemExit(f"no messages under {CORPORA[key]}")
    return messages


def sample_of(key: str, size: int, seed: int) -> list[bytes]:
    """A seeded sample: `size` messages of one corpus, or half and half for `mixed`."""
    if key == "mixed":
        half = size // 2
        messages = sample_of("sa", half, seed) + sample_of("foff", size - half, seed)
        random.Random(seed).shuffle(messages)
        return messages
    messages = corpus_messages(key)
    rng = random.Random(seed)
    return (
        rng.sample(messages, size) if size < len(messages) else rng.sample(messages, len(messages))
    )


# --- the client -----------------------------------------------------------------------------


@dataclass
class Pass:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    connections: int = 0
    wall: float = 0.0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = None
    close = head.startswith(b"HTTP/1.0")
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value)
        elif lowered == b"connection":
            close = value.strip().lower() == b"close"
        elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        body = await reader.readexactly(length)
    elif chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(p[:-2] for p in parts)
    else:
        body = await reader.read()
        close = True
    return status, body, close


async def _client(
    host: str,
    port: int,
    requests: list[bytes],
    queue: list[int],
    result: Pass,
    expect: bytes,
    close_each: bool,
) -> None:
    reader = writer = None
    while queue:
        request = requests[queue.pop()]
        try:
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
                result.connections += 1
            writer.write(request)
            status, body, close = await _read_response(reader)  # type: ignore[arg-type]
            result.latencies.append(time.perf_counter() - started)
            if status != 200:
                result.errors.append(f"HTTP {status}")
            elif expect not in body[:4096] and expect not in body:
                result.errors.append("no score in the answer")
            if close or close_each:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result.errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _send_all(
    host: str, port: int, requests: list[bytes], clients: int, expect: bytes, close_each: bool
) -> Pass:
    result = Pass()
    queue = list(range(len(requests)))[::-1]  # popped from the end: sent in order
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(host, port, requests, queue, result, expect, close_each) for _ in range(clients))
    )
    result.wall = time.perf_counter() - started
    return result


def http_requests(host: str, port: int, path: str, bodies: list[bytes], close: bool) -> list[bytes]:
    connection = "close" if close else "keep-alive"
    return [
        (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: message/rfc822\r\nContent-Length: {len(body)}\r\n"
            f"Connection: {connection}\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]


# --- servers and their CPU ------------------------------------------------------------------


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds of every process under `root` (looked up every time: gunicorn may replace a
    worker in a run)."""
    return {pid: cpu_seconds(pid, reaped_children=False) for pid in process_tree(root)}


@dataclass
class Server:
    name: str
    host: str
    port: int
    path: str
    root_pid: int
    expect: bytes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_ours(
    workers: int, threads: int, data_dir: str, tree: Path | None = None
) -> tuple[subprocess.Popen, int]:
    """`spamscore serve` of this checkout, or of `tree` (its code first on the path)."""
    port = free_port()
    env = {
        **os.environ,
        "SPAMSCORE_DATA_DIR": data_dir,
        "SPAMSCORE_OFFLINE": "1",
        # The limiter runs (as in production) with a limit no run reaches.
        "SPAMSCORE_RATE_LIMIT": "100000000 per minute",
        "SPAMSCORE_LOG_LEVEL": "warning",
    }
    for name in ("PROMETHEUS_MULTIPROC_DIR", "DATABASE_URL", "REDIS_URL", "SPAMSCORE_API_KEYS"):
        env.pop(name, None)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    proc = subprocess.Popen(
        [sys.executable, "-m", "scorer.cli", "serve", "--port", str(port)]
        + ["--workers", str(workers)]
        + (["--threads", str(threads)] if threads else []),
        env=env,
        cwd=str(tree or ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/healthz", timeout=2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("spamscore serve exited before it was ready") from None
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("spamscore serve did not become ready in 90 s")


def rspamd_pid() -> int:
    pidfile = RUN_DIR / "rspamd" / "rspamd.pid"
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        raise SystemExit(
            f"rspamd is not running ({pidfile}): bash ../shared/anchors/start.sh rspamd"
        ) from None
    try:
        with socket.create_connection((RSPAMD_HOST, RSPAMD_PORT), timeout=2):
            pass
    except OSError:
        raise SystemExit(f"rspamd does not answer on {RSPAMD_HOST}:{RSPAMD_PORT}") from None
    return pid


# --- measuring ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-q * len(ordered) // 100)) - 1))
    return ordered[index]


def measure(server: Server, bodies: list[bytes], clients: int, close: bool) -> dict:
    requests = http_requests(server.host, server.port, server.path, bodies, close)
    cpu0 = tree_cpu(server.root_pid)
    client0 = time.process_time()
    result = asyncio.run(
        _send_all(server.host, server.port, requests, clients, server.expect, close)
    )
    client_cpu = time.process_time() - client0
    cpu1 = tree_cpu(server.root_pid)
    spent = {pid: cpu1[pid] - cpu0.get(pid, 0.0) for pid in cpu1}
    server_cpu = sum(spent.values())
    # How the work fell on the server's processes (busiest first): with few clients, keep-alive
    # connections that all landed on one worker leave the other worker's core idle.
    split = sorted((round(100 * v / server_cpu) for v in spent.values() if v > 0), reverse=True)
    done = len(result.latencies)
    ms = [x * 1000 for x in result.latencies]
    return {
        "messages": done,
        "msgs_per_s": round(done / result.wall, 1) if result.wall else 0.0,
        "p50_ms": round(statistics.median(ms), 2) if ms else None,
        "p99_ms": round(percentile(ms, 99), 2) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "server_cpu_ms_per_msg": round(server_cpu * 1000 / max(done, 1), 2),
        "client_cpu_ms_per_msg": round(client_cpu * 1000 / max(done, 1), 2),
        "connections": result.connections,
        "cpu_split_pct": split[:4] if server_cpu > 0 else [],
        "errors": len(result.errors),
        "error_kinds": sorted(set(result.errors))[:5],
    }


def compare(
    servers: list[Server],
    bodies: list[bytes],
    *,
    clients: int,
    repeat: int,
    passes: int,
    close: bool,
) -> dict:
    """Every server on `bodies` (sent `passes` times per measurement), `repeat` times; the
    last server is rspamd, the one the others are compared with."""
    warm = bodies[: min(len(bodies), 60)]
    for server in servers:
        measure(server, warm, clients, close)  # warm-up: not counted
    load = bodies * passes
    names = [server.name for server in servers]
    ours = names[:-1]
    rows = []
    for index in range(repeat):
        shift = index % len(servers)
        order = servers[shift:] + servers[:shift]  # who goes first rotates
        row: dict = {}
        for server in order:
            row[server.name] = measure(server, load, clients, close)
        rspamd_rate = max(row["rspamd"]["msgs_per_s"], 0.1)
        row["ratio"] = {name: round(row[name]["msgs_per_s"] / rspamd_rate, 3) for name in ours}
        row["loadavg_1m"] = round(os.getloadavg()[0], 2)
        rows.append(row)
    summary: dict = {}
    for name in names:
        summary[name] = {
            key: round(statistics.median(r[name][key] for r in rows), 2)
            for key in ("msgs_per_s", "p50_ms", "p99_ms", "server_cpu_ms_per_msg")
        } | {"errors": sum(r[name]["errors"] for r in rows)}
    summary["ratios"] = {name: [r["ratio"][name] for r in rows] for name in ours}
    summary["ratio_median"] = {
        name: round(statistics.median(summary["ratios"][name]), 3) for name in ours
    }
    summary["cpu_ratio_median"] = {
        name: round(
            statistics.median(
                r["rspamd"]["server_cpu_ms_per_msg"] / max(r[name]["server_cpu_ms_per_msg"], 0.01)
                for r in rows
            ),
            3,
        )
        for name in ours
    }
    if "before" in names:  # the change itself: ours against before, turn by turn
        paired = [r["ours"]["msgs_per_s"] / max(r["before"]["msgs_per_s"], 0.1) for r in rows]
        summary["ours_over_before"] = [round(x, 3) for x in paired]
        summary["ours_over_before_median"] = round(statistics.median(paired), 3)
    summary["loadavg_1m"] = [r["loadavg_1m"] for r in rows]
    return {"rows": rows, "summary": summary}


def _print_rows(label: str, result: dict, names: list[str]) -> None:
    print(f"\n== {label}")
    print(
        f"{'rep':>3} {'server':<7} {'msg/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'srv CPU ms/msg':>14} {'cli CPU':>7} {'conns':>6} {'errors':>6}  CPU split %"
    )
    for index, row in enumerate(result["rows"], 1):
        for name in names:
            r = row[name]
            print(
                f"{index:>3} {name:<7} {r['msgs_per_s']:>7} {r['p50_ms']:>7} {r['p99_ms']:>7} "
                f"{r['max_ms']:>7} {r['server_cpu_ms_per_msg']:>14} "
                f"{r['client_cpu_ms_per_msg']:>7} {r['connections']:>6} {r['errors']:>6}  "
                f"{r['cpu_split_pct']}"
            )
        ratios = "  ".join(f"{name}/rspamd {value}" for name, value in row["ratio"].items())
        print(f"    {ratios}  (load average {row['loadavg_1m']})")
    s = result["summary"]
    for name in names:
        m = s[name]
        print(
            f"median {name:<7} {m['msgs_per_s']:>7} msg/s  p50 {m['p50_ms']} ms  p99 {m['p99_ms']} "
            f"ms  server CPU {m['server_cpu_ms_per_msg']} ms/msg  errors {m['errors']}"
        )
    for name, ratio in s["ratio_median"].items():
        print(
            f"MEDIAN RATIO {name}/rspamd msg/s = {ratio}  (each: {s['ratios'][name]}); "
            f"rspamd CPU per message / {name} = {s['cpu_ratio_median'][name]}"
        )
    if "ours_over_before" in s:
        print(
            f"MEDIAN RATIO ours/before msg/s = {s['ours_over_before_median']}  "
            f"(each: {s['ours_over_before']})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        action="append",
        choices=("sa", "foff", "mixed"),
        help="sa (spamassassin-2003), foff (foff-milter-2025), mixed (half each); repeatable; "
        "default: sa and foff, each on its own",
    )
    parser.add_argument(
        "--store",
        choices=("yes", "no", "both"),
        default="both",
        help="store reports (default both)",
    )
    parser.add_argument("--sample", type=int, default=600, help="messages per corpus (default 600)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", type=int, default=2, help="concurrent connections (2)")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per side (5)")
    parser.add_argument(
        "--passes", type=int, default=1, help="times the sample is sent per measurement"
    )
    parser.add_argument("--workers", type=int, default=2, help="spamscore serve --workers (2)")
    parser.add_argument(
        "--threads", type=int, default=0, help="spamscore serve --threads (default)"
    )
    parser.add_argument("--close", action="store_true", help="a new connection for every request")
    parser.add_argument(
        "--tree",
        type=Path,
        help="another checkout (e.g. main) served as 'before' in the same turns",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    if not 0 < args.clients <= 64 or args.repeat < 1 or args.passes < 1 or args.sample < 1:
        parser.error("--clients in 1..64; --repeat, --passes and --sample at least 1")

    corpora = args.corpus or ["sa", "foff"]
    stores = {"yes": [True], "no": [False], "both": [False, True]}[args.store]
    pid = rspamd_pid()
    rspamd = Server("rspamd", RSPAMD_HOST, RSPAMD_PORT, "/checkv2", pid, b'"score"')
    tmp = tempfile.TemporaryDirectory(prefix="spamscore-bench-http-")
    proc, port = start_ours(args.workers, args.threads, tmp.name)
    before = None
    if args.tree is not None:
        before_dir = Path(tmp.name) / "before"
        before_dir.mkdir()
        before = start_ours(args.workers, args.threads, str(before_dir), args.tree.resolve())
    results: dict = {
        "command": "python bench/http_api.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "clients": args.clients,
        "workers": args.workers,
        "repeat": args.repeat,
        "passes": args.passes,
        "close_each": args.close,
        "before_tree": str(args.tree) if args.tree else None,
        "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "runs": {},
    }
    print(
        f"spamscore serve --workers {args.workers} on 127.0.0.1:{port}; rspamd (pid {pid}) on "
        f"{RSPAMD_HOST}:{RSPAMD_PORT}; {args.clients} clients; load average "
        f"{results['loadavg_before']}"
        + (f"; before: {args.tree} on 127.0.0.1:{before[1]}" if before else "")
    )
    try:
        for key in corpora:
            bodies = sample_of(key, args.sample, args.seed)
            for store in stores:
                path = "/api/v1/check?offline=true" + ("" if store else "&store=false")
                servers = [Server("ours", "127.0.0.1", port, path, proc.pid, b'"score"')]
                if before is not None:
                    servers.append(
                        Server(
                            "before",
                            "127.0.0.1",
                            before[1],
                            path,
                            before[0].pid,
                            b'"score"',
                        )
                    )
                servers.append(rspamd)
                label = (
                    f"{CORPUS_NAMES[key]}: {len(bodies)} messages x {args.passes}, "
                    f"{'stored' if store else 'not stored'}"
                )
                result = compare(
                    servers,
                    bodies,
                    clients=args.clients,
                    repeat=args.repeat,
                    passes=args.passes,
                    close=args.close,
                )
                _print_rows(label, result, [server.name for server in servers])
                results["runs"][f"{key}/{'stored' if store else 'not-stored'}"] = {
                    "messages": len(bodies),
                    "median_bytes": int(statistics.median(len(b) for b in bodies)),
                    **result,
                }
    finally:
        for server_proc in [proc] + ([before[0]] if before else []):
            os.killpg(server_proc.pid, signal.SIGTERM)
            try:
                server_proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server_proc.pid, signal.SIGKILL)
        tmp.cleanup()
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print("\nsummary (median ratio of msg/s, ours / rspamd):")
    for name, run in results["runs"].items():
        s = run["summary"]
        for side, ratio in s["ratio_median"].items():
            print(
                f"  {name:<22} {side:<7} {ratio:>6}x   {s[side]['msgs_per_s']} msg/s p99 "
                f"{s[side]['p99_ms']} ms, rspamd {s['rspamd']['msgs_per_s']} msg/s p99 "
                f"{s['rspamd']['p99_ms']} ms"
            )
        if "ours_over_before_median" in s:
            print(f"  {name:<22} ours/before {s['ours_over_before_median']}x")
    print(f"load average before {results['loadavg_before']}, after {results['loadavg_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    errors = sum(
        r["summary"][n]["errors"]
        for r in results["runs"].values()
        for n in r["summary"]
        if isinstance(r["summary"][n], dict) and "errors" in r["summary"][n]
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
