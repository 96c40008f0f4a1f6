"""Load test of the web service: N concurrent clients on loopback for a fixed time.

    .venv/bin/python bench/load.py                       # starts `spamscore serve --workers 2`
    .venv/bin/python bench/load.py --clients 16 --seconds 20 --no-store
    .venv/bin/python bench/load.py --url http://127.0.0.1:8025   # an already running server

It posts typical ~20 KB marketing messages to POST /api/v1/check?offline=true over
keep-alive connections. By default these are the real ESP templates of
../shared/corpus/legit-templates whose size is within 25% of --size (43 messages of 15-25 KB
for the default 20 KB; read at run time, never copied here), each client going round them
from its own starting point. `--synthetic` posts instead one generated newsletter of --size
bytes (HTML tables, 30 products, 74 links and images: heavier than a real template of the same
size). It prints requests/s, latency p50/p90/p99/max, errors (any answer but 200, or
a connection failure) and the peak resident memory of the gunicorn master and workers
together. The client is a small asyncio loop (one process, one core at most); on a 2-core
machine it competes with the two workers, so the figures are a floor. Traffic goes to
127.0.0.1 only, and the run stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT.parent / "shared" / "corpus" / "legit-templates" / "ham.tar.gz"


def template_messages(target_bytes: int = 20_000) -> list[bytes]:
    """The legit-templates messages within 25% of `target_bytes`, in archive order."""
    import tarfile

    if not TEMPLATES.is_file():
        raise SystemExit(f"{TEMPLATES} not found: use --synthetic")
    low, high = target_bytes * 0.75, target_bytes * 1.25
    with tarfile.open(TEMPLATES) as archive:
        messages = [
            archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile() and low <= member.size <= high
        ]
    if not messages:
        raise SystemExit(f"no template between {low:.0f} and {high:.0f} bytes")
    return messages


def typical_message(target_bytes: int = 20_000) -> bytes:
    """A newsletter as an ESP sends it: ~20 KB, HTML + text, a dozen links and images."""
    from scorer.compose import compose_message

    rows = []
    texts = []
    i = 0
    while True:
        i += 1
        rows.append(
            f'<tr><td style="padding:16px 24px;font-family:Arial,sans-serif;font-size:15px;'
            f'line-height:22px;color:#333333">'
            f'<img src="https://cdn.shop.example.com/img/product-{i}.jpg" width="520" '
            f'height="260" alt="Product {i}" style="display:block;border:0">'
            f'<h2 style="font-size:20px;margin:12px 0 6px">New in the spring range, item {i}</h2>'
            f"<p>Hand-made from recycled cotton in our Porto workshop, in four colours. Order "
            f"before Friday and we ship it the same day, with free returns for thirty days.</p>"
            f'<a href="https://shop.example.com/p/{i}?utm_source=newsletter&amp;utm_medium='
            f'email&amp;utm_campaign=spring" style="color:#1f5eff">See item {i}</a></td></tr>'
        )
        texts.append(
            f"New in the spring range, item {i}\nHand-made from recycled cotton in our Porto "
            f"workshop, in four colours.\nhttps://shop.example.com/p/{i}\n"
        )
        html = (
            '<!DOCTYPE html><html><body style="margin:0;background:#f4f4f4">'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0">'
            + "".join(rows)
            + '<tr><td style="font-size:12px;color:#777;padding:24px">Example Shop, Rua 1, '
            'Porto. <a href="https://shop.example.com/unsubscribe/abc">Unsubscribe</a></td>'
            "</tr></table></body></html>"
        )
        raw = compose_message(
            from_="Example Shop <news@shop.example.com>",
            to="reader@example.org",
            subject="Spring is here: twelve new pieces from our workshop",
            text="\n".join(texts) + "\nUnsubscribe: https://shop.example.com/unsubscribe/abc\n",
            html=html,
            headers={
                "List-Unsubscribe": "<https://shop.example.com/unsubscribe/abc>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        if len(raw) >= target_bytes:
            return raw


# --- the client ------------------------------------------------------------------------------


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 answer: (status, body, whether the server closes the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    close = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value)
        elif lowered == b"connection" and value.strip().lower() == b"close":
            close = True
    return status, await reader.readexactly(length), close


async def _client(host, port, requests, start, deadline, latencies, errors, statuses):
    reader = writer = None
    turn = start
    while time.perf_counter() < deadline:
        request = requests[turn % len(requests)]
        turn += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(request)
            status, _body, close = await read_answer(reader)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if status != 200:
                errors.append(f"HTTP {status}")
            if close:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _run(url, bodies, clients, seconds, store):
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    query = "offline=true" + ("" if store else "&store=false")
    requests = [
        (
            f"POST /api/v1/check?{query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: message/rfc822\r\nContent-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _client(
                host,
                port,
                requests,
                i * len(requests) // clients,
                deadline,
                latencies,
                errors,
                statuses,
            )
            for i in range(clients)
        )
    )
    return latencies, errors, statuses, time.perf_counter() - started


# --- the server and its memory ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _proc_kib(pid: int, file: str, key: str) -> int:
    """One `Key:  N kB` line of /proc/PID/<file>, in KiB (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/{file}", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kib(pid: int) -> int:
    return _proc_kib(pid, "status", "VmRSS:")


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared pages divided among the processes that share them, so
    the workers' sum is the memory they really take (RSS counts shared pages once per process)."""
    return _proc_kib(pid, "smaps_rollup", "Pss:")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (and its reaped children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids.extend(_tree(int(child)))
    return pids


class MemorySampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_total = 0
        self.peak_pss_total = 0
        self.peak_each: dict[int, int] = {}
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(0.1):
            total = pss = 0
            for pid in _tree(self.pid):
                rss = _rss_kib(pid)
                total += rss
                pss += _pss_kib(pid)
                self.peak_each[pid] = max(self.peak_each.get(pid, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self.peak_pss_total = max(self.peak_pss_total, pss)


def start_server(workers: int, threads: int, data_dir: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "SPAMSCORE_DATA_DIR": data_dir,
        "SPAMSCORE_RATE_LIMIT": "1000000 per minute",
        "SPAMSCORE_LOG_LEVEL": "warning",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    exe = Path(sys.executable).with_name("spamscore")
    proc = subprocess.Popen(
        [
            str(exe),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/v1/healthz", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("spamscore serve exited before it was ready") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("spamscore serve did not become ready in 60 s")


def server_for(
    parser: argparse.ArgumentParser, url: str | None, workers: int, threads: int, data_dir: str
) -> tuple[subprocess.Popen | None, str]:
    """The running server at `url` (loopback only), else one started for the run."""
    if url:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--url must be on loopback")
        return None, url
    return start_server(workers, threads, data_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the run")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured run first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--size", type=int, default=20_000, help="message size in bytes")
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help="one generated newsletter instead of the legit-templates messages",
    )
    parser.add_argument("--no-store", action="store_true", help="store=false (no database)")
    parser.add_argument("--url", help="benchmark this running server instead of starting one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not 0 < args.seconds <= 300 or not 0 < args.clients <= 256:
        parser.error("--seconds must be in (0, 300] and --clients in (0, 256]")

    bodies = [typical_message(args.size)] if args.synthetic else template_messages(args.size)
    proc = None
    tmp = tempfile.TemporaryDirectory(prefix="spamscore-bench-")
    proc, url = server_for(parser, args.url, args.workers, args.threads, tmp.name)
    sampler = MemorySampler(proc.pid) if proc else None
    try:
        if args.warmup:
            asyncio.run(_run(url, bodies, args.clients, args.warmup, not args.no_store))
        if sampler:
            sampler.start()
        pids = _tree(proc.pid) if proc else []
        server_cpu0 = sum(_cpu_seconds(p) for p in pids)
        client_cpu0 = time.process_time()
        latencies, errors, statuses, elapsed = asyncio.run(
            _run(url, bodies, args.clients, args.seconds, not args.no_store)
        )
        server_cpu = sum(_cpu_seconds(p) for p in pids) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
    finally:
        if sampler:
            sampler.stop_event.set()
            sampler.join()
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        tmp.cleanup()

    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    figures = {
        "messages": "synthetic" if args.synthetic else "legit-templates",
        "distinct_messages": len(bodies),
        "message_bytes_median": int(statistics.median(len(b) for b in bodies)),
        "clients": args.clients,
        "workers": args.workers if proc else None,
        "threads": args.threads if proc else None,
        "store": not args.no_store,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 2),
        "p90_ms": round(pct(0.90), 2),
        "p99_ms": round(pct(0.99), 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        # CPU actually used, and what the server would answer with the machine's cores to
        # itself and the client (useful when other work shares the machine during a run).
        "server_cpu_ms_per_request": round(server_cpu / max(len(latencies), 1) * 1000, 2)
        if proc
        else None,
        "client_cpu_ms_per_request": round(client_cpu / max(len(latencies), 1) * 1000, 2),
        "cpu_bound_capacity_rps": round(
            (os.cpu_count() or 1) * len(latencies) / (server_cpu + client_cpu), 1
        )
        if proc and server_cpu + client_cpu > 0
        else None,
        "loadavg_after": os.getloadavg()[0],
        "peak_rss_mib_total": round(sampler.peak_total / 1024, 1) if sampler else None,
        "peak_pss_mib_total": round(sampler.peak_pss_total / 1024, 1) if sampler else None,
        "peak_rss_mib_per_process": sorted(
            (round(v / 1024, 1) for v in sampler.peak_each.values()), reverse=True
        )
        if sampler
        else None,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>26}: {value}")
    return 0 if figures["errors"] == 0 and figures["requests"] else 1


if __name__ == "__main__":
    sys.exit(main())
