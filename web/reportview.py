"""What the report page shows, worked out from a Report so the template stays plain.

Fixes come first (grouped by root cause, with the score after each, in the order that gains
most); the provider requirements are one matrix; every text carries its data marked apart from
our words (web.markup), in the page's language.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from scorer import i18n, matrix
from scorer.compare import compare
from scorer.i18n import T, segments
from scorer.report import Report
from scorer.rules import load_rules
from scorer.textreport import shown_fix
from web import markup

TOP_FIXES = 3
"""Fixes shown at once; the rest behind "N more"."""
_DNS_BANNER = ("untrusted", "unavailable")


def findings_html(report: Report, findings: list[dict[str, Any]], lang: str) -> None:
    """Add `title_html`, `advice_html`, `why_html` and `evidence_html` to each finding dict."""
    rules = report.rules
    for finding, source in zip(findings, report.findings, strict=True):
        rule = rules.get(source.id) if rules is not None else None
        params = source.params
        finding["title_html"] = (
            markup.rule_text(rule, "description", lang, params) if rule else markup.data(source.id)
        )
        finding["advice_html"] = markup.rule_text(rule, "advice", lang, params)
        finding["why_html"] = markup.rule_text(rule, "why", lang, params)
        finding["evidence_html"] = [markup.evidence(item, lang) for item in source.evidence]


def requirement_html(report: Report, lang: str) -> dict[str, Markup]:
    """Each requirement's detail with its data marked, by requirement id."""
    out: dict[str, Markup] = {}
    catalogue = (report.rules or load_rules()).lists.requirements
    for req in report.requirements:
        if req.outcome and req.outcome != "not_applicable":
            template = catalogue.detail_template(req.outcome, lang)
            out[req.id] = markup.pieces(segments(template, req.params, lang))
        else:
            out[req.id] = Markup.escape(req.detail.get(lang) or req.detail.get("en") or "")
    return out


def fixes(data: dict[str, Any], findings: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The fixes worth listing, with their lead finding's marked texts."""
    by_id = {f["id"]: f for f in findings}
    requirements = {r["id"]: r for r in data.get("requirements", [])}
    out = []
    previous = data["score"]
    for fix in data.get("fixes") or []:
        after = fix.get("score_after", fix.get("score_if_fixed", previous))
        gain = round(previous - after, 2)
        previous = after
        if not shown_fix(fix):
            continue
        shown = [by_id[i] for i in fix.get("ids", []) if i in by_id]
        lead = max(shown, key=lambda f: f["score"], default=None)
        cause = str(fix.get("cause", ""))
        named = not cause.startswith("finding:")
        title = Markup.escape(fix["title"]) if named or lead is None else lead["title_html"]
        advice = lead["advice_html"] if lead is not None and lead.get("advice") else None
        if advice is None:
            failing = [requirements[r] for r in fix.get("requirements", []) if r in requirements]
            advice = Markup.escape(failing[0]["advice"]) if failing else Markup("")
        out.append(
            {
                **fix,
                "title_html": title,
                "advice_html": advice,
                "gain_shown": gain,
                "anchor": cause.replace(":", "-"),
                "provider_names": [matrix.provider_name(p, lang) for p in fix.get("providers", [])],
            }
        )
    return out


def grid(report: Report, data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The requirements matrix, each row with its marked detail, advice and SMTP replies."""
    found = matrix.build(data["requirements"], lang)
    details = requirement_html(report, lang)
    requirements = {r["id"]: r for r in data["requirements"]}
    for row in found["rows"]:
        cells = list(row["cells"].values())
        ids = [c["id"] for c in cells]
        row["detail_html"] = details.get(ids[0]) if row["detail"] else None
        bad = [requirements[c["id"]] for c in cells if c["status"] in ("fail", "warn")]
        row["advice"] = bad[0]["advice"] if bad and bad[0].get("advice") else ""
        row["replies"] = [
            {
                "provider": matrix.provider_name(p, lang),
                "code": c["smtp_code"],
                "reply": c["smtp_reply"],
            }
            for p, c in row["cells"].items()
            if c.get("smtp_reply")
        ]
        for cell in cells:
            cell["detail_html"] = details.get(cell["id"])
        row["causes"] = [c.replace(":", "-") for c in row["causes"]]
    for group in found["collapsed"]:
        rows = group["rows"]
        key = group["group"].split(":")[0]
        titles = [
            T(f"matrix.row.{r['row']}") if i18n.has(f"matrix.row.{r['row']}") else r["title"]
            for r in rows
        ]  # our words: texts, not data
        group["label_html"] = markup.text(
            f"matrix.collapsed.web.{key}", lang, n=len(rows), rows=titles
        )
        if key == "unknown":
            group["why_html"] = rows[0].get("detail_html")
        elif key == "not_applicable":
            group["why_html"] = Markup.escape(_first_detail(rows))
    return found


def _first_detail(rows: list[dict[str, Any]]) -> str:
    return next((c["detail"] for r in rows for c in r["cells"].values() if c.get("detail")), "")


def skipped(report: Report, lang: str) -> list[dict[str, Any]]:
    """What was not checked, one line per reason (its data marked), with the checks it stopped."""
    grouped: dict[str, dict[str, Any]] = {}
    for item in report.skipped:
        text = item.text(lang)
        if item.code and i18n.has("skip." + item.code):
            why = markup.text("skip." + item.code, lang, **dict(item.params))
        else:
            why = markup.data(item.reason)  # a check's own diagnostic: shown as it is
        entry = grouped.setdefault(text, {"why": why, "checks": []})
        entry["checks"].append(item.check)
        detail = dict(item.params).get("detail")
        if detail:
            entry["detail"] = detail
    return list(grouped.values())


def chips(classifier: dict[str, Any] | None, findings: list[dict[str, Any]], lang: str) -> None:
    """Name each of the classifier's features for the page: a rule by its finding's marked
    title, a structure fact in the page's language, a word as it is (message content)."""
    if not classifier:
        return
    from scorer.ml.features import structure_text

    by_id = {f["id"]: f for f in findings}
    for feature in classifier.get("top_features") or []:
        if feature.get("key"):
            feature["label"] = i18n.render(structure_text(feature["key"]), lang)
        elif feature.get("source") == "rule" and feature["feature"] in by_id:
            feature["label_html"] = by_id[feature["feature"]]["title_html"]


def dns_banner(data: dict[str, Any]) -> dict[str, Any] | None:
    dns = data.get("dns") or {}
    return dns if dns.get("status") in _DNS_BANNER else None


def comparison(before: dict[str, Any], after: dict[str, Any], lang: str) -> dict[str, Any]:
    return compare(before, after, lang)
