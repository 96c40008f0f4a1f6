"""`spamscore serve`: the web service under gunicorn, on embedded defaults; with `--inbox`,
the SMTP test inbox beside it (its own process, the same store).

Registered through the `spamscore.commands` entry point, so the engine's CLI never imports the
web package. Nothing heavy is imported until the command runs: prometheus_client must see
PROMETHEUS_MULTIPROC_DIR before it is first imported, so that the workers' metrics add up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

DEFAULT_THREADS = 4
DEFAULT_KEEPALIVE_REQUESTS = 25
GC_YOUNG_THRESHOLD = 10_000
"""Net new container objects before the garbage collector looks at the young generation
(Python's default: 700). One analysis holds more than 700 at its peak, so the default made
one collection per message, 0.19 ms of a SpamAssassin-corpus check and 0.53 ms of a
foff-milter-2025 one (gc callbacks, 150 messages each, stored); at 10,000, one per 150
messages. Everything a check allocates is freed by reference counting when it ends; the
collector is only for cycles, which now wait a little longer (tests/web/test_memory.py)."""


def register_serve(sub: Any) -> None:
    from web.config import DEFAULT_HOST, DEFAULT_PORT

    parser = sub.add_parser(
        "serve",
        help="start the web form and JSON API (gunicorn)",
        description="Start the web form and the JSON API. Settings: README 'Web service and API'.",
    )
    parser.add_argument(
        "--host",
        default=os.environ.get("SPAMSCORE_HOST", DEFAULT_HOST),
        help=f"address to listen on (default {DEFAULT_HOST}; SPAMSCORE_HOST)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SPAMSCORE_PORT", DEFAULT_PORT)),
        help=f"port (default {DEFAULT_PORT}; SPAMSCORE_PORT)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("SPAMSCORE_WORKERS", "0")) or None,
        help="worker processes (default: CPU cores, at most 8; SPAMSCORE_WORKERS)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("SPAMSCORE_THREADS", DEFAULT_THREADS)),
        help=f"threads per worker, for requests waiting on DNS (default {DEFAULT_THREADS})",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=int(os.environ.get("SPAMSCORE_WORKER_TIMEOUT", "60")),
        help="seconds before a stuck worker is restarted (default 60)",
    )
    parser.add_argument(
        "--inbox",
        action="store_true",
        default=os.environ.get("SPAMSCORE_SERVE_INBOX", "").lower() in ("1", "true", "yes", "on"),
        help="also start the SMTP test inbox, as its own process (SPAMSCORE_SERVE_INBOX=1)",
    )
    parser.add_argument("--inbox-host", help="the inbox's address (default 127.0.0.1)")
    parser.add_argument("--inbox-port", type=int, help="the inbox's port (default 2525)")
    parser.add_argument(
        "--inbox-domain", help="domain of the test addresses (SPAMSCORE_INBOX_DOMAIN)"
    )
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from scorer.errors import UsageError

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1-65535, not {args.port}")
    workers = args.workers or min(os.cpu_count() or 1, 8)
    if workers < 1 or args.threads < 1:
        raise UsageError("--workers and --threads must be at least 1")
    from scorer.settings import Settings

    budget_s = Settings.from_env().limits.time_budget_ms / 1000
    if args.timeout < budget_s + 2:
        raise UsageError(
            f"--timeout (SPAMSCORE_WORKER_TIMEOUT) is {args.timeout} s: it must exceed the "
            f"time budget of {budget_s:g} s (SPAMSCORE_TIME_BUDGET_MS) by 2 s at least, so the "
            "engine's own deadline ends an analysis first"
        )
    _open_store()
    inbox = _start_inbox(args) if args.inbox else None
    _say_inbox(args, started=inbox is not None)
    own_metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        own_metrics_dir = tempfile.mkdtemp(prefix="spamscore-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = own_metrics_dir
    try:
        serve(args.host, args.port, workers=workers, threads=args.threads, timeout=args.timeout)
    finally:
        if own_metrics_dir:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
        if inbox is not None:
            _stop_inbox(inbox)
    return 0


def _open_store() -> None:
    """Check (and if older, migrate) the store's schema before anything starts, so a database
    that cannot be used is one line and a non-zero exit."""
    from web.config import WebConfig
    from web.store import ReportStore

    store = ReportStore.from_config(WebConfig.from_env())
    try:
        if store.open() == "upgraded":
            print("spamscore: database schema upgraded", file=sys.stderr, flush=True)
    finally:
        store.dispose()


def _start_inbox(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """`spamscore inbox` as a child process sharing our environment (store, domain); it stops
    when we do, or by itself if we die without stopping it."""
    from scorer.errors import UsageError

    if args.inbox_domain:
        # The web service issues addresses in the same domain the inbox accepts.
        os.environ["SPAMSCORE_INBOX_DOMAIN"] = args.inbox_domain
    # ... and knows where it listens (the form's "Send a test", the test page's command)
    if args.inbox_host:
        os.environ["SPAMSCORE_INBOX_HOST"] = args.inbox_host
    if args.inbox_port is not None:
        os.environ["SPAMSCORE_INBOX_PORT"] = str(args.inbox_port)
    command = [sys.executable, "-m", "scorer.cli", "inbox"]
    if args.inbox_host:
        command += ["--host", args.inbox_host]
    if args.inbox_port is not None:
        command += ["--port", str(args.inbox_port)]
    env = {**os.environ, "SPAMSCORE_INBOX_PARENT_PID": str(os.getpid())}
    child = subprocess.Popen(command, env=env)
    host = args.inbox_host or os.environ.get("SPAMSCORE_INBOX_HOST") or "127.0.0.1"
    port = args.inbox_port or int(os.environ.get("SPAMSCORE_INBOX_PORT") or 2525)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise UsageError(f"the test inbox exited with status {child.returncode}")
        try:
            with socket.create_connection((_connect_host(host), port), timeout=1):
                return child
        except OSError:
            time.sleep(0.1)
    _stop_inbox(child)
    raise UsageError("the test inbox did not start listening within 60 s")


def _say_inbox(args: argparse.Namespace, *, started: bool) -> None:
    """One line on stderr: is the SMTP test inbox running (the form offers "Send a test" only
    while it answers)?"""
    from web.config import WebConfig
    from web.inboxstatus import inbox_running

    server = WebConfig.from_env().inbox_server
    if started:
        state = f"running on {server}"
    elif inbox_running(server):
        state = f"running on {server} (started separately)"
    else:
        state = (
            f'not running (nothing answers on {server}); the form hides "Send a test". '
            "Start it with `spamscore serve --inbox`, or `spamscore inbox`"
        )
    print(f"spamscore: SMTP test inbox: {state}", file=sys.stderr, flush=True)


def _connect_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def _stop_inbox(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)


def serve(host: str, port: int, *, workers: int, threads: int, timeout: int) -> None:
    """Run gunicorn in this process until it is stopped (SIGTERM/SIGINT)."""
    from gunicorn.app.base import BaseApplication

    from scorer.settings import env_int
    from web import create_app, services_of, warm_up
    from web.config import WebConfig
    from web.metrics import mark_process_dead
    from web.security import is_loopback

    config = WebConfig.from_env()
    if not config.api_keys and not config.api_open and not _loopback_host(host, is_loopback):
        print(
            f"spamscore: listening on {host} without API keys: the service answers loopback "
            "clients only (set SPAMSCORE_API_KEYS, or SPAMSCORE_API_OPEN=1)",
            file=sys.stderr,
        )
    if not config.allowed_hosts and host in ("0.0.0.0", "::"):
        print(
            f"spamscore: listening on {host} without SPAMSCORE_ALLOWED_HOSTS: requests that "
            "name a host other than localhost get 400 (set it to the names clients use, or *)",
            file=sys.stderr,
        )
    # Preloaded: rules, checks and the model are loaded once and shared copy-on-write by the
    # workers. The store is opened here once (the schema checked, and migrated under a lock
    # if it is older: replicas starting together migrate it once), then its connections are
    # dropped: each worker connects after the fork.
    app = create_app({"listen_host": host})
    store = services_of(app).store
    store.open()
    warm_up(app)
    store.maybe_purge(now=True)
    store.dispose()
    _freeze_heap()

    keepalive_requests = env_int(
        os.environ, "SPAMSCORE_KEEPALIVE_REQUESTS", DEFAULT_KEEPALIVE_REQUESTS
    )
    import web.worker
    from web.workerload import WorkerLoads

    web.worker.LOADS = WorkerLoads(2 * workers + 2)  # room for replacements overlapping

    def _claim_load_slot(_server: Any, worker: Any) -> None:
        worker.load_slot = web.worker.LOADS.claim() if web.worker.LOADS else None

    def _worker_exited(_server: Any, worker: Any) -> None:
        if web.worker.LOADS is not None:
            web.worker.LOADS.release(getattr(worker, "load_slot", None))
        mark_process_dead(worker.pid)

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "web.worker.BufferingWorker",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 20,
        "keepalive": 5,
        "preload_app": True,
        "accesslog": os.environ.get("SPAMSCORE_ACCESS_LOG") or None,
        "errorlog": "-",
        "loglevel": os.environ.get("SPAMSCORE_LOG_LEVEL", "info"),
        "proc_name": "spamscore",
        "forwarded_allow_ips": "*" if config.trusted_proxies else "127.0.0.1",
        "limit_request_line": 8190,
        # gunicorn >= 24 opens a control socket in $HOME; we have no use for it.
        "control_socket_disable": True,
        # Each worker's heartbeat touches a file on every turn of its event loop (several times
        # per request); on a disk file system that is a journalled metadata write. gunicorn's
        # own advice: keep that file in memory.
        "worker_tmp_dir": _memory_tmp_dir(),
        "pre_fork": _claim_load_slot,
        "post_fork": lambda _server, _worker: store.dispose(),
        "pre_request": _close_after(keepalive_requests),
        "child_exit": _worker_exited,
        "when_ready": lambda _server: print(
            f"spamscore: serving on http://{_display(host)}:{port}/ "
            f"({workers} workers x {threads} threads)",
            file=sys.stderr,
            flush=True,
        ),
    }

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None and key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    _Gunicorn().run()


def _memory_tmp_dir() -> str | None:
    """/dev/shm when this machine has it (Linux), else gunicorn's default temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _close_after(limit: int) -> Callable[[Any, Any], None]:
    """A pre_request hook that closes a keep-alive connection after its `limit`-th request,
    as nginx's keepalive_requests does, and at once when this worker runs two analyses more
    than the least busy worker (web.workerload). Each worker keeps the connections it
    accepted, so clients that hold a few connections open can leave one worker with most of
    them and a core idle (8 connections were split 6:2 or 7:1 in most bench/load.py runs, at
    150 instead of 270-300 requests/s; the 2 clients of bench/http_api.py shared one worker
    in about half the runs, their analyses taking turns on one GIL while the other worker
    idled). A client that reconnects is accepted by whichever worker gets to it first,
    mostly an idle one (a busy worker's main loop first waits for the GIL); a reconnect
    costs one TCP handshake, which a client on a worker no busier than the others never
    pays."""

    def pre_request(worker: Any, req: Any) -> None:
        if getattr(req, "req_number", 0) >= limit or worker.should_move():
            req.force_close()  # the answer says "Connection: close"

    return pre_request


def _freeze_heap() -> None:
    """Move everything loaded so far (rules, checks, the model, the libraries) out of the
    garbage collector's sight before gunicorn forks, as the gc module's documentation advises
    for pre-forking servers: otherwise a full collection in a worker walks the ~150,000
    long-lived objects and writes to their pages, un-sharing memory the workers share
    copy-on-write (measured with bench/load.py: 288 instead of 323 MiB PSS for 2 workers).
    The workers inherit a young-generation threshold of GC_YOUNG_THRESHOLD."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def _loopback_host(host: str, is_loopback: Any) -> bool:
    return host in ("localhost",) or is_loopback(host)


def _display(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return "localhost"
    return f"[{host}]" if ":" in host else host
