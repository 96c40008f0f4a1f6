"""The readable text report (`spamscore check`, `send-test`), in English or Japanese."""

from __future__ import annotations

from typing import Any

from scorer import i18n


def format_text(data: dict[str, Any], lang: str) -> str:
    """The readable report: verdict, categories, findings by impact with advice, checklist."""
    t = i18n.text
    lines: list[str] = []
    verdict = t("verdict.spam" if data["is_spam"] else "verdict.ham", lang)
    lines.append(
        f"{t('report.score', lang, score=data['score'], threshold=data['threshold'])}  [{verdict}]"
    )
    message = data.get("message") or {}
    if message.get("subject") is not None:
        lines.append(f"{t('report.subject', lang)}: {message['subject']}")
    if message.get("from"):
        lines.append(f"{t('report.from', lang)}: {message['from']}")
    kind = data.get("kind")
    if kind:
        lines.append(_kind_line(kind, lang))
    nonzero = {k: v for k, v in data["categories"].items() if v}
    if nonzero:
        lines.append("")
        lines.append(t("report.categories", lang) + ":")
        for name, value in sorted(nonzero.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {t('category.' + name, lang):<28} {value:+.2f}")
    lines.append("")
    findings = data["findings"]
    if not findings:
        lines.append(t("report.no_findings", lang))
    else:
        lines.append(t("report.findings", lang) + ":")
        for finding in findings:
            severity = t("severity." + finding["severity"], lang)
            lines.append(f"  {finding['score']:+6.2f}  {severity:<8} {finding['id']}")
            lines.append(f"          {finding['title']}")
            if finding.get("refined_by"):
                ids = ", ".join(finding["refined_by"])
                lines.append(f"          {t('report.refined_by', lang, ids=ids)}")
            for item in finding["evidence"][:5]:
                lines.append(f"          {t('report.evidence', lang)}: {item}")
            if finding["advice"] and finding["score"] > 0:
                lines.append(f"          {t('report.advice', lang)}: {finding['advice']}")
    not_applicable = data.get("not_applicable") or []
    if not_applicable:
        lines.append("")
        lines.append(t("report.not_applicable", lang, kind=kind["label"] if kind else "") + ":")
        for item in not_applicable:
            lines.append(f"  {item['id']}: {item['title']}")
        lines.append(f"  ({not_applicable[0]['reason']})")
    if data.get("requirements"):
        lines.append("")
        as_of = data.get("requirements_as_of")
        dated = f" ({t('report.rules_as_of', lang, date=as_of)})" if as_of else ""
        lines.append(t("report.requirements", lang) + dated + ":")
        for req in data["requirements"]:
            applicable = req.get("applicable", True)
            status = t("status." + req["status"] if applicable else "status.not_applicable", lang)
            failing = req["status"] == "fail"
            reply = f"  ({req['smtp_reply']})" if req.get("smtp_reply") and failing else ""
            since = (
                f"  [{t('report.since', lang, date=req['effective_from'])}]"
                if failing and req.get("effective_from")
                else ""
            )
            lines.append(f"  {status:<8} {req['id']}: {req['detail']}{reply}{since}")
    classifier = data.get("classifier")
    if classifier and classifier.get("probability") is not None:
        lines.append("")
        # rule findings the model read are listed above already: show only the words
        text_features = [f for f in classifier.get("top_features", []) if f.get("source") != "rule"]
        words = ", ".join(
            f"{f['feature']}{' (subject)' if f.get('source') == 'subject' else ''} "
            f"{f['weight']:+.1f}"
            for f in text_features[:8]
        )
        lines.append(
            f"{t('report.classifier', lang)}: p(spam) = {classifier['probability']:.2f}"
            + (f"  [{words}]" if words else "")
        )
    if data.get("skipped"):
        lines.append("")
        skipped = ", ".join(f"{s['check']} ({s['reason']})" for s in data["skipped"])
        lines.append(f"{t('report.skipped', lang)}: {skipped}")
    lines.append(t("report.elapsed", lang, ms=data["elapsed_ms"]))
    return "\n".join(lines) + "\n"


def _kind_line(kind: dict[str, Any], lang: str) -> str:
    """`Kind: Transactional (decided from the message: subject "Your receipt", ...)`."""
    t = i18n.text
    how = t("report.kind_source." + kind["source"], lang)
    shown = [
        f'{e["label"]} "{e["text"]}"' if e.get("text") else e["label"]
        for e in kind.get("evidence", [])
        if e["kind"] == kind["detected"] and kind["source"] == "auto"
    ][:3]
    line = f"{t('report.kind', lang)}: {kind['label']} ({how}{': ' if shown else ''}"
    line += "; ".join(shown) + ")"
    if kind.get("note"):
        line += f" {kind['note']}"
    return line
