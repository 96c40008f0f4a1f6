"""spamc round trips against `spamscore spamd` and SpamAssassin's spamd, same messages, same run.

Starts `spamscore spamd` (offline, --max-children, on a free loopback port), takes a seeded
sample of the SpamAssassin public corpus, and sends every message through Debian's `spamc -R`
(REPORT, as ../shared/anchors/score_sa.py does) to each server in turn with the same
concurrency, after a few unmeasured warm-up messages. Prints messages/s (wall), median and p95
round trip per server and the ratio. SpamAssassin's spamd must be running
(`bash ../shared/anchors/start.sh sa`: 127.0.0.1:17783, offline, 2 children).

    python bench/spamd.py [--sample 400] [--seed 42] [-j 2] [--children 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "spamassassin-2003"
SPAMSCORE = Path(sys.executable).with_name("spamscore")


def sample(n: int, seed: int) -> list[bytes]:
    messages = []
    for name in ("ham.tar.gz", "spam.tar.gz"):
        with tarfile.open(CORPUS / name) as archive:
            for member in archive.getmembers():
                if member.isfile():
                    messages.append(archive.extractfile(member).read())  # type: ignore[union-attr]
    random.Random(seed).shuffle(messages)
    return messages[:n]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"PING SPAMC/1.5\r\n\r\n")
            return sock.recv(32).startswith(b"SPAMD/1.5 0 PONG")
    except OSError:
        return False


def run(port: int, messages: list[bytes], jobs: int) -> dict[str, float]:
    def one(raw: bytes) -> float:
        started = time.perf_counter()
        result = subprocess.run(
            ["spamc", "-d", "127.0.0.1", "-p", str(port), "-R", "-x", "-s", "20000000"],
            input=raw,
            capture_output=True,
        )
        if result.returncode not in (0, 1):
            raise RuntimeError(f"spamc exit {result.returncode}: {result.stderr[:200]!r}")
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, messages[:4]))  # warm-up, not measured
        started = time.perf_counter()
        times = list(pool.map(one, messages))
        wall = time.perf_counter() - started
    times.sort()
    return {
        "messages": len(times),
        "msgs_per_s": round(len(times) / wall, 1),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--sa-port", type=int, default=int(os.environ.get("SA_PORT", 17783)))
    args = parser.parse_args()
    if not answers(args.sa_port):
        print(f"SpamAssassin's spamd does not answer on {args.sa_port}", file=sys.stderr)
        return 2
    messages = sample(args.sample, args.seed)
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-spamd-")) / "spamd.log"
    env = {**os.environ, "SPAMSCORE_OFFLINE": "1", "SPAMSCORE_LOG_LEVEL": "warning"}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(SPAMSCORE), "spamd", "--port", str(port), "--max-children", str(args.children)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                print(f"spamscore spamd did not start (log: {log})", file=sys.stderr)
                return 2
            time.sleep(0.2)
        ours = run(port, messages, args.jobs)
        theirs = run(args.sa_port, messages, args.jobs)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "sample": args.sample,
        "seed": args.seed,
        "jobs": args.jobs,
        "spamscore": {"children": args.children, **ours},
        "spamassassin": theirs,
        "ratio_msgs_per_s": round(ours["msgs_per_s"] / theirs["msgs_per_s"], 1),
        "load_average": os.getloadavg()[0],
    }
    print(f"{'server':<14} {'msgs/s':>8} {'median ms':>10} {'p95 ms':>8}")
    for name in ("spamscore", "spamassassin"):
        row = result[name]
        print(f"{name:<14} {row['msgs_per_s']:>8} {row['median_ms']:>10} {row['p95_ms']:>8}")
    print(f"spamscore / SpamAssassin: {result['ratio_msgs_per_s']}x messages/s")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
