"""Scale-out bench: 1, 2 and 4 `spamscore serve` replicas behind nginx, on one PostgreSQL and
one Redis, all on loopback (the topology of deploy/compose.yaml, without Docker).

    .venv/bin/python bench/scale.py                        # 1, 2, 4 replicas, 20 s each
    .venv/bin/python bench/scale.py --replicas 1 2 --seconds 10 --repeat 3 --json

For each replica count it makes a new database on the shared PostgreSQL, starts the replicas
(`--workers` gunicorn workers each; rate limits counted in Redis, reports stored in
PostgreSQL) and nginx with deploy/nginx/spamscore-proxy.conf in front, then sends the real ESP
templates of bench/load.py (15-25 KB, `--synthetic` for its generated newsletter) from
`--clients` keep-alive connections to POST /api/v1/check?offline=true through nginx. It prints
requests/s, p50/p99, errors, and the CPU spent per request by the replicas, PostgreSQL,
Redis, nginx and the load client, read from /proc: on a machine with C cores the CPU-bound
ceiling of this topology is C x 1000 / (total CPU ms per request), and the replicas' share of
it is what adding replicas on more cores multiplies. Traffic goes to 127.0.0.1 only and each
run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import _run, template_messages, typical_message  # noqa: E402
from bench.procstat import cpu_seconds, process_tree  # noqa: E402
from tests.support import servers  # noqa: E402
from tests.support.processes import free_port  # noqa: E402

SPAMSCORE = Path(sys.executable).with_name("spamscore")


def start_replica(env: dict[str, str], data_dir: Path, workers: int, threads: int):
    port = free_port()
    full = {**os.environ, **env, "SPAMSCORE_DATA_DIR": str(data_dir)}
    full.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen(
        [
            *(str(SPAMSCORE), "serve", "--port", str(port)),
            *("--workers", str(workers), "--threads", str(threads)),
        ],
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return proc, port


def wait_healthy(proc: subprocess.Popen, port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"replica on port {port} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"replica on port {port} did not become ready")


def cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def one_run(args, pg: servers.Postgres, redis: servers.Redis, count: int, bodies) -> dict:
    database_url = pg.new_database(f"scale{count}")
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "SPAMSCORE_RATE_LIMIT": "1000000 per minute",  # counted in Redis, never reached
        "SPAMSCORE_TRUSTED_PROXIES": "1",
        "SPAMSCORE_LOG_LEVEL": "warning",
    }
    tmp = tempfile.TemporaryDirectory(prefix="spamscore-scale-")
    replicas = [
        start_replica(env, Path(tmp.name) / f"r{i}", args.workers, args.threads)
        for i in range(count)
    ]
    try:
        for proc, port in replicas:
            wait_healthy(proc, port)
        with servers.nginx([port for _, port in replicas]) as proxy:
            if args.warmup:
                asyncio.run(_run(proxy.base, bodies, args.clients, args.warmup, True))
            groups = {
                "replicas": [p for proc, _ in replicas for p in process_tree(proc.pid)],
                "postgres": process_tree(pg.pid),
                "redis": [redis.pid],
                "nginx": process_tree(proxy.pid),
            }
            before = {name: cpu(pids) for name, pids in groups.items()}
            client0 = time.process_time()
            latencies, errors, statuses, elapsed = asyncio.run(
                _run(proxy.base, bodies, args.clients, args.seconds, True)
            )
            client = time.process_time() - client0
            used = {name: cpu(pids) - before[name] for name, pids in groups.items()}
    finally:
        for proc, _ in replicas:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, _ in replicas:
            proc.wait(timeout=30)
        tmp.cleanup()
    done = max(len(latencies), 1)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    per_request = {f"{k}_cpu_ms": round(v / done * 1000, 2) for k, v in used.items()}
    per_request["client_cpu_ms"] = round(client / done * 1000, 2)
    total_ms = sum(per_request.values())
    return {
        "replicas": count,
        "workers_per_replica": args.workers,
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.5), 1) if latencies else None,
        "p99_ms": round(pct(0.99), 1) if latencies else None,
        "errors": len(errors),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        **per_request,
        "server_cpu_ms": round(total_ms - per_request["client_cpu_ms"], 2),
        "total_cpu_ms": round(total_ms, 2),
        "cpu_bound_capacity_rps": round((os.cpu_count() or 1) * 1000 / total_ms, 1),
        "cores_busy": round(sum(used.values()) / elapsed + client / elapsed, 2),
        "loadavg_after": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per replica")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=1, help="rounds over --replicas")
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 0 < args.seconds <= 120 or not 0 < args.clients <= 128 or max(args.replicas) > 8:
        parser.error("--seconds in (0, 120], --clients in (0, 128], at most 8 replicas")
    if not servers.PG_BINDIRS or servers.NGINX is None:
        parser.error("needs Debian's postgresql, redis-server and nginx-light")
    bodies = [typical_message()] if args.synthetic else template_messages()
    runs = []
    with servers.postgres() as pg, servers.redis_server() as redis:
        for _round in range(args.repeat):
            for count in args.replicas:  # interleaved: machine noise spreads over all counts
                run = one_run(args, pg, redis, count, bodies)
                runs.append(run)
                if not args.json:
                    print(json.dumps(run), flush=True)
    summary = []
    base = None
    for count in args.replicas:
        mine = [r for r in runs if r["replicas"] == count]
        row = {
            "replicas": count,
            "requests_per_s_median": statistics.median(r["requests_per_s"] for r in mine),
            "p99_ms_median": statistics.median(r["p99_ms"] for r in mine),
            "errors": sum(r["errors"] for r in mine),
            **{
                key: statistics.median(r[key] for r in mine)
                for key in mine[0]
                if key.endswith("_cpu_ms")
            },
        }
        base = base or row["requests_per_s_median"]
        row["growth_vs_first"] = round(row["requests_per_s_median"] / base, 2)
        summary.append(row)
    if args.json:
        print(json.dumps({"cpu_count": os.cpu_count(), "runs": runs, "summary": summary}, indent=2))
    else:
        print(f"\ncpu_count {os.cpu_count()}, medians over {args.repeat} round(s):")
        for row in summary:
            print(json.dumps(row))
    return 0 if all(r["errors"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
