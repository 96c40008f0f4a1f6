"""The JSON API under /api/v1 (described by /api/v1/openapi.json, readable at /api/v1/docs).

A sending platform posts a message (raw `message/rfc822` bytes, `{raw}` JSON, or composed
fields) and gets the v1 report, stored under an id unless `store=false`. Every error is JSON
`{"error": {"code", "message"}}` (web.errors); a malformed message is never an error: it gets
a report.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from scorer import __version__
from scorer.checks.batch import message_id_counts
from scorer.errors import MessageTooLargeError
from scorer.rules import Rule
from web import caller, services
from web.errors import ApiError
from web.inbox.addresses import address_for
from web.inbox.state import State, state_of
from web.openapi import openapi_document
from web.security import is_loopback
from web.service import AnalysisFailedError, CheckOptions
from web.submission import (
    DELIVERY_FIELDS,
    KIND_FIELD,
    InputError,
    Submission,
    delivery_from,
    from_json,
    kind_from,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

RAW_TYPES = ("message/rfc822", "application/octet-stream", "text/plain")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


# Who may call what is web.access's, for every route alike.


@bp.after_request
def _unauthorized_header(response: Response) -> Response:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="spamscore"'
    return response


# --- checking ------------------------------------------------------------------------------


@bp.post("/check")
def check() -> Any:
    submission = _submission_from_request()
    options = _options()
    checked = _run(submission, options)
    return jsonify(checked)


@bp.post("/check/batch")
def check_batch() -> Any:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send application/json: {messages: [...]}")
    data = _json_body()
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ApiError(
            400, "invalid_request", "the body must be {messages: [...]}", field="messages"
        )
    items = data["messages"]
    limit = services().config.batch_max
    if not items:
        raise ApiError(400, "invalid_request", "messages is empty", field="messages")
    if len(items) > limit:
        raise ApiError(
            400,
            "too_many_messages",
            f"{len(items)} messages; a batch holds at most {limit} (SPAMSCORE_BATCH_MAX)",
            field="messages",
        )
    options = _options()
    submissions: list[Submission | InputError] = []
    for item in items:
        try:
            submissions.append(from_json(item))
        except InputError as exc:
            submissions.append(exc)
    # A Message-ID shared across the batch is a fact about each of its messages (Gmail 4.7.28).
    parsed = [s for s in submissions if isinstance(s, Submission)]
    for submission, copies in zip(parsed, message_id_counts(s.raw for s in parsed), strict=True):
        if copies is not None:
            submission.delivery["message_id_copies"] = copies
    results = []
    for index, submission in enumerate(submissions):
        try:
            if isinstance(submission, InputError):
                raise submission
            result = _run(submission, options)
        except InputError as exc:
            result = _item_error("invalid_request", exc.message, field=exc.field)
        except ApiError as exc:
            result = _item_error(exc.code, exc.message, **exc.extra)
        result = {"index": index, **result}
        results.append(result)
    return jsonify({"results": results})


@bp.post("/compare")
def compare_reports() -> Any:
    """Compare two drafts: `{before, after}`, each a stored report's id or a message in the
    check call's JSON form (`{raw}`, `{raw_base64}`, composed fields); both are analysed (and
    stored, unless store=false) as `POST /check` would, then compared."""
    from scorer.compare import compare

    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send application/json: {before, after}")
    data = _json_body()
    if not isinstance(data, dict) or set(data) != {"before", "after"}:
        raise ApiError(
            400, "invalid_request", "the body must be {before: ..., after: ...}", field="before"
        )
    options = _options()
    sides: dict[str, dict[str, Any]] = {}
    for name in ("before", "after"):
        sides[name] = _side(name, data[name], options)
    diff = compare(sides["before"], sides["after"], options.lang)
    return jsonify(
        {
            "before": _side_summary(sides["before"]),
            "after": _side_summary(sides["after"]),
            **diff,
        }
    )


def _side(name: str, value: Any, options: CheckOptions) -> dict[str, Any]:
    """One side of a comparison as a v1 report dict: a stored report, or a message to check."""
    if isinstance(value, str):
        try:
            loaded = services().checker.load(value)
        except AnalysisFailedError as exc:
            raise _analysis_failed(exc) from None
        if loaded is None:
            raise ApiError(404, "not_found", f"{name}: no report with this id", field=name)
        row, report = loaded
        return {"id": row.id, **report.to_dict(options.lang)}
    try:
        submission = from_json(value)
    except InputError as exc:
        raise ApiError(400, exc.code, f"{name}: {exc.message}", field=name) from None
    return _run(submission, options)


def _side_summary(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": report.get("id"),
        "score": report["score"],
        "is_spam": report["is_spam"],
        "versions": report.get("versions"),
        "links": report.get("links"),
    }


def _item_error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    body = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return {"error": body}


def _run(submission: Submission, options: CheckOptions) -> dict[str, Any]:
    checker = services().checker
    try:
        checked = checker.check(submission, options, source="api", owner=caller())
    except MessageTooLargeError as exc:
        raise ApiError(413, "too_large", str(exc)) from None
    except AnalysisFailedError as exc:
        raise _analysis_failed(exc) from None
    data = checked.report.to_dict(options.lang)
    if checked.stored is not None:
        new = checked.stored
        data = {"id": new.id, **data, **_links(new.id, new.created_at, new.expires_at)}
    return data


def _analysis_failed(exc: AnalysisFailedError) -> ApiError:
    kept = f"; the message is kept as {exc.report_id}" if exc.report_id else ""
    return ApiError(
        500, "analysis_failed", f"the analyzer failed on this message{kept}", id=exc.report_id
    )


def _links(report_id: str, created_at: datetime, expires_at: datetime) -> dict[str, Any]:
    return {
        "created_at": _iso(created_at),
        "expires_at": _iso(expires_at),
        "links": {name: head + report_id + tail for name, head, tail in _link_templates()},
    }


_LINK_ENDPOINTS = (("self", "api.get_report"), ("html", "ui.report"), ("raw", "api.get_raw"))
_ID_SLOT = "REPORTID"
_LINK_ROOTS_KEPT = 16


def _link_templates() -> tuple[tuple[str, str, str], ...]:
    """(name, text before the id, text after it) for each link of a stored report, made by
    url_for once per app and script root: three url_for calls per answer were 2% of a stored
    check's CPU. Report ids are URL-safe (web.store.new_id), so nothing needs quoting."""
    cache = current_app.extensions.setdefault("spamscore_links", {})
    root = request.script_root
    made = cache.get(root)
    if made is None:
        made = tuple(
            (name, *url_for(endpoint, report_id=_ID_SLOT).split(_ID_SLOT, 1))
            for name, endpoint in _LINK_ENDPOINTS
        )
        if len(cache) >= _LINK_ROOTS_KEPT:  # a proxy's prefixes: a few, never unbounded
            cache.clear()
        cache[root] = made
    return made


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _submission_from_request() -> Submission:
    mimetype = request.mimetype
    try:
        if mimetype == "application/json":
            return from_json(_json_body())
        if mimetype in RAW_TYPES:
            raw = request.get_data(cache=False)
            # Only zero bytes is no message: a body of CRs or blank lines is a message (an
            # empty one) and gets a report like any other.
            if not raw:
                raise InputError("the body is empty: send the raw message", field="body")
            return Submission(raw, delivery_from(request.args))
        if mimetype == "multipart/form-data":
            upload = request.files.get("file") or request.files.get("message")
            if upload is None:
                raise InputError("multipart body without a file part named file", field="file")
            raw = upload.read()
            if not raw:
                raise InputError("the uploaded file is empty", field="file")
            return Submission(raw, delivery_from(request.args))
    except InputError as exc:
        raise ApiError(400, exc.code, exc.message, field=exc.field) from None
    raise ApiError(
        415,
        "unsupported_media_type",
        f"Content-Type {mimetype or '(none)'} is not accepted: send message/rfc822 (the raw "
        "message) or application/json",
    )


def _json_body() -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "the body is not valid JSON")
    return data


def _options() -> CheckOptions:
    args = request.args
    known = {"lang", "offline", "store", "threshold", KIND_FIELD, *DELIVERY_FIELDS}
    unknown = sorted(set(args) - known)
    if unknown:
        raise ApiError(
            400, "invalid_request", f"unknown query parameter {unknown[0]}", field=unknown[0]
        )
    threshold = None
    if "threshold" in args:
        try:
            threshold = float(args["threshold"])
        except ValueError:
            raise ApiError(
                400, "invalid_request", "threshold must be a number", field="threshold"
            ) from None
        if not -1000 < threshold < 1000:
            raise ApiError(400, "invalid_request", "threshold is out of range", field="threshold")
    try:
        kind = kind_from(args)
    except InputError as exc:
        raise ApiError(400, exc.code, exc.message, field=exc.field) from None
    return CheckOptions(
        lang=_lang(),
        offline=_bool("offline"),
        threshold=threshold,
        store=_bool("store") is not False,
        kind=kind,
    )


def _lang() -> str:
    from scorer.i18n import LANGS, pick_lang

    asked = request.args.get("lang")
    if asked is None:
        return pick_lang(request.headers.get("Accept-Language"), services().engine.settings.lang)
    if asked not in LANGS:
        raise ApiError(400, "invalid_request", "lang must be en or ja", field="lang")
    return asked


def _bool(name: str) -> bool | None:
    value = request.args.get(name)
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ApiError(400, "invalid_request", f"{name} must be true or false", field=name)


# --- stored reports --------------------------------------------------------------------------


@bp.get("/reports/<report_id>")
def get_report(report_id: str) -> Any:
    lang = _lang()
    try:
        loaded = services().checker.load(report_id)
    except AnalysisFailedError as exc:
        raise _analysis_failed(exc) from None
    if loaded is None:
        raise _not_found(report_id)
    row, report = loaded
    return jsonify(
        {"id": row.id, **report.to_dict(lang), **_links(row.id, row.created_at, row.expires_at)}
    )


@bp.get("/reports/<report_id>/raw")
def get_raw(report_id: str) -> Any:
    row = services().store.get(report_id)
    if row is None:
        raise _not_found(report_id)
    return Response(
        row.raw,
        mimetype="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="{row.id}.eml"'},
    )


@bp.delete("/reports/<report_id>")
def delete_report(report_id: str) -> Any:
    if not services().store.delete(report_id):
        raise _not_found(report_id)
    return Response(status=204)


def _not_found(report_id: str) -> ApiError:
    return ApiError(
        404, "not_found", "no report with this id (it may have expired or been deleted)"
    )


# --- test sends ------------------------------------------------------------------------------


@bp.post("/tests")
def create_test() -> Any:
    """A new test address; the SMTP test inbox (web/inbox) takes one message for it."""
    config = services().config
    test = services().store.add_test(
        config.inbox_domain, accepts_for=timedelta(hours=config.test_hours)
    )
    body = _test_body(state_of(test, services().checker), _lang())
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = body["links"]["self"]
    return response


@bp.get("/tests/<test_id>")
def get_test(test_id: str) -> Any:
    test = services().store.get_test(test_id.lower())
    if test is None:
        raise ApiError(404, "not_found", "no test with this id (it may have expired)")
    return jsonify(_test_body(state_of(test, services().checker), _lang()))


def _test_body(state: State, lang: str) -> dict[str, Any]:
    test = state.test
    body: dict[str, Any] = {
        "id": test.id,
        "address": address_for(test.id, test.domain),
        "status": state.status,
        "created_at": _iso(test.created_at),
        "accepts_until": _iso(test.accepts_until),
        "expires_at": _iso(test.expires_at),
        "received_at": _iso(test.received_at) if test.received_at else None,
        "delivery": state.row.options.get("delivery") if state.row is not None else None,
        "report": None,
        "links": {
            "self": url_for("api.get_test", test_id=test.id),
            "html": url_for("ui.test_page", test_id=test.id),
        },
    }
    if state.report is not None and state.row is not None:
        row = state.row
        body["report"] = {
            "id": row.id,
            **state.report.to_dict(lang),
            **_links(row.id, row.created_at, row.expires_at),
        }
    if state.error:
        body["error"] = {
            "code": "analysis_failed",
            "message": "the analyzer failed on this message",
        }
    return body


# --- rules -----------------------------------------------------------------------------------


@bp.get("/rules")
def rules() -> Any:
    lang = _lang()
    ruleset = services().engine.rules
    category = request.args.get("category")
    items = [
        rule_dict(rule, lang) for rule in ruleset if category is None or rule.category == category
    ]
    categories = [
        {
            "name": cat.name,
            "description": cat.description.get(lang) or cat.description.get("en", ""),
            "cap": cat.cap,
            "rules": len(cat.rule_ids),
        }
        for cat in ruleset.categories.values()
    ]
    return jsonify(
        {
            "count": len(items),
            "categories": categories,
            "rules": items,
            "requirements": requirements_catalogue(lang),
        }
    )


def requirements_catalogue(lang: str) -> dict[str, Any]:
    """The provider requirements with their start dates and quoted sources (API and /rules)."""
    catalogue = services().engine.rules.lists.requirements

    def texts(value: dict[str, str]) -> str:
        return _in_lang(value, lang)

    def sources(items: Any) -> list[dict[str, Any]]:
        return [s.to_dict() for s in items]

    providers = []
    for pid, provider in catalogue.providers.items():
        rows = [s for s in catalogue.specs if s.provider == pid]
        providers.append(
            {
                "id": pid,
                "name": texts(provider.name),
                "enforcement": texts(provider.enforcement),
                "enforcement_from": provider.enforcement_from,
                "sources": sources(provider.sources),
                "withdrawn": [
                    {
                        "what": texts(w["what"]),
                        "removed": w["removed"],
                        "sources": sources(w["source"]),
                    }
                    for w in provider.withdrawn
                ],
                "requirements": [requirement_dict(spec, lang) for spec in rows],
            }
        )
    return {"as_of": catalogue.as_of, "providers": providers}


def _in_lang(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en", "")


def requirement_dict(spec: Any, lang: str) -> dict[str, Any]:
    """A provider requirement as the catalogue shows it: the doc sections of a rule (title,
    advice, references, what it applies to, how it is checked) plus its dates and sources."""

    def texts(value: dict[str, str]) -> str:
        return _in_lang(value, lang)

    return {
        "id": spec.id,
        "provider": spec.provider,
        "scope": spec.scope,
        "title": texts(spec.title),
        "description": texts(spec.title),
        "advice": texts(spec.advice),
        "references": list(spec.references),
        "applies_to": list(spec.applies_to),
        "check": spec.test,
        "effective_from": spec.effective_from,
        "effective_basis": spec.effective_basis,
        "effective_note": texts(spec.effective_note) if spec.effective_note else "",
        "smtp_reply": spec.smtp_reply,
        "sources": [s.to_dict() for s in spec.sources],
    }


@bp.get("/rules/<rule_id>")
def rule(rule_id: str) -> Any:
    rules = services().engine.rules
    found = rules.get(rule_id)
    if found is not None:
        return jsonify(rule_dict(found, _lang(), full=True))
    spec = rules.lists.requirements.get(rule_id)
    if spec is not None:  # a provider requirement (`gmail.spf`): part of the same catalogue
        return jsonify(requirement_dict(spec, _lang()))
    raise ApiError(404, "not_found", f"no rule {rule_id}")


def rule_dict(rule: Rule, lang: str, *, full: bool = False) -> dict[str, Any]:
    """A rule as the API and the rules page show it (texts in `lang`, placeholders unfilled)."""
    data: dict[str, Any] = {
        "id": rule.id,
        "category": rule.category,
        "score": rule.score,
        "grades": [{"min": g.min, "score": g.score} for g in rule.grades],
        "levels": dict(rule.levels),
        "severity": rule.severity or rule.severity_for(rule.score),
        "network": rule.network,
        "status": rule.status,
        "description": rule.text("description", lang),
        "why": rule.text("why", lang),
        "advice": rule.text("advice", lang),
        "references": list(rule.references),
        "applies_to": list(rule.applies_to),
        "contract": rule.contract,
    }
    if full:
        data["check"] = rule.check
        data["old_names"] = list(rule.old_names)
        data["replaces"] = list(rule.replaces)
        data["examples"] = len(rule.examples)
        data["written_from"] = list(rule.written_from)
    return data


# --- service -------------------------------------------------------------------------------


@bp.get("/healthz")
def healthz() -> Any:
    """200 when this replica can take a check: the store takes a write (and, on SQLite, has
    room for one more largest request); else 503 with why. At most one write a second per
    process: probes and load balancers may ask often."""
    svc = services()
    try:
        problem = _store_health(svc)
    except Exception as exc:  # report, don't raise: a health check must always answer
        problem = f"{type(exc).__name__}: {exc}"[:300]
    body = {
        "status": "ok" if problem is None else "degraded",
        "version": __version__,
        "rules": len(svc.engine.rules),
        "store": "ok" if problem is None else f"error: {problem}",
    }
    response = jsonify(body)
    response.status_code = 200 if problem is None else 503
    response.headers["Cache-Control"] = "no-store"
    if problem is not None:
        response.headers["Retry-After"] = "10"
    return response


def _store_health(svc: Any) -> str | None:
    import os

    return svc.store.health(f"{svc.config.replica}:{os.getpid()}", max_age=1.0)


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document(services().config.batch_max))


@bp.get("/docs")
def docs() -> Any:
    from web.texts import requested_lang

    return render_template(
        "api/docs.html",
        spec=openapi_document(services().config.batch_max),
        lang=requested_lang(),
        keys_required=services().keys.required,
        loopback=is_loopback(request.remote_addr),
    )
