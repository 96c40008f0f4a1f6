"""The web service's settings, read once from the environment (README "Web service and API").

Engine settings (threshold, limits, DNS) stay in `scorer.settings`; this holds what only the
service needs: where reports are stored and for how long, who may call the API, how fast.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from scorer.errors import SettingsError
from scorer.settings import Limits, env_bool, env_float

DEFAULT_PORT = 8025
DEFAULT_HOST = "127.0.0.1"


def default_data_dir(env: Mapping[str, str]) -> Path:
    """`SPAMSCORE_DATA_DIR`, else the XDG data directory (~/.local/share/spamscore)."""
    if env.get("SPAMSCORE_DATA_DIR"):
        return Path(env["SPAMSCORE_DATA_DIR"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "spamscore"


@dataclass(frozen=True)
class WebConfig:
    data_dir: Path
    database_url: str
    retention_days: float = 30.0
    """Stored reports (and their raw messages) are deleted this long after they were made."""
    api_keys: tuple[str, ...] = ()
    """When set, every API call needs one (X-API-Key or Authorization: Bearer)."""
    api_open: bool = False
    """Without keys the API answers loopback clients only, unless this opens it to everyone."""
    rate_limit: str | None = "120 per minute"
    """Per API key (or per client IP without one); None switches rate limiting off."""
    redis_url: str | None = None
    """Shared rate-limit counters across replicas; in-process counters without it."""
    max_request_bytes: int = 0
    """Largest request body; 0 means derived from the engine's message size limit."""
    batch_max: int = 50
    """Messages in one POST /api/v1/check/batch."""
    trusted_proxies: int = 0
    """Reverse proxies in front of us whose X-Forwarded-For/-Proto we believe."""
    inbox_domain: str = "localhost"
    """Domain of the test addresses the form and API issue; the SMTP test inbox (web/inbox)
    must receive its mail (SPAMSCORE_INBOX_DOMAIN)."""
    test_hours: float = 24.0
    """A test address accepts its one message for this long (SPAMSCORE_TEST_HOURS)."""
    inbox_server: str = "127.0.0.1:2525"
    """Where the SMTP test inbox listens, as `host:port` (SPAMSCORE_INBOX_SERVER, else
    SPAMSCORE_INBOX_HOST and SPAMSCORE_INBOX_PORT): the form offers "Send a test" only while
    something answers there, and the test page's command names it."""
    db_auto_upgrade: bool = True
    """Migrate an older database schema at start (under a lock, once for all replicas);
    0 refuses to start until `spamscore db upgrade` ran (SPAMSCORE_DB_AUTO_UPGRADE)."""
    replica: str = ""
    """This replica's name in /metrics (SPAMSCORE_REPLICA; default the host name)."""

    def request_limit(self, limits: Limits) -> int:
        """A raw message at the limit, JSON-escaped (up to ~2x), plus room for the other fields."""
        if self.max_request_bytes:
            return self.max_request_bytes
        return 2 * limits.max_message_bytes + 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebConfig:
        env = os.environ if env is None else env
        data_dir = default_data_dir(env)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'reports.sqlite3'}"
        keys = [k.strip() for k in env.get("SPAMSCORE_API_KEYS", "").split(",") if k.strip()]
        keys_file = env.get("SPAMSCORE_API_KEYS_FILE")
        if keys_file:
            try:
                text = Path(keys_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise SettingsError(
                    f"SPAMSCORE_API_KEYS_FILE: cannot read {keys_file}: {exc}"
                ) from None
            keys += [line.strip() for line in text.splitlines() if line.strip()]
            keys = [k for k in keys if not k.startswith("#")]
        for key in keys:
            if len(key) < 16:
                raise SettingsError("API keys must be at least 16 characters long")
        rate = env.get("SPAMSCORE_RATE_LIMIT", "120 per minute").strip()
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            retention_days=env_float(env, "SPAMSCORE_RETENTION_DAYS", 30.0),
            api_keys=tuple(keys),
            api_open=env_bool(env, "SPAMSCORE_API_OPEN", False),
            rate_limit=None if rate.lower() in ("", "0", "off", "none") else rate,
            redis_url=env.get("REDIS_URL") or None,
            max_request_bytes=int(env_float(env, "SPAMSCORE_MAX_REQUEST_BYTES", 0)),
            batch_max=int(env_float(env, "SPAMSCORE_BATCH_MAX", 50)),
            trusted_proxies=int(env_float(env, "SPAMSCORE_TRUSTED_PROXIES", 0)),
            inbox_domain=inbox_domain(env),
            test_hours=env_float(env, "SPAMSCORE_TEST_HOURS", 24.0) or 24.0,
            inbox_server=inbox_server(env),
            db_auto_upgrade=env_bool(env, "SPAMSCORE_DB_AUTO_UPGRADE", True),
            replica=(env.get("SPAMSCORE_REPLICA") or socket.gethostname()).strip()[:64],
        )


def inbox_server(env: Mapping[str, str]) -> str:
    """`host:port` of the SMTP test inbox as a client reaches it (0.0.0.0 means this host)."""
    given = (env.get("SPAMSCORE_INBOX_SERVER") or "").strip()
    if given:
        return given
    host = (env.get("SPAMSCORE_INBOX_HOST") or "127.0.0.1").strip()
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    port = int(env_float(env, "SPAMSCORE_INBOX_PORT", 2525))
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def inbox_domain(env: Mapping[str, str]) -> str:
    """SPAMSCORE_INBOX_DOMAIN (default localhost), validated as a host name."""
    from web.inbox.addresses import valid_domain

    domain = (env.get("SPAMSCORE_INBOX_DOMAIN") or "localhost").strip().lower().rstrip(".")
    if not valid_domain(domain):
        raise SettingsError(f"SPAMSCORE_INBOX_DOMAIN is not a host name: {domain!r}")
    return domain
