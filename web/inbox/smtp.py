"""The SMTP side of the inbox, on aiosmtpd: who may connect, for how long, what is refused.

- Only test addresses we issued are accepted at RCPT TO (550 otherwise, 452 past the recipient
  limit); after too many refused recipients the connection is closed (421).
- Size: SIZE is advertised; a MAIL FROM that declares more, or DATA that brings more, gets 552.
- Time: a client silent for the idle timeout, or connected longer than the session limit, is
  dropped with 421. Connections past the limit are answered 421 at once.
- The DATA reply waits until the message is stored (451 if the store fails) and analysed, on
  worker threads, so a busy inbox slows its senders down instead of queueing without bound.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from web.inbox.config import InboxConfig
from web.inbox.receiver import TEMPFAIL, Arrival, Receiver, canonical_ip

log = logging.getLogger(__name__)

IDENT = "spamscore test inbox"


class InboxHandler:
    """aiosmtpd hooks: recipients checked against the store, messages stored and analysed."""

    def __init__(
        self,
        receiver: Receiver,
        config: InboxConfig,
        *,
        io_pool: ThreadPoolExecutor,
        analysis_pool: ThreadPoolExecutor,
    ) -> None:
        self.receiver = receiver
        self.config = config
        self.io_pool = io_pool
        self.analysis_pool = analysis_pool

    async def handle_HELO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str
    ) -> str:
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        # We take no logins: a test inbox must not look like a submission server.
        kept = [r for r in responses if not r[4:].upper().startswith("AUTH")]
        kept[-1] = "250 " + kept[-1][4:]
        return kept

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Sender OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= self.config.max_recipients:
            return "452 4.5.3 Too many recipients"
        loop = asyncio.get_running_loop()
        try:
            refusal = await loop.run_in_executor(
                self.io_pool, self.receiver.check_recipient, address
            )
        except Exception:
            log.exception("recipient lookup failed")
            return TEMPFAIL
        if refusal is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            return "250 2.1.5 Recipient OK"
        refused = getattr(session, "refused_recipients", 0) + 1
        session.refused_recipients = refused  # type: ignore[attr-defined]
        if refused > self.config.max_bad_recipients and isinstance(server, InboxSMTP):
            loop.call_soon(server.hang_up)
            return "421 4.7.0 Too many unknown recipients; closing the connection"
        return refusal

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        arrival = Arrival(
            content=content,
            peer_ip=canonical_ip(str(session.peer[0])) if session.peer else "",
            helo=session.host_name or "",
            mail_from="" if envelope.mail_from in (None, "<>") else envelope.mail_from,
            recipients=list(envelope.rcpt_tos),
            tls_version=_tls_version(session),
            tls_cipher=_tls_cipher(session),
            esmtp=bool(session.extended_smtp),
            smtputf8=bool(envelope.smtp_utf8),
        )
        loop = asyncio.get_running_loop()
        try:
            report_ids = await loop.run_in_executor(
                self.io_pool, self.receiver.store_arrival, arrival
            )
        except Exception:
            log.exception("storing a message failed")
            return TEMPFAIL
        if not report_ids:
            return "550 5.2.1 The test address(es) no longer take mail; create a new test"
        try:
            await loop.run_in_executor(self.analysis_pool, self.receiver.analyse, report_ids)
        except Exception:  # the message is stored: the web service makes its report later
            log.exception("analysing %s failed", report_ids)
            return "250 2.0.0 Received; the analysis will be retried"
        return "250 2.0.0 Received and analysed"

    async def handle_exception(self, error: Exception) -> str:
        """Never tell a client about our internals (aiosmtpd would send the exception text)."""
        log.error("SMTP session error: %s: %s", type(error).__name__, error)
        return "451 4.3.0 Temporary failure on our side; please try again later"


def _ssl_object(session: Session) -> ssl.SSLObject | None:
    extra = session.ssl
    return extra.get("ssl_object") if isinstance(extra, dict) else None


def _tls_version(session: Session) -> str | None:
    obj = _ssl_object(session)
    return obj.version() if obj is not None else None


def _tls_cipher(session: Session) -> str | None:
    obj = _ssl_object(session)
    cipher = obj.cipher() if obj is not None else None
    return cipher[0] if cipher else None


class InboxSMTP(SMTP):
    """aiosmtpd's SMTP with an idle timeout that counts any bytes (not only whole commands), a
    limit on the whole session, 421 on both, and enhanced status codes on size refusals."""

    def __init__(
        self,
        handler: InboxHandler,
        config: InboxConfig,
        *,
        on_close: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            handler,
            data_size_limit=config.max_message_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=config.hostname,
            ident=IDENT,
            timeout=config.idle_timeout,
            auth_require_tls=True,
            # per connection; a client past one gets 421 and is dropped
            command_call_limit={"MAIL": 100, "RCPT": 1000, "DATA": 100, "RSET": 100, "*": 30},
            **kwargs,
        )
        self._config = config
        self._on_close: Callable[[], None] | None = on_close
        self._session_handle: asyncio.TimerHandle | None = None
        self._size_replies = {
            "552 Error: Too much mail data": (
                f"552 5.3.4 Message too big for this inbox (limit {config.max_message_bytes} bytes)"
            ),
            "552 Error: message size exceeds fixed maximum message size": (
                f"552 5.3.4 Declared size exceeds our limit of {config.max_message_bytes} bytes"
            ),
        }

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self._session_handle is None
        super().connection_made(transport)
        if first:  # connection_made runs again after STARTTLS; the session limit does not
            self._session_handle = self.loop.call_later(
                self._config.session_timeout, self._session_expired
            )

    def connection_lost(self, error: Exception | None) -> None:
        if self._session_handle is not None:
            self._session_handle.cancel()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()
        super().connection_lost(error)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport is not None:
            self._reset_timeout()

    async def push(self, status: Any) -> None:
        if isinstance(status, str):
            status = self._size_replies.get(status, status)
        await super().push(status)

    def _timeout_cb(self) -> None:  # aiosmtpd's idle timer fired
        log.info("%r idle timeout", self.session.peer if self.session else None)
        self.hang_up("421 4.4.2 %s Idle too long; closing the connection")

    def _session_expired(self) -> None:
        self.hang_up("421 4.4.2 %s Connection time limit reached; closing the connection")

    def hang_up(self, reply: str | None = None) -> None:
        """Say why (when given) and close; the handler task ends with the connection."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if reply:
            transport.write((reply.replace("%s", self.hostname) + "\r\n").encode("ascii"))  # type: ignore[attr-defined]
        transport.close()


class Busy(asyncio.Protocol):
    """What a connection past the limit gets: 421 and a closed socket."""

    def __init__(self, hostname: str) -> None:
        self.hostname = hostname

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(  # type: ignore[attr-defined]
            f"421 4.7.0 {self.hostname} Too many connections; try again later\r\n".encode("ascii")
        )
        transport.close()
