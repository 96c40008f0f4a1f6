"""The spamd listener's settings (`SPAMSCORE_SPAMD_*`), read once from the environment.

Message size, analysis budget and DNS limits are the engine's own (scorer.settings): a message
is judged the same whichever face received it. These are the listener's: where it listens,
who may connect, how many processes, connections and seconds it gives a client.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

from scorer.errors import SettingsError
from scorer.settings import env_bool, env_float, env_int

DEFAULT_PORT = 783  # spamd's, so spamc, Exim and spamass-milter find us without options


def default_children() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass(frozen=True)
class SpamdConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    max_children: int = 0
    """Worker processes (0: one per core, at most 8). The engine is CPU-bound Python: only
    processes use more than one core."""
    threads: int = 4
    """Analyses at once per worker; more than one lets DNS waits overlap."""
    max_connections: int = 64
    """Open connections per worker; past it a client gets EX_TEMPFAIL at once."""
    timeout: float = 30.0
    """Seconds a client has to send its whole request (spamd's --timeout-tcp)."""
    allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )
    """Clients that may connect (spamd's --allowed-ips; loopback by default)."""
    store: bool = False
    """Keep each message and its report in the web service's store, and link to it."""
    public_url: str = "http://127.0.0.1:8025"
    """Base URL of the web service, for the X-Spam-Report-URL link of stored reports."""

    @property
    def children(self) -> int:
        return self.max_children or default_children()

    def allows(self, address: str | None) -> bool:
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.allowed if net.version == ip.version)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SpamdConfig:
        env = os.environ if env is None else env
        allowed = cls.allowed
        if (env.get("SPAMSCORE_SPAMD_ALLOWED_IPS") or "").strip():
            allowed = parse_networks(env["SPAMSCORE_SPAMD_ALLOWED_IPS"])
        port = env_int(env, "SPAMSCORE_SPAMD_PORT", DEFAULT_PORT)
        if port > 65535:
            raise SettingsError(f"SPAMSCORE_SPAMD_PORT must be 1-65535, not {port}")
        public = env.get("SPAMSCORE_PUBLIC_URL") or (
            f"http://{env.get('SPAMSCORE_HOST') or '127.0.0.1'}:{env.get('SPAMSCORE_PORT') or 8025}"
        )
        return cls(
            host=env.get("SPAMSCORE_SPAMD_HOST") or "127.0.0.1",
            port=port,
            max_children=env_int(env, "SPAMSCORE_SPAMD_MAX_CHILDREN", 0, minimum=0),
            threads=env_int(env, "SPAMSCORE_SPAMD_THREADS", 4),
            max_connections=env_int(env, "SPAMSCORE_SPAMD_MAX_CONNECTIONS", 64),
            timeout=env_float(env, "SPAMSCORE_SPAMD_TIMEOUT", 30.0, positive=True),
            allowed=allowed,
            store=env_bool(env, "SPAMSCORE_SPAMD_STORE", False),
            public_url=public.rstrip("/"),
        )


def parse_networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`127.0.0.1,10.0.0.0/8,::1`: addresses and CIDR networks, comma-separated."""
    networks = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(
                f"SPAMSCORE_SPAMD_ALLOWED_IPS: not an address or network: {item!r}"
            ) from None
    return tuple(networks)
