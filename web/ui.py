"""The pages for people: the check form, the report page, the preview frame, the rule catalogue."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from scorer.errors import MessageTooLargeError
from scorer.report import Report
from web import caller, reportview, services
from web.gauge import gauge
from web.inbox import state as inbox_state
from web.inbox.addresses import address_for
from web.inbox.state import state_of
from web.inboxstatus import inbox_running
from web.preview import preview_csp
from web.service import AnalysisFailedError, CheckOptions
from web.store import StoredReport
from web.submission import (
    DELIVERY_FIELDS,
    InputError,
    Submission,
    composed_submission,
    delivery_from,
    kind_from,
    pasted,
    raw_bytes,
)
from web.texts import LANG_COOKIE, LANGS, marked, requested_lang, text

bp = Blueprint("ui", __name__)

SAMPLES_DIR = Path(__file__).with_name("samples")
SAMPLES = ("newsletter", "promo")
MODES = ("paste", "upload", "compose", "send")
_QUICK_REFRESH_FOR = timedelta(minutes=10)


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    lang = requested_lang(services().engine.settings.lang) if _in_request() else "en"

    def t(key: str, **params: object) -> str:
        return text(key, lang, **params)

    def tm(key: str, **params: object) -> Any:
        return marked(key, lang, **params)

    retention = services().config.retention_days
    return {
        "t": t,
        "tm": tm,
        "lang": lang,
        "langs": LANGS,
        "lang_url": _lang_url,
        "retention_days": f"{retention:g}",
    }


def _in_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def _lang_url(lang: str) -> str:
    if request.method != "GET" or request.endpoint is None:
        return url_for("ui.index", lang=lang)  # e.g. a form error page: back to the form
    args = request.args.to_dict()
    args["lang"] = lang
    endpoint = request.endpoint
    try:
        return url_for(endpoint, **(request.view_args or {}), **args)
    except Exception:
        return url_for("ui.index", lang=lang)


@bp.after_app_request
def _remember_lang(response: Response) -> Response:
    if g.get("lang_chosen"):
        response.set_cookie(
            LANG_COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


# --- the form ------------------------------------------------------------------------------


@bp.get("/")
def index() -> Any:
    sample = request.args.get("sample")
    values: dict[str, str] = {}
    mode = "paste"
    if sample in SAMPLES:
        values["raw"] = (SAMPLES_DIR / f"{sample}.eml").read_text(encoding="utf-8")
    elif request.args.get("edit"):
        mode, values = _draft_of(request.args["edit"])
    if request.args.get("mode") in MODES:
        mode = request.args["mode"]
    return _form(mode, values)


def _form(mode: str, values: dict[str, str], error: str | None = None) -> str:
    send = inbox_running(services().config.inbox_server)
    if mode == "send" and not send:
        mode = "paste"
    return render_template(
        "ui/index.html",
        mode=mode,
        values=values,
        error=error,
        deleted=request.args.get("deleted") == "1",
        samples=SAMPLES,
        send_available=send,
        modes=[m for m in MODES if send or m != "send"],
    )


def _draft_of(report_id: str) -> tuple[str, dict[str, str]]:
    """The draft of a stored report, as the form had it ("Edit and check again"): composed
    fields and pasted bodies back in Compose, a whole message back in the paste box."""
    row = services().store.get(report_id)
    if row is None:
        abort(404, text("error.no_report", requested_lang()))
    options = row.options or {}
    values: dict[str, str] = {"previous": row.id}
    delivery = options.get("delivery") or {}
    values.update({k: str(v) for k, v in delivery.items() if k in DELIVERY_FIELDS})
    if options.get("kind"):
        values["kind"] = str(options["kind"])
    if options.get("offline"):
        values["offline"] = "1"
    fields = options.get("fields")
    if isinstance(fields, dict):
        values.update({k: str(v) for k, v in fields.items() if isinstance(v, str)})
        return "compose", values
    values["raw"] = row.raw.decode("utf-8", "replace")
    return "paste", values


@bp.post("/check")
def check() -> Any:
    mode = request.form.get("mode", "paste")
    if mode not in MODES:
        mode = "paste"
    values = {k: v for k, v in request.form.items() if k != "mode"}
    lang = requested_lang()
    try:
        submission = _submission(mode)
        checked = services().checker.check(
            submission,
            CheckOptions(lang=lang, offline=_offline_choice()),
            source="form",
            owner=caller(),
        )
    except InputError as exc:
        return _form_error(mode, values, exc.message, 400)
    except MessageTooLargeError as exc:
        return _form_error(mode, values, text("form.too_large", lang, detail=str(exc)), 413)
    except AnalysisFailedError as exc:
        if exc.report_id is None:
            raise
        return redirect(url_for("ui.report", report_id=exc.report_id), code=303)
    previous = request.form.get("previous") or None
    if previous and services().store.get(previous) is None:
        previous = None  # expired or deleted meanwhile: show the new report alone
    return redirect(url_for("ui.report", report_id=checked.id, compare=previous), code=303)


def _offline_choice() -> bool | None:
    return True if request.form.get("offline") == "1" else None


def _submission(mode: str) -> Submission:
    form = request.form
    delivery = delivery_from(form)
    lang = requested_lang()
    try:
        kind = kind_from(form)
    except InputError:
        raise InputError(text("form.error.kind", lang), field="kind") from None
    if mode == "upload":
        upload = request.files.get("file")
        raw = upload.read() if upload is not None else b""
        if not raw:
            raise InputError(text("form.error.no_file", lang), field="file")
        return pasted(raw, delivery, kind)
    if mode == "compose":
        fields = {name: form.get(name, "") for name in ("from", "to", "subject", "html", "text")}
        if not any(fields[name].strip() for name in ("subject", "html", "text")):
            raise InputError(text("form.error.empty_compose", lang), field="subject")
        return composed_submission(fields, delivery, kind)
    raw_text = form.get("raw", "")
    if not raw_text.strip():
        raise InputError(text("form.error.no_message", lang), field="raw")
    # Browsers send textarea line breaks as CRLF, which is what a message has on the wire.
    return pasted(raw_bytes(raw_text), delivery, kind)


def _form_error(mode: str, values: dict[str, str], message: str, status: int) -> Any:
    return _form(mode, values, message), status


# --- test sends ----------------------------------------------------------------------------


@bp.post("/tests")
def create_test() -> Any:
    """A new test address (the form's "Send a test" tab); its page waits for the message."""
    config = services().config
    test = services().store.add_test(
        config.inbox_domain, accepts_for=timedelta(hours=config.test_hours)
    )
    return redirect(url_for("ui.test_page", test_id=test.id), code=303)


@bp.get("/t/<test_id>")
def test_page(test_id: str) -> Any:
    """The test's address and instructions until its message arrives; then its report."""
    lang = requested_lang()
    test = services().store.get_test(test_id.lower())
    if test is None:
        abort(404, text("error.no_test", lang))
    state = state_of(test, services().checker)
    if state.row is not None and state.status in (inbox_state.FINISHED, inbox_state.FAILED):
        return redirect(url_for("ui.report", report_id=state.row.id), code=303)
    refresh = {inbox_state.WAITING: 3, inbox_state.RECEIVED: 1}.get(state.status)
    if refresh == 3 and datetime.now(UTC) - test.created_at > _QUICK_REFRESH_FOR:
        refresh = 30  # a page left open all day asks every half minute, not every 3 s
    response = Response(
        render_template(
            "ui/test.html",
            test=test,
            state=state,
            address=address_for(test.id, test.domain),
            refresh=refresh,
            command=send_test_command(address_for(test.id, test.domain)),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def send_test_command(address: str) -> str:
    """The `send-test` command for this server: its own URL and its inbox's address are given
    whenever they are not the command's defaults, so it works as printed."""
    from web.inbox.commands import DEFAULT_API

    parts = ["spamscore", "send-test", "message.eml", "--to", address]
    base = request.host_url.rstrip("/")
    if base != DEFAULT_API.rstrip("/"):
        parts += ["--api", base]
    server = services().config.inbox_server
    if server not in ("127.0.0.1:2525", "localhost:2525"):
        parts += ["--server", server]
    return " ".join(parts)


# --- the report ----------------------------------------------------------------------------


@bp.get("/r/<report_id>")
def report(report_id: str) -> Any:
    lang = requested_lang()
    try:
        loaded = services().checker.load(report_id)
    except AnalysisFailedError as exc:
        row = services().store.get(report_id)
        if row is None:
            abort(404)
        return render_template("ui/failed.html", row=row, detail=exc.detail), 500
    if loaded is None:
        abort(404, text("error.no_report", lang))
    row, made = loaded
    view = report_view(row, made, lang)
    other = request.args.get("compare")
    if other and other != row.id:
        view["comparison"] = _comparison(other, view["report"], lang)
    return render_template("ui/report.html", **view)


def _comparison(other_id: str, report: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The comparison with an earlier report (?compare=ID, or its link pasted in the form)."""
    other_id = other_id.strip().rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    try:
        loaded = services().checker.load(other_id)
    except AnalysisFailedError:
        loaded = None
    if loaded is None:
        return {"missing": other_id}
    row, earlier = loaded
    found = reportview.comparison(earlier.to_dict(lang), report, lang)
    found["other_id"] = row.id
    found["other_created"] = row.created_at
    return found


def report_view(row: StoredReport, report: Report, lang: str) -> dict[str, Any]:
    """Everything the report template shows, worked out here so the template stays plain."""
    data = report.to_dict(lang)
    findings = data["findings"]
    reportview.findings_html(report, findings, lang)
    problems = sorted((f for f in findings if f["score"] > 0), key=lambda f: -f["score"])
    helping = sorted((f for f in findings if f["score"] < 0), key=lambda f: f["score"])
    notes = [f for f in findings if f["score"] == 0]
    categories = _categories(data, report)
    requirements = _requirements(data["requirements"], lang)
    classifier = data.get("classifier") or None
    highlighted = None
    text_cut = False
    reportview.chips(classifier, findings, lang)
    if classifier and classifier.get("top_features"):
        # From what was kept at check time (web.render): the message is not parsed again.
        # The words were marked then too (safe markup: web.highlight escapes the text).
        pages = services().checker.render_of(row)
        highlighted = Markup(pages["highlighted"])
        text_cut = pages["text_cut"]
    images = request.args.get("images") == "1"
    return {
        "engines": _engines(data),
        "delivery": data.get("delivery") or None,
        "row": row,
        "report": data,
        "gauge": _gauge(data),
        "problems": problems,
        "helping": helping,
        "notes": notes,
        "categories": categories,
        "requirements": requirements,
        "kind": data.get("kind") or None,
        "not_applicable": data.get("not_applicable") or [],
        "classifier": classifier,
        "highlighted": highlighted,
        "text_cut": text_cut,
        "remote_images": images,
        "preview_url": url_for("ui.preview", report_id=row.id, images="1" if images else None),
        "permalink": url_for("ui.report", report_id=row.id, _external=True),
        "lang": lang,
        "fixes": reportview.fixes(data, findings, lang),
        "top_fixes": reportview.TOP_FIXES,
        "headline": data.get("headline") or {},
        "grid": reportview.grid(report, data, lang),
        "skipped": reportview.skipped(report, lang),
        "dns_banner": reportview.dns_banner(data),
        "draft": data.get("draft") or None,
        "versions": data.get("versions") or {},
        "comparison": None,
    }


def _gauge(data: dict[str, Any]) -> dict[str, Any]:
    """The score gauge; an inconclusive report has its own state (not read completely)."""
    shown = gauge(data["score"], data["threshold"])
    if data.get("verdict") == "inconclusive":
        shown["state"] = "inconclusive"
    return shown


_ENGINE_NAMES = {"spamassassin": "SpamAssassin", "rspamd": "rspamd"}


def _engines(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Other engines' opinions (section `engines`), and those configured but not reached (their
    `engine.*` skipped entries); empty when none is configured. An offline analysis skips every
    network check, configured or not, so "offline" alone does not make an engine appear."""
    opinions = data.get("engines") or {}
    items = [
        {"key": key, "name": _ENGINE_NAMES.get(key, key), "opinion": opinion, "skipped": None}
        for key, opinion in opinions.items()
    ]
    for skipped in data.get("skipped", []):
        check = str(skipped.get("check", ""))
        if check.startswith("engine."):
            key = check.removeprefix("engine.")
            if key not in opinions and skipped.get("reason") != "offline":
                items.append(
                    {
                        "key": key,
                        "name": _ENGINE_NAMES.get(key, key),
                        "opinion": None,
                        "skipped": skipped.get("reason", ""),
                    }
                )
    return items


def _categories(data: dict[str, Any], report: Report) -> list[dict[str, Any]]:
    rules = report.rules
    counts: dict[str, int] = {}
    for finding in data["findings"]:
        counts[finding["category"]] = counts.get(finding["category"], 0) + 1
    items = []
    scale = max([abs(v) for v in data["categories"].values()] + [data["threshold"], 1.0])
    for name, value in data["categories"].items():
        category = rules.categories.get(name) if rules is not None else None
        items.append(
            {
                "name": name,
                "value": value,
                "count": counts.get(name, 0),
                "width": round(min(abs(value) / scale, 1.0) * 100, 1),
                "cap": data.get("capped", {})
                .get(name, {})
                .get("cap", category.cap if category is not None else None),
                "capped": name in data.get("capped", {}),
                "uncorroborated": "uncorroborated" in data.get("capped", {}).get(name, {}),
                "raw": (data.get("capped", {}).get(name) or {}).get("raw", value),
            }
        )
    items.sort(key=lambda c: (-c["value"], c["name"]))
    return items


def _requirements(requirements: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Requirements grouped by provider, failures first within each."""
    order = {"fail": 0, "warn": 1, "unknown": 2, "pass": 3}
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in requirements:
        groups.setdefault(item.get("provider") or item["id"].split(".", 1)[0], []).append(item)

    def rank(item: dict[str, Any]) -> int:
        # not applicable to this kind of message: listed last, after what passes
        return order.get(item["status"], 9) if item.get("applicable", True) else 4

    providers = services().engine.rules.lists.requirements.providers
    out = []
    for provider, items in groups.items():
        known = providers.get(provider)
        out.append(
            {
                "provider": provider,
                "label": _provider_label(provider, lang),
                "items": sorted(items, key=rank),
                "failing": sum(1 for r in items if r["status"] == "fail"),
                "enforcement": (known.enforcement.get(lang) or known.enforcement["en"])
                if known
                else "",
            }
        )
    return out


def _provider_label(provider: str, lang: str) -> str:
    key = f"provider.{provider}"
    label = text(key, lang)
    return provider.replace("_", " ").title() if label == key else label


@bp.get("/r/<report_id>/preview")
def preview(report_id: str) -> Any:
    row = services().store.get(report_id)
    if row is None:
        abort(404)
    remote = request.args.get("images") == "1"
    document = services().checker.render_of(row)["preview"]
    response = Response(document, mimetype="text/html")
    response.headers["Content-Security-Policy"] = preview_csp(remote)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/r/<report_id>.json")
def report_json(report_id: str) -> Any:
    lang = requested_lang()
    try:
        loaded = services().checker.load(report_id)
    except AnalysisFailedError:
        abort(500)
    if loaded is None:
        abort(404)
    row, made = loaded
    body = {"id": row.id, **made.to_dict(lang)}
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="spamscore-{row.id}.json"'},
    )


@bp.get("/r/<report_id>.eml")
def report_raw(report_id: str) -> Any:
    row = services().store.get(report_id)
    if row is None:
        abort(404)
    return Response(
        row.raw,
        mimetype="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="{row.id}.eml"'},
    )


@bp.post("/r/<report_id>/delete")
def delete(report_id: str) -> Any:
    if not services().store.delete(report_id):
        abort(404)
    return redirect(url_for("ui.index", deleted="1"), code=303)


# --- signing in ----------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """With API keys configured, people sign in once with a key; the session carries it."""
    from flask import session

    from web.access import SESSION_KEY
    from web.security import identity_of

    svc = services()
    target = _next_path(request.values.get("next", "/"))
    if not svc.keys.required:
        return redirect(target, code=303)
    error = None
    status = 200
    if request.method == "POST":
        if not svc.counters.hit("login", caller(), _LOGIN_ATTEMPTS):
            error, status = text("login.too_many", requested_lang()), 429
        else:
            key = request.form.get("key", "").strip()
            if key and svc.keys.valid(key):
                session.clear()  # a new session (and CSRF token) for the signed-in person
                session[SESSION_KEY] = identity_of(key)
                session.permanent = True
                return redirect(target, code=303)
            error, status = text("login.wrong", requested_lang()), 401
    return render_template("ui/login.html", error=error, next=target), status


@bp.post("/logout")
def logout() -> Any:
    from flask import session

    session.clear()
    return redirect(url_for("ui.login"), code=303)


_LOGIN_ATTEMPTS = "20 per minute"


def _next_path(value: str) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


# --- rules ---------------------------------------------------------------------------------


@bp.get("/rules")
def rules() -> Any:
    from web.api import rule_dict

    lang = requested_lang()
    ruleset = services().engine.rules
    categories = []
    for category in ruleset.categories.values():
        items = [rule_dict(r, lang) for r in ruleset if r.category == category.name]
        if items:
            categories.append(
                {
                    "name": category.name,
                    "description": category.description.get(lang)
                    or category.description.get("en", ""),
                    "cap": category.cap,
                    "rules": sorted(items, key=lambda r: (-r["score"], r["id"])),
                }
            )
    from web.api import requirements_catalogue

    kinds = ruleset.lists.kinds
    labels = {k: v.get(lang) or v.get("en", k) for k, v in kinds.labels.items()}
    return render_template(
        "ui/rules.html",
        categories=categories,
        total=len(ruleset),
        requirements=requirements_catalogue(lang),
        kind_labels=labels,
    )


def error_page(status: int, detail: str | None) -> Any:
    return render_template("ui/error.html", status=status, detail=detail), status
