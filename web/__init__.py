"""The spamscore web service: a form for marketers (`ui`) and a JSON API for senders (`api`).

`create_app()` builds the Flask app on settings from the environment (web.config) and the
engine's own settings (scorer.settings). Tests pass `test_config` to hand it a small rule set, a
resolver pointed at a test DNS server or a tiny model (as an `engine`), a temporary database,
API keys and rate limits.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from scorer.pipeline import Engine
from scorer.settings import Settings
from web.config import WebConfig
from web.jsonfast import OrjsonProvider
from web.security import ApiKeys, add_security_headers, caller_identity
from web.service import Checker
from web.shared import Counters
from web.store import ReportStore

log = logging.getLogger(__name__)

# Requests that do an analysis count against the rate limit; reading is free.
# Creating a test counts too: the inbox analyses what arrives for it.
_LIMITED_ENDPOINTS = {
    "compat.checkv2",
    "compat.symbols_v1",
    "compat.postmark_filter",
    "api.check",
    "api.check_batch",
    "api.compare_reports",
    "ui.check",
    "api.create_test",
    "ui.create_test",
}


@dataclass
class Services:
    config: WebConfig
    engine: Engine
    store: ReportStore
    checker: Checker
    keys: ApiKeys
    limiter: Limiter
    counters: Counters
    """Other allowances counted once across replicas (web.shared)."""


def services() -> Services:
    """The current app's engine, store, checker, keys and limiter."""
    return current_app.extensions["spamscore"]


def caller() -> str:
    """The current request's caller (web.security.caller_identity): whom a stored report
    belongs to, and whose allowance a request counts against."""
    return caller_identity(request, services().keys)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` keys: `engine` (an scorer Engine), and any WebConfig field
    (`database_url`, `api_keys`, `rate_limit`, `batch_max`, ...), plus Flask config keys."""
    test_config = dict(test_config or {})
    engine = test_config.pop("engine", None) or test_config.pop("ENGINE", None)
    config = WebConfig.from_env()
    fields = {f.name for f in dataclasses.fields(WebConfig)}
    overrides = {k.lower(): test_config.pop(k) for k in list(test_config) if k.lower() in fields}
    if overrides:
        config = dataclasses.replace(config, **overrides)
    engine = engine or Engine(Settings.from_env())

    app = Flask(__name__)
    limit = config.request_limit(engine.settings.limits)
    app.config.update(
        MAX_CONTENT_LENGTH=limit,
        MAX_FORM_MEMORY_SIZE=limit,
        JSON_SORT_KEYS=False,
        TEMPLATES_AUTO_RELOAD=False,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.json = OrjsonProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(test_config)
    if config.trusted_proxies:
        n = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from web import metrics

    store = ReportStore.from_config(config)
    store.min_free_bytes = limit  # room for one largest request, or healthz says 503
    counters = Counters.from_url(config.redis_url)
    checker = Checker(
        engine, store, on_report=metrics.record_report, dns_budget=_dns_budget(config, counters)
    )
    keys = ApiKeys(config.api_keys, open_without_keys=config.api_open)
    # Registered before the limiter's own hook, so it runs after it (Flask runs after_request
    # hooks last-registered first): Retry-After belongs to a 429 only.
    app.after_request(_retry_after_only_on_429)
    from web import access, sessions

    sessions.install(app, sessions.SessionSecret(config.secret_key, store))
    access.install(app)  # before the limiter: a refused request counts against nothing
    limiter = _limiter(app, config, keys)
    _limit_views(app, config, counters)
    app.extensions["spamscore"] = Services(config, engine, store, checker, keys, limiter, counters)

    from web import api, compat, filters, ui

    filters.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(compat.bp)
    app.register_blueprint(ui.bp)
    metrics.instrument(app)
    metrics.announce(config.replica)
    _errors(app)
    app.after_request(add_security_headers)
    return app


def _retry_after_only_on_429(response: Response) -> Response:
    """Flask-Limiter adds Retry-After to every answer with its rate-limit headers; it tells a
    client to wait, so it goes only on "too many requests" (RFC 9110 §10.2.3)."""
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def _limiter(app: Flask, config: WebConfig, keys: ApiKeys) -> Limiter:
    from web import ratelimit

    def key() -> str:
        return caller_identity(request, keys)

    def cost() -> int:
        if request.endpoint == "api.compare_reports":
            return 2
        if request.endpoint == "api.check_batch":
            data = request.get_json(silent=True)
            items = data.get("messages") if isinstance(data, dict) else None
            return max(1, len(items)) if isinstance(items, list) else 1
        return 1

    return Limiter(
        key,
        app=app,
        # One allowance per caller shared by every endpoint that analyses (not one per route).
        application_limits=[config.rate_limit] if config.rate_limit else [],
        application_limits_exempt_when=lambda: request.endpoint not in _LIMITED_ENDPOINTS,
        application_limits_cost=cost,
        storage_uri=config.redis_url or f"{ratelimit.SCHEME}://",
        headers_enabled=True,
        enabled=config.rate_limit is not None,
        # If Redis is down, limit in-process rather than refusing every request.
        swallow_errors=True,
        in_memory_fallback_enabled=config.redis_url is not None,
        key_prefix="spamscore",
    )


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in (
        "/metrics",
        "/checkv2",
        "/symbols",
        "/filter",
    )


def _errors(app: Flask) -> None:
    from web.errors import ApiError, error_response, from_http_exception

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    from web.store import QuotaExceededError, StoreUnavailableError

    @app.errorhandler(StoreUnavailableError)
    def _store_down(exc: StoreUnavailableError) -> Any:
        log.error("%s %s: %s", request.method, request.path, exc)
        return _fault(503, "store_unavailable", str(exc), {"Retry-After": "10"})

    @app.errorhandler(QuotaExceededError)
    def _quota(exc: QuotaExceededError) -> Any:
        return _fault(507, "storage_quota", str(exc), {})

    def _fault(status: int, code: str, message: str, headers: dict[str, str]) -> Any:
        if _wants_json():
            return error_response(status, code, message, headers)
        from web.ui import error_page

        body, _status = error_page(status, message)
        return body, status, headers

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        if _wants_json():
            return from_http_exception(exc)
        from web.ui import error_page

        return error_page(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json():
            return error_response(500, "internal_error", "internal error; it has been logged")
        from web.ui import error_page

        return error_page(500, None)


def warm_up(app: Flask) -> None:
    """Load checks, rules, the model and the parsers' lazy tables (public suffixes, HTML) now,
    in the gunicorn master before it forks, so no worker's first request is the slow one."""
    warm_up_engine(services_of(app).engine)


def warm_up_engine(engine: Engine) -> None:
    """Analyse the form's sample messages offline once: every lazy table is built after it."""
    from pathlib import Path

    for sample in sorted((Path(__file__).with_name("samples")).glob("*.eml")):
        engine.analyze(sample.read_bytes(), offline=True)


def services_of(app: Flask) -> Services:
    return app.extensions["spamscore"]


_VIEW_ENDPOINTS = {
    "ui.report",
    "ui.preview",
    "ui.report_json",
    "ui.report_raw",
    "api.get_report",
    "api.get_raw",
}
"""Reads of stored reports: cheap one by one, but each may render a large message, so they
have an allowance of their own (SPAMSCORE_PAGE_RATE_LIMIT), apart from the analyses'."""


def _limit_views(app: Flask, config: WebConfig, counters: Counters) -> None:
    """429 (with Retry-After) past a caller's allowance of report views. Registered after the
    access checks, so a refused request counts against nothing."""
    limit = config.page_rate_limit
    if limit is None:
        return
    from limits import parse
    from werkzeug.exceptions import TooManyRequests

    window = int(parse(limit).get_expiry())

    @app.before_request
    def _count_view() -> None:
        if request.endpoint in _VIEW_ENDPOINTS and not counters.hit("views", caller(), limit):
            raise TooManyRequests(f"{limit} report views", retry_after=window)


def _dns_budget(config: WebConfig, counters: Counters) -> Any:
    """Each caller's DNS allowance (SPAMSCORE_DNS_BUDGET), or None when it is off."""
    if config.dns_budget is None:
        return None
    from web.dnsbudget import CallerDnsBudget

    limit = config.dns_budget
    return lambda caller: CallerDnsBudget(counters, caller, limit)
