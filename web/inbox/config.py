"""The SMTP test inbox's settings (README "Three ways to test a message"), read once from the
environment; `spamscore inbox` flags override host, port and domain.

The store and the retention come from the web service's settings (web.config), which the inbox
shares; the message size limit defaults to the engine's, less room for our Received line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from scorer.errors import SettingsError
from scorer.settings import Limits, env_float, env_int
from web.config import WebConfig, inbox_domain

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2525
TRACE_RESERVE = 2048
"""Bytes kept free under the engine's size limit for the Received line we prepend."""


@dataclass(frozen=True)
class InboxConfig:
    web: WebConfig
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    domain: str = "localhost"
    """Recipients must be test addresses issued in this domain."""
    hostname: str = "localhost"
    """Our name in the greeting, in the Received line and in the self-signed certificate."""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    """PEM files for STARTTLS; without them a self-signed pair is made in the data directory."""
    max_message_bytes: int = Limits().max_message_bytes - TRACE_RESERVE
    """Larger messages are refused: 552 at MAIL FROM when SIZE= says so, else after DATA."""
    idle_timeout: float = 60.0
    """A client that sends nothing for this long is dropped (421)."""
    session_timeout: float = 600.0
    """No connection lasts longer than this, however busy (a slow drip is dropped too)."""
    max_connections: int = 100
    """Connections beyond this get 421 at once."""
    max_recipients: int = 10
    """RCPT TO per message (452 beyond it)."""
    max_bad_recipients: int = 10
    """Refused recipients per connection before we hang up (421): address harvesting."""
    workers: int = 4
    """Threads analysing messages; a DATA reply waits for its analysis."""

    @property
    def data_dir(self) -> Path:
        return self.web.data_dir

    def replace(self, **changes: object) -> InboxConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> InboxConfig:
        env = os.environ if env is None else env
        web = WebConfig.from_env(env)
        domain = inbox_domain(env)
        engine_limit = env_int(env, "SPAMSCORE_MAX_MESSAGE_BYTES", Limits().max_message_bytes)
        cert = env.get("SPAMSCORE_INBOX_TLS_CERT") or None
        key = env.get("SPAMSCORE_INBOX_TLS_KEY") or None
        if bool(cert) != bool(key):
            raise SettingsError("set both SPAMSCORE_INBOX_TLS_CERT and SPAMSCORE_INBOX_TLS_KEY")
        max_bytes = env_int(env, "SPAMSCORE_INBOX_MAX_BYTES", engine_limit - TRACE_RESERVE)
        return cls(
            web=web,
            host=env.get("SPAMSCORE_INBOX_HOST") or DEFAULT_HOST,
            port=env_int(env, "SPAMSCORE_INBOX_PORT", DEFAULT_PORT),
            domain=domain,
            hostname=(env.get("SPAMSCORE_INBOX_HOSTNAME") or domain).strip().lower(),
            tls_cert=Path(cert).expanduser() if cert else None,
            tls_key=Path(key).expanduser() if key else None,
            max_message_bytes=min(max_bytes, engine_limit - TRACE_RESERVE),
            idle_timeout=env_float(env, "SPAMSCORE_INBOX_TIMEOUT", 60.0, positive=True),
            session_timeout=env_float(env, "SPAMSCORE_INBOX_SESSION_SECONDS", 600.0, positive=True),
            max_connections=env_int(env, "SPAMSCORE_INBOX_MAX_CONNECTIONS", 100),
            max_recipients=env_int(env, "SPAMSCORE_INBOX_MAX_RECIPIENTS", 10),
            workers=env_int(env, "SPAMSCORE_INBOX_WORKERS", 4),
        )
