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
from scorer.settings import Limits, env_bool, env_float, env_int

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
    page_rate_limit: str | None = "600 per minute"
    """Views of stored reports (the report page, its preview, JSON and raw message, in the API
    and the pages) per caller; None switches it off (SPAMSCORE_PAGE_RATE_LIMIT=off)."""
    dns_budget: str | None = "3000 per minute"
    """DNS queries one caller (API key, or client IP without one) may cause; a message reserves
    the per-message cap (SPAMSCORE_MAX_DNS_QUERIES) and gives back what it did not use. None
    switches it off (SPAMSCORE_DNS_BUDGET=off)."""
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
    allowed_hosts: tuple[str, ...] = ()
    """Host names this service answers for (SPAMSCORE_ALLOWED_HOSTS; `*` any, `.example.com`
    a domain and its subdomains). Empty: the loopback names and `listen_host`."""
    listen_host: str = ""
    """The address `serve` listens on (allowed as a host name unless it is 0.0.0.0 or ::)."""
    metrics: str = "loopback"
    """Who may read /metrics: loopback (default), direct (not through a proxy), open, off
    (SPAMSCORE_METRICS)."""
    metrics_token: str | None = None
    """A bearer token that opens /metrics from anywhere (SPAMSCORE_METRICS_TOKEN)."""
    secret_key: str | None = None
    """Signs session cookies (SPAMSCORE_SECRET_KEY); else one is made and kept in the store."""
    quota_bytes: int = 256 * 1024 * 1024
    """Raw bytes of stored messages one caller (key, or IP without keys) may keep; past it a
    check that would store gets 507 (SPAMSCORE_QUOTA_BYTES; 0: none)."""
    store_max_bytes: int = 4 * 1024 * 1024 * 1024
    """Raw bytes of stored messages the whole store keeps; past it the oldest reports are
    deleted first (SPAMSCORE_STORE_MAX_BYTES; 0: no cap)."""
    request_timeout: float = 30.0
    """Seconds a request's headers and body have to arrive (plus one per 64 KiB of declared
    body) before it gets a 408; a slow client holds a buffer meanwhile, never a thread
    (web.worker; SPAMSCORE_REQUEST_TIMEOUT)."""
    request_buffer_bytes: int = 256 * 1024 * 1024
    """What the requests still arriving at one worker may hold together; past it a request
    over 64 KiB gets a 503 (SPAMSCORE_REQUEST_BUFFER_BYTES)."""

    def hosts(self) -> tuple[str, ...]:
        """The host names requests may name (module web.access)."""
        if self.allowed_hosts:
            return self.allowed_hosts
        from web.access import LOOPBACK_HOSTS

        own = self.listen_host.strip().strip("[]").lower()
        extra = (own,) if own and own not in ("0.0.0.0", "::", "") else ()
        return (*LOOPBACK_HOSTS, *extra)

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
            dns_budget=_rate(env, "SPAMSCORE_DNS_BUDGET", "3000 per minute"),
            page_rate_limit=_rate(env, "SPAMSCORE_PAGE_RATE_LIMIT", "600 per minute"),
            redis_url=env.get("REDIS_URL") or None,
            max_request_bytes=int(env_float(env, "SPAMSCORE_MAX_REQUEST_BYTES", 0)),
            batch_max=int(env_float(env, "SPAMSCORE_BATCH_MAX", 50)),
            trusted_proxies=int(env_float(env, "SPAMSCORE_TRUSTED_PROXIES", 0)),
            inbox_domain=inbox_domain(env),
            test_hours=env_float(env, "SPAMSCORE_TEST_HOURS", 24.0) or 24.0,
            inbox_server=inbox_server(env),
            db_auto_upgrade=env_bool(env, "SPAMSCORE_DB_AUTO_UPGRADE", True),
            replica=(env.get("SPAMSCORE_REPLICA") or socket.gethostname()).strip()[:64],
            allowed_hosts=tuple(
                h.strip() for h in env.get("SPAMSCORE_ALLOWED_HOSTS", "").split(",") if h.strip()
            ),
            metrics=_choice(env, "SPAMSCORE_METRICS", ("loopback", "direct", "open", "off")),
            metrics_token=(env.get("SPAMSCORE_METRICS_TOKEN") or "").strip() or None,
            secret_key=(env.get("SPAMSCORE_SECRET_KEY") or "").strip() or None,
            quota_bytes=env_int(env, "SPAMSCORE_QUOTA_BYTES", 256 * 1024 * 1024, minimum=0),
            store_max_bytes=env_int(
                env, "SPAMSCORE_STORE_MAX_BYTES", 4 * 1024 * 1024 * 1024, minimum=0
            ),
            request_timeout=env_float(env, "SPAMSCORE_REQUEST_TIMEOUT", 30.0, positive=True),
            request_buffer_bytes=env_int(env, "SPAMSCORE_REQUEST_BUFFER_BYTES", 256 * 1024 * 1024),
        )


def _rate(env: Mapping[str, str], key: str, default: str) -> str | None:
    """A rate such as "3000 per minute" (limits' notation), or None for off."""
    value = (env.get(key) or default).strip()
    if value.lower() in ("0", "off", "none"):
        return None
    from limits import parse

    try:
        parse(value)
    except ValueError:
        raise SettingsError(
            f"{key} must be a rate such as '3000 per minute' or off, not {value!r}"
        ) from None
    return value


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...]) -> str:
    value = (env.get(key) or choices[0]).strip().lower()
    if value not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return value


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
