"""Other engines' HTTP protocols on the web service, so their clients call us unchanged.

- rspamd: `POST /checkv2` (rspamd's JSON: score, required_score, action, symbols with our
  evidence as options, messages, milter.add_headers/remove_headers), and `POST /symbols`
  (rspamd's protocol v1 layout, the result under `{"default": {...}}`; its `/check` twin is
  left out: `POST /check` is the web form's). The request
  headers rspamd reads are honoured where our engine has a use for them: `IP` (the sending
  address: SPF, reverse DNS, blocklists), `Helo`, `From` (the envelope sender); `Rcpt` and
  `Queue-Id` are logged; `Settings`/`Settings-Id` cannot change our rules and are ignored with
  a note in `messages`.
- Postmark SpamCheck: `POST /filter` with `{"email", "options": "short"|"long"}` answering
  `{success, score, rules: [{score, description}], report}`.

Access is the API's (keys when configured, else loopback only; rspamc's `Password` header
carries a key too), and so are the rate limit, the size limit and the store. Errors use each
protocol's own shape: rspamd `{"error": "..."}`, Postmark `{"success": false, "message"}`.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from scorer import __version__
from scorer.errors import MessageTooLargeError
from scorer.verdict import Thresholds, spam_headers, text_report, x_spam_names
from web import caller, services
from web.errors import ApiError
from web.service import AnalysisFailedError, Checked, CheckOptions
from web.store import QuotaExceededError, StoreUnavailableError
from web.submission import Submission, raw_bytes

log = logging.getLogger(__name__)
bp = Blueprint("compat", __name__)

RSPAMD_ENDPOINTS = {"compat.checkv2", "compat.symbols_v1"}
ANALYSING_ENDPOINTS = {*RSPAMD_ENDPOINTS, "compat.postmark_filter"}
_IGNORED_NOTE = (
    "Settings and Settings-Id were ignored: spamscore applies one rule set to every message "
    "(SPAMSCORE_RULES_DIR, SPAMSCORE_THRESHOLD, SPAMSCORE_REJECT_THRESHOLD)"
)


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error(exc.status, exc.message)


@bp.errorhandler(StoreUnavailableError)
def _store_down(exc: StoreUnavailableError) -> Response:
    response = _error(503, str(exc))
    response.headers["Retry-After"] = "10"
    return response


@bp.errorhandler(QuotaExceededError)
def _quota(exc: QuotaExceededError) -> Response:
    return _error(507, str(exc))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return _error(exc.code or 500, exc.description or exc.name)


def _error(status: int, message: str) -> Response:
    if request.endpoint == "compat.postmark_filter":
        response = jsonify({"success": False, "message": message})
    else:
        response = jsonify({"error": message})
    response.status_code = status
    return response


# --- rspamd ------------------------------------------------------------------------------


@bp.post("/checkv2")
def checkv2() -> Any:
    return jsonify(rspamd_result(*_rspamd_check()))


@bp.post("/symbols")
def symbols_v1() -> Any:
    """rspamd's protocol v1 reply: the same result under the `default` metric."""
    return jsonify(_legacy(rspamd_result(*_rspamd_check())))


@bp.get("/ping")
def ping() -> Any:
    return Response("pong\r\n", mimetype="text/plain")


def _rspamd_check() -> tuple[Checked, dict[str, str], list[str]]:
    raw = request.get_data(cache=False)
    if not raw:  # zero bytes; blank lines alone are a message and get a report
        raise ApiError(400, "invalid_request", "the body is empty: send the raw message")
    delivery: dict[str, str] = {}
    ip = request.headers.get("IP", "").strip()
    if ip:
        try:
            delivery["sender_ip"] = str(ipaddress.ip_address(ip))
        except ValueError:
            raise ApiError(
                400, "invalid_request", f"IP header is not an address: {ip[:60]}"
            ) from None
    for header, name in (("Helo", "helo"), ("From", "mail_from")):
        value = request.headers.get(header, "").strip()
        if value:
            delivery[name] = value.strip("<>") if name == "mail_from" else value
    notes: dict[str, str] = {}
    if request.headers.get("Settings") or request.headers.get("Settings-ID"):
        notes["spamscore"] = _IGNORED_NOTE
    queue_id = request.headers.get("Queue-Id")
    if queue_id or request.headers.get("Rcpt"):
        log.info(
            "rspamd check: queue id %s, %d recipient(s)",
            queue_id or "-",
            len(request.headers.getlist("Rcpt")),
        )
    return _check(Submission(raw, delivery)), notes, x_spam_names(raw)


def rspamd_result(checked: Checked, notes: dict[str, str], forged: list[str]) -> dict[str, Any]:
    """rspamd's /checkv2 JSON for one report (field names as rspamd 3.x writes them)."""
    report = checked.report
    lang = report.lang
    data = report.to_dict(lang)
    settings = services().engine.settings
    thresholds = Thresholds(report.threshold, max(settings.reject_threshold, report.threshold))
    symbols = {}
    for finding in data["findings"]:
        symbol: dict[str, Any] = {
            "name": finding["id"],
            "score": finding["score"],
            "metric_score": finding["score"],
            "description": finding["title"],
        }
        if finding["evidence"]:
            symbol["options"] = list(finding["evidence"])
        symbols[finding["id"]] = symbol
    url = _report_url(checked)
    added = spam_headers(report, version=__version__, report_url=url)
    # one line each: milters pass values on as they are, and not every MTA refolds them
    add_headers = {name: {"value": " ".join(value.split()), "order": 0} for name, value in added}
    existing = set(forged) | {name for name, _ in added}
    result: dict[str, Any] = {
        "is_skipped": False,
        "score": report.score,
        "required_score": report.threshold,
        "action": thresholds.action(report.score),
        "thresholds": {"add header": thresholds.spam, "reject": thresholds.reject},
        "symbols": symbols,
        "messages": {**notes, **_inconclusive_note(report)},
        "message-id": (data["message"].get("message_id") or "").strip().strip("<>"),
        "time_real": round(report.elapsed_ms / 1000, 6),
        "milter": {
            # 0: every instance, so a forged X-Spam-* header never travels beside ours
            "remove_headers": {name: 0 for name in sorted(existing)},
            "add_headers": add_headers,
        },
    }
    if checked.id:
        result["spamscore"] = {"id": checked.id, "report_url": url}
    return result


def _inconclusive_note(report: Any) -> dict[str, str]:
    """rspamd has no inconclusive action: the score is at the threshold (`add header`), and
    the reason is a message for the MTA's log."""
    if report.incomplete is None:
        return {}
    unread = ", ".join([*report.incomplete["limits"], *report.incomplete["checks"]])
    return {
        "spamscore_inconclusive": f"the analysis did not finish ({unread}): "
        "scored at the threshold, never as clean"
    }


def _legacy(result: dict[str, Any]) -> dict[str, Any]:
    metric = {
        "is_spam": result["action"] != "no action",
        "is_skipped": False,
        "score": result["score"],
        "required_score": result["required_score"],
        "action": result["action"],
    }
    metric.update(result["symbols"])
    legacy = {"default": metric}
    for key in ("messages", "message-id", "time_real", "milter"):
        legacy[key] = result[key]
    return legacy


# --- Postmark SpamCheck ---------------------------------------------------------------------


@bp.post("/filter")
def postmark_filter() -> Any:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'send JSON: {"email": "raw message"}')
    email = data.get("email")
    if not isinstance(email, str) or not email.strip():
        raise ApiError(400, "invalid_request", "email must be the raw message, as a string")
    option = data.get("options", "long")
    if option not in ("short", "long"):
        raise ApiError(400, "invalid_request", 'options must be "short" or "long"')
    checked = _check(Submission(raw_bytes(email)))
    report = checked.report
    findings = report.to_dict(report.lang)["findings"]
    body: dict[str, Any] = {
        "success": True,
        "score": f"{report.score:.1f}",
        "verdict": report.verdict,
        "rules": [
            {"score": f"{f['score']:.1f}", "description": f["title"], "id": f["id"]}
            for f in findings
        ],
    }
    url = _report_url(checked)
    if option == "long":
        body["report"] = text_report(report, report_url=url)
    if checked.id:
        body["report_url"] = url
    return jsonify(body)


# --- shared -----------------------------------------------------------------------------------


def _check(submission: Submission) -> Checked:
    from web.api import _options

    options: CheckOptions = _options()  # lang, offline, store, threshold: as the API reads them
    try:
        return services().checker.check(submission, options, source="compat", owner=caller())
    except MessageTooLargeError as exc:
        raise ApiError(413, "too_large", str(exc)) from None
    except AnalysisFailedError as exc:
        kept = f"; the message is kept as {exc.report_id}" if exc.report_id else ""
        raise ApiError(
            500, "analysis_failed", f"the analyzer failed on this message{kept}"
        ) from None


def _report_url(checked: Checked) -> str | None:
    if not checked.id:
        return None
    return url_for("ui.report", report_id=checked.id, _external=True)
