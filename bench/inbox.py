"""Load test of the SMTP test inbox: many test sends at once, none may be lost.

    .venv/bin/python bench/inbox.py                         # 200 sends from 20 clients
    .venv/bin/python bench/inbox.py --sends 400 --clients 40 --no-tls

It starts `spamscore serve --workers 2` and `spamscore inbox` on loopback ports, sharing one
temporary data directory (SQLite). Each client, in turn for its share of the sends: creates a
test (POST /api/v1/tests), delivers the typical ~20 KB newsletter of bench/load.py to it over
SMTP with STARTTLS (a token in the Subject tells the messages apart), and records how long the
inbox took to answer 250 (the inbox answers once the message is stored and analysed). Then
every test is fetched (GET /api/v1/tests/{id}): it must be `done`, with a report of the very
message sent (its token in the subject) and stored bytes ending with the bytes sent.

Prints messages/s (sends divided by the wall time from the first test created to the last
250), SMTP latency percentiles, lost messages (must be 0), and the inbox process's peak
resident memory (VmHWM). Analysis is offline (no DNS) unless --nameserver is given.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import MemorySampler, start_server, typical_message
from bench.procstat import cpu_seconds

SPAMSCORE = Path(sys.executable).with_name("spamscore")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_inbox(data_dir: str, env_extra: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {
        **os.environ,
        "SPAMSCORE_DATA_DIR": data_dir,
        "SPAMSCORE_LOG_LEVEL": "warning",
        **env_extra,
    }
    proc = subprocess.Popen(
        [str(SPAMSCORE), "inbox", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                if sock.recv(512).startswith(b"220"):
                    return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("spamscore inbox exited before it was ready") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("spamscore inbox did not become ready in 60 s")


def _api(url: str, method: str = "GET") -> dict[str, Any]:
    request = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _message(template: bytes, address: str, token: str) -> bytes:
    return template.replace(b"reader@example.org", address.encode()).replace(
        b"Subject: Spring is here", f"Subject: [{token}] Spring is here".encode(), 1
    )


def _context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def send_all(
    base: str, port: int, template: bytes, sends: int, clients: int, tls: bool
) -> tuple[list[dict[str, Any]], list[str], float]:
    """Run the sends; (one record per delivered message, errors, wall seconds)."""
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(sends))

    def client(_n: int) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            token = f"bench-{index:05d}"
            try:
                test = _api(f"{base}/api/v1/tests", "POST")
                raw = _message(template, test["address"], token)
                started = time.perf_counter()
                with smtplib.SMTP(
                    "127.0.0.1", port, local_hostname="bench.example", timeout=120
                ) as smtp:
                    smtp.ehlo()
                    if tls:
                        smtp.starttls(context=_context())
                        smtp.ehlo()
                    refused = smtp.sendmail("bounces@shop.example.com", [test["address"]], raw)
                elapsed = time.perf_counter() - started
                if refused:
                    raise RuntimeError(f"refused: {refused}")
                with lock:
                    records.append(
                        {"id": test["id"], "token": token, "raw": raw, "seconds": elapsed}
                    )
            except Exception as exc:  # count it as lost, say why, go on
                with lock:
                    errors.append(f"{token}: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    return records, errors, time.perf_counter() - started


def verify(base: str, records: list[dict[str, Any]]) -> list[str]:
    """Every delivered message must have its own finished report and its exact bytes stored."""
    problems = []
    for record in records:
        test = _api(f"{base}/api/v1/tests/{record['id']}")
        report = test.get("report") or {}
        subject = (report.get("message") or {}).get("subject") or ""
        if test.get("status") != "done" or record["token"] not in subject:
            problems.append(f"{record['token']}: status {test.get('status')}, subject {subject!r}")
            continue
        with urllib.request.urlopen(f"{base}{report['links']['raw']}", timeout=60) as response:
            stored = response.read()
        if not stored.endswith(record["raw"]):
            problems.append(f"{record['token']}: stored bytes differ from the bytes sent")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--size", type=int, default=20_000, help="message size in bytes")
    parser.add_argument("--no-tls", action="store_true", help="deliver without STARTTLS")
    parser.add_argument("--workers", type=int, default=2, help="web service workers")
    parser.add_argument("--nameserver", help="analyse online, DNS to this HOST:PORT")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not 0 < args.sends <= 100_000 or not 0 < args.clients <= 256:
        parser.error("--sends must be in (0, 100000] and --clients in (0, 256]")

    data_dir = tempfile.mkdtemp(prefix="spamscore-bench-inbox-")
    online = (
        {"SPAMSCORE_OFFLINE": "0", "SPAMSCORE_NAMESERVERS": args.nameserver}
        if args.nameserver
        else {"SPAMSCORE_OFFLINE": "1"}
    )
    os.environ["SPAMSCORE_RATE_LIMIT"] = "off"
    os.environ["SPAMSCORE_OFFLINE"] = "1"  # the web service analyses nothing here
    server, base = start_server(args.workers, 4, data_dir)
    inbox, port = start_inbox(data_dir, online)
    sampler = MemorySampler(inbox.pid)
    sampler.start()
    try:
        template = typical_message(args.size)
        inbox_cpu_before = cpu_seconds(inbox.pid)
        records, errors, wall = send_all(
            base, port, template, args.sends, args.clients, not args.no_tls
        )
        peak_hwm = _status_kib(inbox.pid, "VmHWM")
        inbox_cpu = cpu_seconds(inbox.pid) - inbox_cpu_before
        sampler.stop_event.set()
        problems = verify(base, records)
    finally:
        for proc in (inbox, server):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    latencies = sorted(r["seconds"] * 1000 for r in records)

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)

    figures = {
        "sends": args.sends,
        "clients": args.clients,
        "tls": not args.no_tls,
        "message_bytes": len(template),
        "analysis": "online" if args.nameserver else "offline",
        "delivered": len(records),
        "verified": len(records) - len(problems),
        "lost": args.sends - (len(records) - len(problems)),
        "wall_s": round(wall, 2),
        "messages_per_s": round(len(records) / wall, 1) if wall else 0.0,
        "smtp_ms_p50": pct(50) if latencies else None,
        "smtp_ms_p90": pct(90) if latencies else None,
        "smtp_ms_p99": pct(99) if latencies else None,
        "smtp_ms_mean": round(statistics.fmean(latencies), 1) if latencies else None,
        "inbox_cpu_ms_per_message": round(inbox_cpu * 1000 / max(len(records), 1), 1),
        "inbox_peak_rss_mib": round(max(peak_hwm, sampler.peak_total) / 1024, 1),
        "errors": errors[:10],
        "problems": problems[:10],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{figures['delivered']}/{args.sends} delivered, {figures['verified']} verified, "
            f"{figures['lost']} lost, {args.clients} clients, "
            f"{'STARTTLS' if figures['tls'] else 'plain'}, {figures['message_bytes']} B messages, "
            f"{figures['analysis']} analysis"
        )
        print(
            f"{figures['messages_per_s']} messages/s ({figures['wall_s']} s); SMTP transaction "
            f"p50 {figures['smtp_ms_p50']} ms, p90 {figures['smtp_ms_p90']} ms, "
            f"p99 {figures['smtp_ms_p99']} ms; inbox CPU {figures['inbox_cpu_ms_per_message']} ms"
            f"/message, peak RSS {figures['inbox_peak_rss_mib']} MiB"
        )
        for line in errors[:10] + problems[:10]:
            print("  " + line)
    return 0 if figures["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
