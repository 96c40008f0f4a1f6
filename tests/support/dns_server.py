"""An authoritative DNS server for tests, on 127.0.0.1 (UDP and TCP, same port), built on dnslib.

It serves zone data in the format of the OpenSPF test suites (../shared/conformance/spf): a
mapping of names to a list of `{TYPE: value}` items, where TYPE is A, AAAA, MX, PTR, TXT, SPF or
CNAME. A TXT/SPF value may be a list (several strings in one record); `NONE` means no record of
that type; a bare `TIMEOUT` item makes queries for types not listed before it go unanswered;
`{TYPE: TIMEOUT}` times out only that type; a bare `SERVFAIL` (or `{TYPE: SERVFAIL}`) answers
SERVFAIL. Names not listed are NXDOMAIN. As in the suites' driver, an SPF value is also served as
TXT unless the name has its own TXT item. Names may start with `*.` (wildcards).

Run standalone for manual checks (the README's acceptance command uses it):

    python -m tests.support.dns_server --port 5353 --zones tests/data/dns/example.yaml
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from dnslib import AAAA, CNAME, MX, PTR, QTYPE, RCODE, RR, SOA, TXT, A, DNSLabel, DNSRecord

TIMEOUT = "TIMEOUT"
SERVFAIL = "SERVFAIL"
_TYPES = ("A", "AAAA", "MX", "PTR", "TXT", "SPF", "CNAME")
_TTL = 300
_MAX_CNAME_CHAIN = 8


@dataclass(frozen=True)
class Record:
    rtype: str
    value: Any


@dataclass
class Node:
    """What one name holds: records, and the types (or "*") that time out or SERVFAIL."""

    records: list[Record]
    timeout_after: set[str] | None = None
    """Types with a record before a bare TIMEOUT; None when there is no bare TIMEOUT."""
    timeout_types: set[str] | None = None
    servfail_types: set[str] | None = None


def _text(value: Any) -> str:
    return str(value).strip().lower().rstrip(".")


def compile_zones(data: Mapping[str, Iterable[Any]]) -> dict[str, Node]:
    """Turn suite-format zone data into nodes keyed by lower-case name."""
    zones: dict[str, Node] = {}
    for raw_name, items in (data or {}).items():
        name = _text(raw_name)
        node = zones.setdefault(name, Node([], None, set(), set()))
        has_txt = False
        spf_values: list[Any] = []
        seen_types: set[str] = set()
        for item in items or []:
            if item == TIMEOUT or (isinstance(item, dict) and item.get("TIMEOUT") is True):
                node.timeout_after = set(seen_types)
                continue
            if item == SERVFAIL or (isinstance(item, dict) and item.get("SERVFAIL") is True):
                node.servfail_types = {"*"}
                continue
            if not isinstance(item, dict):
                raise ValueError(f"{raw_name}: bad zone item {item!r}")
            for rtype, value in item.items():
                rtype = str(rtype).upper()
                if rtype not in _TYPES:
                    raise ValueError(f"{raw_name}: unsupported type {rtype}")
                if value != "NONE":
                    seen_types.add(rtype)
                if rtype == "TXT":
                    has_txt = True
                if value == TIMEOUT:
                    assert node.timeout_types is not None
                    node.timeout_types.add(rtype)
                    continue
                if value == SERVFAIL:
                    assert node.servfail_types is not None
                    node.servfail_types.add(rtype)
                    continue
                if value == "NONE":
                    continue
                if rtype == "SPF":
                    spf_values.append(value)
                node.records.append(Record(rtype, value))
        if not has_txt:
            node.records.extend(Record("TXT", v) for v in spf_values)
    return zones


def load_zone_files(paths: Iterable[Path | str]) -> dict[str, Any]:
    """Merge YAML zone files (each a mapping of name to items) into one mapping."""
    merged: dict[str, Any] = {}
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        for name, items in data.items():
            merged.setdefault(name, []).extend(items or [])
    return merged


def _strings(value: Any) -> list[bytes]:
    parts = value if isinstance(value, list | tuple) else [value]
    if not parts:  # "no strings" cannot be sent on the wire; the nearest legal form is ""
        parts = [""]
    out: list[bytes] = []
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        if not data:
            out.append(b"")
        while data:  # one character-string holds at most 255 octets
            out.append(data[:255])
            data = data[255:]
    return out


def _rdata(record: Record) -> Any:
    value = record.value
    if record.rtype == "A":
        return A(str(value))
    if record.rtype == "AAAA":
        return AAAA(str(value))
    if record.rtype == "MX":
        if isinstance(value, list | tuple):
            preference, host = value
        else:
            preference, host = 10, value
        return MX(str(host), int(preference))
    if record.rtype == "PTR":
        return PTR(str(value))
    if record.rtype == "CNAME":
        return CNAME(str(value))
    return TXT(_strings(value))


def _qname(label: DNSLabel) -> str:
    return ".".join(part.decode("latin-1") for part in label.label).lower()


class Zones:
    """The data served, replaceable at run time (tests add DKIM keys, conformance swaps zones)."""

    def __init__(self, data: Mapping[str, Iterable[Any]] | None = None) -> None:
        self._lock = threading.Lock()
        self._nodes = compile_zones(data or {})
        self.queries = 0

    def replace(self, data: Mapping[str, Iterable[Any]]) -> None:
        nodes = compile_zones(data)
        with self._lock:
            self._nodes = nodes

    def update(self, data: Mapping[str, Iterable[Any]]) -> None:
        nodes = compile_zones(data)
        with self._lock:
            self._nodes = {**self._nodes, **nodes}

    def find(self, name: str) -> Node | None:
        with self._lock:
            self.queries += 1
            node = self._nodes.get(name)
            if node is not None:
                return node
            labels = name.split(".")
            for i in range(1, len(labels)):
                wild = self._nodes.get("*." + ".".join(labels[i:]))
                if wild is not None:
                    return wild
        return None


class Answerer:
    """Builds the reply to one query, or None to stay silent (a simulated timeout)."""

    def __init__(self, zones: Zones) -> None:
        self.zones = zones

    def reply(self, request: DNSRecord) -> DNSRecord | None:
        reply = request.reply()
        reply.header.ra = 0
        reply.header.aa = 1
        question = request.q
        qtype = QTYPE.get(question.qtype)
        name = _qname(question.qname)
        for _ in range(_MAX_CNAME_CHAIN):
            node = self.zones.find(name)
            if node is None:
                if not reply.rr:
                    reply.header.rcode = RCODE.NXDOMAIN
                self._soa(reply, name)
                return reply
            servfail = node.servfail_types or set()
            if "*" in servfail or qtype in servfail:
                reply.header.rcode = RCODE.SERVFAIL
                reply.rr = []
                return reply
            if qtype in (node.timeout_types or set()):
                return None
            matches = [r for r in node.records if r.rtype == qtype]
            timeout_after = node.timeout_after
            if not matches and timeout_after is not None and qtype not in timeout_after:
                return None
            if matches:
                for record in matches:
                    rtype = getattr(QTYPE, record.rtype)
                    reply.add_answer(
                        RR(
                            question.qname if not reply.rr else name,
                            rtype,
                            rdata=_rdata(record),
                            ttl=_TTL,
                        )
                    )
                return reply
            cnames = [r for r in node.records if r.rtype == "CNAME"]
            if cnames and qtype != "CNAME":
                target = _text(cnames[0].value)
                reply.add_answer(RR(name, QTYPE.CNAME, rdata=_rdata(cnames[0]), ttl=_TTL))
                if target == name:
                    return reply
                name = target
                continue
            self._soa(reply, name)
            return reply
        return reply

    @staticmethod
    def _soa(reply: DNSRecord, name: str) -> None:
        parent = name.split(".", 1)[-1] if "." in name else name
        reply.add_auth(
            RR(
                parent or ".",
                QTYPE.SOA,
                rdata=SOA(
                    "ns." + (parent or "test"),
                    "hostmaster." + (parent or "test"),
                    (1, 3600, 600, 86400, 60),
                ),
                ttl=60,
            )
        )


def _udp_payload_limit(request: DNSRecord) -> int:
    for rr in request.ar:
        if rr.rtype == QTYPE.OPT:
            return max(512, int(rr.rclass))
    return 512


class _UDPHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        answer = self.server.answer(data, udp=True)  # type: ignore[attr-defined]
        if answer is not None:
            sock.sendto(answer, self.client_address)


class _TCPHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        with contextlib.suppress(OSError):
            while True:
                header = _recv_exact(sock, 2)
                if header is None:
                    return
                (length,) = struct.unpack("!H", header)
                data = _recv_exact(sock, length)
                if data is None:
                    return
                answer = self.server.answer(data, udp=False)  # type: ignore[attr-defined]
                if answer is None:
                    time.sleep(5)  # hold the connection open: the client times out
                    return
                sock.sendall(struct.pack("!H", len(answer)) + answer)


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = b""
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return chunks


class _Mixin:
    answerer: Answerer

    def answer(self, data: bytes, *, udp: bool) -> bytes | None:
        try:
            request = DNSRecord.parse(data)
        except Exception:
            return None
        reply = self.answerer.reply(request)
        if reply is None:
            return None
        packed = reply.pack()
        if udp and len(packed) > _udp_payload_limit(request):
            truncated = request.reply()
            truncated.header.tc = 1
            truncated.header.aa = 1
            packed = truncated.pack()
        return packed


class _UDPServer(_Mixin, socketserver.ThreadingUDPServer):
    daemon_threads = True
    allow_reuse_address = True


class _TCPServer(_Mixin, socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class DNSTestServer:
    """UDP+TCP server on one free port of 127.0.0.1 serving `zones`; a context manager."""

    def __init__(
        self,
        zones: Mapping[str, Iterable[Any]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.zones = Zones(zones)
        self.host = host
        self._requested_port = port
        self.port = 0
        self._servers: list[socketserver.BaseServer] = []
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> str:
        """`host:port`, as SPAMSCORE_NAMESERVERS and --nameserver take it."""
        return f"{self.host}:{self.port}"

    def start(self) -> DNSTestServer:
        answerer = Answerer(self.zones)
        for _attempt in range(20):
            udp = _UDPServer((self.host, self._requested_port), _UDPHandler)
            port = udp.server_address[1]
            try:
                tcp = _TCPServer((self.host, port), _TCPHandler)
            except OSError:
                udp.server_close()
                if self._requested_port:
                    raise
                continue
            break
        else:  # pragma: no cover - twenty taken ports in a row
            raise OSError("no free port for the test DNS server")
        udp.answerer = answerer
        tcp.answerer = answerer
        self.port = port
        self._servers = [udp, tcp]
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, daemon=True, kwargs={"poll_interval": 0.1}
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def __enter__(self) -> DNSTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve test DNS zones on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=5353)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--zones", nargs="+", required=True, help="YAML zone files")
    args = parser.parse_args(argv)
    server = DNSTestServer(load_zone_files(args.zones), host=args.host, port=args.port).start()
    print(
        f"serving {len(args.zones)} zone file(s) on {server.address} (UDP and TCP); Ctrl-C stops",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
