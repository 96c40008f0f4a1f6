"""One access model for every route: who may call it, from which page, under which host name.

Checked before any view runs (and before the rate limit), in this order:

1. **Host.** The Host header (or X-Forwarded-Host from a trusted proxy) must name this service:
   `SPAMSCORE_ALLOWED_HOSTS`, by default the loopback names and the address `serve` listens on.
   So a page on another site cannot reach a loopback service through DNS rebinding. The health
   check is exempt: load balancers and Kubernetes probes ask by IP address.
2. **Origin.** A request that changes something (anything but GET, HEAD, OPTIONS) sent by a
   browser from another origin is refused: its `Origin` header names another site (or is
   `null`), or, without one, `Sec-Fetch-Site` says cross-site. Browsers send such a request
   without asking first only as a "simple request" (text/plain, multipart/form-data or a
   urlencoded form), which is how a page elsewhere would post a message to the API of a
   loopback service, or delete a report through the form.
3. **Metrics** have their own setting: `SPAMSCORE_METRICS` (`loopback`, the default; `direct`:
   any client that reaches this replica directly, never one relayed by a proxy, for
   Prometheus on a private network; `open`; `off`) and `SPAMSCORE_METRICS_TOKEN` (a bearer
   token that opens them from anywhere).
4. **Keys.** With `SPAMSCORE_API_KEYS` set, every route that analyses, reads or deletes needs
   one: scripts send it (X-API-Key, Authorization: Bearer, or rspamd's Password header);
   people sign in once with it on /login, and their session (a signed cookie) carries it.
   Without keys, every such route answers loopback clients only, unless `SPAMSCORE_API_OPEN=1`
   opens the service to its network. A request that arrived through a proxy we were not told
   to trust (it carries X-Forwarded-For) is not a loopback client, whatever its address.
   Exempt (`PUBLIC`): the health check, the API's description, static files, sign-in.
5. **CSRF.** Every form POST carries the session's token (`csrf_field()` in the templates),
   unless the request presents a key in a header (which no other site can make a browser
   send).
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request, session, url_for
from markupsafe import Markup

from web.errors import ApiError
from web.security import is_loopback, presented_key

PUBLIC = frozenset({"api.healthz", "api.openapi", "api.docs", "static", "ui.login", "compat.ping"})
"""Endpoints that need no key: they analyse, read and delete nothing."""
HOST_EXEMPT = frozenset({"api.healthz"})
METRICS = "metrics"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORWARDED = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")
CSRF_FIELD = "csrf_token"
SESSION_KEY = "who"
"""The session's caller id (`key:<hash>`), set by signing in with a key."""

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def install(app: Flask) -> None:
    """Check every request before its view (and before the rate limit counts it)."""
    app.before_request(check)
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["signed_in"] = signed_in


def check() -> Response | None:
    from web import services

    svc = services()
    endpoint = request.endpoint or ""
    if endpoint not in HOST_EXEMPT and not host_allowed(request.host, svc.config.hosts()):
        raise _refusal(
            400,
            "host_not_allowed",
            f"this service does not answer for the host {request.host!r} (SPAMSCORE_ALLOWED_HOSTS)",
        )
    if request.method not in _SAFE_METHODS and not same_origin_request():
        raise _refusal(
            403,
            "cross_site_request",
            "a request from another site is refused: send it from this service's own pages, "
            "or from a program (which sends no Origin header)",
        )
    if endpoint == METRICS:
        return _metrics_access(svc.config)
    if endpoint in PUBLIC or request.url_rule is None:
        return _csrf() if endpoint.startswith("ui.") else None
    if svc.keys.required:
        presented = presented_key(request) or _rspamd_password(endpoint)
        if presented is not None:
            if not svc.keys.valid(presented):
                raise _refusal(401, "unauthorized", "the API key is not valid")
            # A key in a header is no ambient credential: another site cannot make a browser
            # send it, so a script posting a form with its key needs no CSRF token.
            return None
        if not signed_in():
            if endpoint.startswith(("api.", "compat.")):
                raise _refusal(401, "unauthorized", "an API key is required (X-API-Key header)")
            if request.method in _SAFE_METHODS:
                return redirect(url_for("ui.login", next=_local_path()), code=303)
            raise _refusal(401, "unauthorized", "sign in with an API key first")
    elif not (svc.keys.open_without_keys or loopback_client(svc.config.trusted_proxies)):
        raise _refusal(
            403,
            "forbidden",
            "no API keys are configured, so only loopback clients may use this service "
            "(set SPAMSCORE_API_KEYS, or SPAMSCORE_API_OPEN=1)",
        )
    return _csrf() if endpoint.startswith("ui.") else None


# --- who is calling ------------------------------------------------------------------------


def loopback_client(trusted_proxies: int) -> bool:
    """The client is on this machine: a loopback address, not relayed by a proxy we do not
    trust (whose clients would all look like 127.0.0.1)."""
    if not is_loopback(request.remote_addr):
        return False
    return trusted_proxies > 0 or not any(request.headers.get(h) for h in _FORWARDED)


def signed_in() -> bool:
    """A session signed in with a key that is still configured."""
    from web import services

    who = session.get(SESSION_KEY)
    return isinstance(who, str) and services().keys.knows_identity(who)


def _rspamd_password(endpoint: str) -> str | None:
    if not endpoint.startswith("compat."):
        return None
    value = request.headers.get("Password", "").strip()
    return value or None


def _metrics_access(config: object) -> None:
    mode = getattr(config, "metrics", "loopback")
    token = getattr(config, "metrics_token", None)
    if mode == "off":
        raise ApiError(404, "not_found", "metrics are switched off (SPAMSCORE_METRICS=off)")
    if token:
        auth = request.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode("utf-8", "surrogateescape"), token.encode("utf-8")
        ):
            return
    relayed = any(request.headers.get(h) for h in _FORWARDED)
    if (
        mode == "open"
        or (mode == "direct" and not relayed)
        or (mode == "loopback" and loopback_client(0))
    ):
        return
    raise ApiError(
        403,
        "forbidden",
        "metrics answer loopback clients only (SPAMSCORE_METRICS, SPAMSCORE_METRICS_TOKEN)",
    )


# --- host and origin -----------------------------------------------------------------------


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """`host` (a Host header: name or address, maybe a port) against the allowed entries:
    `*` any, `.example.com` the domain and its subdomains, `name` any port, `name:port`."""
    name, port = _split_host(host)
    if not name:
        return False
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == "*":
            return True
        entry_name, entry_port = _split_host(entry)
        if entry_port is not None and entry_port != port:
            continue
        if entry_name.startswith("."):
            if name == entry_name[1:] or name.endswith(entry_name):
                return True
        elif name == entry_name:
            return True
    return False


def _split_host(host: str) -> tuple[str, str | None]:
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") else None
    if host.count(":") > 1:
        return host, None  # a bare IPv6 address
    name, sep, port = host.partition(":")
    return name.rstrip("."), port if sep else None


def same_origin_request() -> bool:
    """False for a browser request from another origin (module docstring, 2)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "none") in ("none", "same-origin")
    if origin.strip().lower() == "null":
        return False
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    name, port = _split_host(request.host)
    if parts.hostname.lower() != name:
        return False
    own = port or ("443" if request.scheme == "https" else "80")
    theirs = str(parts.port) if parts.port else ("443" if parts.scheme == "https" else "80")
    # A TLS proxy that does not say so (no trusted X-Forwarded-Proto) shows https as http:
    # default ports on both sides are the same origin as far as we can tell.
    return own == theirs or (port is None and parts.port is None)


# --- CSRF ----------------------------------------------------------------------------------


def csrf_token() -> str:
    """This session's token for forms (made on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token())


def _csrf() -> None:
    if request.method in _SAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(
        sent.encode("utf-8", "surrogateescape"), expected.encode("utf-8")
    ):
        raise _refusal(
            403,
            "csrf_failed",
            "this form has expired or was sent from another site: reload the page and "
            "send it again",
        )


# --- answers -------------------------------------------------------------------------------


def _local_path() -> str:
    path = request.full_path if request.query_string else request.path
    return path if path.startswith("/") and not path.startswith("//") else "/"


def _refusal(status: int, code: str, message: str) -> Exception:
    """An API-shaped error for programs, an error page for people (web.__init__ decides by
    path, as for every other error)."""
    if request.path.startswith(("/api/", "/checkv2", "/symbols", "/filter", "/metrics")):
        return ApiError(status, code, message)
    from werkzeug.exceptions import HTTPException

    error = HTTPException(description=message)
    error.code = status
    return error
