"""Throwaway PostgreSQL, Redis and nginx servers on free loopback ports, for tests and benches.

PostgreSQL is a new cluster made with Debian's binaries (run as the `postgres` user when we are
root), logging every DDL statement with its database name, so a test can count how often a
table was created. Redis keeps nothing on disk. nginx runs with its own prefix and config.
All stop (and their files go) when the context ends.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import free_port

PG_BINDIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class Postgres:
    port: int
    log: Path
    data: Path

    @property
    def pid(self) -> int:
        """The postmaster's pid (its children are the backends)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://spamscore@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database on this server; returns its SQLAlchemy URL."""
        import sqlalchemy as sa

        name = f"{prefix}_{secrets.token_hex(4)}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)

    def ddl(self, database: str) -> list[str]:
        """DDL statements the server ran in `database` (log_statement=ddl), in order."""
        marker = f"[{database}] LOG:  statement: "
        statements: list[str] = []
        current: list[str] | None = None
        for line in self.log.read_text(errors="replace").splitlines():
            if marker in line:
                current = [line.split(marker, 1)[1]]
                statements.append("")
            elif current is not None and line.startswith("\t"):
                current.append(line)  # a statement's continuation lines are tab-indented
            else:
                current = None
            if current is not None:
                statements[-1] = " ".join(" ".join(current).split())
        return statements

    def errors(self, database: str) -> list[str]:
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if f"[{database}] ERROR:" in line
        ]


@contextlib.contextmanager
def postgres() -> Iterator[Postgres]:
    """A new cluster on a free port: trust auth for `spamscore`, fsync off, DDL logged."""
    bindir = Path(PG_BINDIRS[-1])
    root = Path(tempfile.mkdtemp(prefix="spamscore-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port, log = root / "data", free_port(), root / "log"
    subprocess.run(
        _as_owner(
            [
                *(str(bindir / "initdb"), "-D", str(data), "-U", "spamscore"),
                *("--auth=trust", "--no-sync", "-E", "UTF8"),
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
        "-c log_statement=ddl -c log_line_prefix='[%d] '"
    )
    subprocess.run(
        _as_owner(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield Postgres(port, log, data)
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Redis:
    url: str
    pid: int


@contextlib.contextmanager
def redis() -> Iterator[str]:
    """A redis-server on a free port, nothing saved; yields its URL."""
    with redis_server() as server:
        yield server.url


@contextlib.contextmanager
def redis_server() -> Iterator[Redis]:
    """A redis-server on a free port, nothing saved."""
    import redis as redis_client

    server = shutil.which("redis-server")
    assert server is not None
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="spamscore-redis-"))
    proc = subprocess.Popen(
        [
            *(server, "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(workdir)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis_client.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    try:
        while True:
            try:
                client.ping()
                break
            except redis_client.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield Redis(f"redis://127.0.0.1:{port}/0", proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class Nginx:
    port: int
    prefix: Path
    pid: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def nginx(upstreams: list[int]) -> Iterator[Nginx]:
    """nginx on a free port in front of `spamscore serve` replicas on 127.0.0.1:`upstreams`,
    with the deployment's own proxy settings (deploy/nginx/spamscore-proxy.conf): the compose
    topology's reverse proxy, with the replicas' addresses written in instead of Docker's DNS."""
    assert NGINX is not None
    prefix = Path(tempfile.mkdtemp(prefix="spamscore-nginx-"))
    port = free_port()
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstreams
    )
    user = "user root root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream spamscore {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {DEPLOY / "nginx" / "spamscore-proxy.conf"};
    }}
}}
"""
    )
    with (prefix / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 10
    while True:
        if proc.poll() is not None:
            output = (prefix / "stderr.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"nginx exited: {output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)
    try:
        yield Nginx(port, prefix, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(prefix, ignore_errors=True)
