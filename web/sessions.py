"""Signed session cookies (Flask's), for the CSRF token of every form and for people signed in
with a key. The signing secret is `SPAMSCORE_SECRET_KEY`, else one made once and kept in the
store's shared values, so every worker and every replica signs alike and a form served by one
replica is accepted by another. While the store cannot be reached the secret is a per-process
one (a form made then may need a reload) and the store is asked again a little later.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

log = logging.getLogger(__name__)

_STORE_NAME = "web:session-secret"
_RETRY_S = 30.0
COOKIE = "spamscore_session"
LIFETIME = timedelta(hours=12)


class SessionSecret:
    def __init__(self, configured: str | None, store: Any) -> None:
        self._configured = configured
        self._store = store
        self._value: bytes | None = (
            hashlib.sha256(configured.encode("utf-8")).digest() if configured else None
        )
        self._fallback = secrets.token_bytes(32)
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def value(self) -> bytes:
        if self._value is not None:
            return self._value
        if time.monotonic() < self._retry_at:
            return self._fallback
        with self._lock:
            if self._value is None:
                try:
                    self._value = self._store.put_value_if_absent(
                        _STORE_NAME, secrets.token_bytes(32)
                    )
                except Exception as exc:  # the store is down: sign with ours meanwhile
                    log.warning("session secret not readable from the store (%s)", exc)
                    self._retry_at = time.monotonic() + _RETRY_S
                    return self._fallback
        return self._value


class _Sessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, signed with the shared secret; Secure over HTTPS."""

    def __init__(self, secret: SessionSecret) -> None:
        self.secret = secret

    def get_signing_serializer(self, app: Flask) -> Any:
        app.secret_key = self.secret.value()
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def install(app: Flask, secret: SessionSecret) -> None:
    app.session_interface = _Sessions(secret)
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
