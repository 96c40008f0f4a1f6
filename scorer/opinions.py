"""Second opinions: clients for SpamAssassin's spamd (spamc protocol) and rspamd (/checkv2).

Shown beside our report so a user can compare, never added to our score. Each client has a
short timeout; a filter that is down or slow becomes a `skipped` entry with the reason.
Configured by `SPAMD_HOST=host[:port]` (port 783 by default) and `RSPAMD_URL=http://host:port`.
The report calls them "other engines" (section `engines`, skipped checks `engine.*`): those
public names stay; in the code, `Engine` is only ours (scorer.pipeline).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scorer.errors import SpamscoreError

_SPAMD_DEFAULT_PORT = 783
_MAX_REPLY = 2 * 1024 * 1024
_SPAM_HEADER = re.compile(r"^Spam:\s*(\w+)\s*;\s*(-?[\d.]+)\s*/\s*(-?[\d.]+)", re.MULTILINE)
_REPORT_ROW = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Za-z0-9_]+)\s+(.*)$")


class OpinionError(SpamscoreError):
    """Another filter could not give an opinion (down, timed out, bad reply)."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @classmethod
    def parse(cls, value: str, default_port: int) -> Endpoint:
        host, sep, port = value.strip().rpartition(":")
        if not sep or "]" in port:
            return cls(value.strip().strip("[]"), default_port)
        try:
            return cls(host.strip("[]"), int(port))
        except ValueError:
            raise OpinionError(f"bad host:port {value!r}") from None


def spamd_opinion(endpoint: Endpoint, raw: bytes, timeout: float) -> dict[str, Any]:
    """Ask spamd for a REPORT: its score, threshold, and each rule hit with points and text."""
    request = b"REPORT SPAMC/1.5\r\nContent-length: %d\r\nUser: spamscore\r\n\r\n" % len(raw) + raw
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
            chunks = []
            size = 0
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > _MAX_REPLY:
                    raise OpinionError("spamd reply too large")
    except TimeoutError:
        raise OpinionError(f"spamd at {endpoint.host}:{endpoint.port} timed out") from None
    except OSError as exc:
        raise OpinionError(
            f"spamd at {endpoint.host}:{endpoint.port} unreachable: {exc.strerror or exc}"
        ) from None
    reply = b"".join(chunks).decode("utf-8", "replace")
    head, _, body = reply.replace("\r\n", "\n").partition("\n\n")
    status = head.split("\n", 1)[0]
    if not status.startswith("SPAMD/") or " 0 " not in status + " ":
        raise OpinionError(f"spamd answered {status[:120]!r}")
    match = _SPAM_HEADER.search(head)
    if not match:
        raise OpinionError("spamd reply has no Spam: header")
    rules = []
    in_table = False
    for line in body.split("\n"):
        if line.lstrip().startswith("pts rule name"):
            in_table = True
            continue
        if not in_table or line.startswith("----"):
            continue
        row = _REPORT_ROW.match(line)
        if row:
            rules.append(
                {
                    "name": row.group(2),
                    "score": float(row.group(1)),
                    "description": row.group(3).strip(),
                }
            )
        elif line.startswith(" " * 10) and rules:  # a wrapped description
            rules[-1]["description"] += " " + line.strip()
    rules.sort(key=lambda r: (-r["score"], r["name"]))
    return {
        "score": float(match.group(2)),
        "threshold": float(match.group(3)),
        "is_spam": match.group(1).lower() in ("true", "yes"),
        "rules": rules,
    }


def rspamd_opinion(
    url: str, raw: bytes, timeout: float, envelope: dict[str, str] | None = None
) -> dict[str, Any]:
    """POST the message to rspamd's /checkv2 and return its score, action and symbols."""
    parts = urlsplit(url if "//" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OpinionError(f"RSPAMD_URL must be http(s)://host:port, not {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 11333)
    conn_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    headers = {"Content-Length": str(len(raw))}
    for key, value in (envelope or {}).items():
        if value:
            headers[key] = value
    conn = conn_class(parts.hostname, port, timeout=timeout)
    try:
        conn.request("POST", (parts.path.rstrip("/") or "") + "/checkv2", body=raw, headers=headers)
        response = conn.getresponse()
        body = response.read(_MAX_REPLY)
    except TimeoutError:
        raise OpinionError(f"rspamd at {parts.hostname}:{port} timed out") from None
    except (OSError, http.client.HTTPException) as exc:
        raise OpinionError(f"rspamd at {parts.hostname}:{port} unreachable: {exc}") from None
    finally:
        conn.close()
    if response.status != 200:
        raise OpinionError(f"rspamd answered HTTP {response.status}")
    try:
        data = json.loads(body)
        symbols = [
            {
                "name": name,
                "score": round(float(info.get("score", 0.0)), 3),
                "description": info.get("description", ""),
            }
            for name, info in data.get("symbols", {}).items()
        ]
        score = float(data["score"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise OpinionError("rspamd reply is not the /checkv2 JSON") from None
    symbols.sort(key=lambda s: (-s["score"], s["name"]))
    return {
        "score": round(score, 3),
        "required_score": data.get("required_score"),
        "action": data.get("action"),
        "is_spam": data.get("action") not in (None, "no action", "greylist"),
        "rules": symbols,
    }
