"""The readable text report (`spamscore check`, `send-test`, `diff`), in English or Japanese.

Fixes come first, under the score: what to change, in the order that gains most, with the
score after each. Columns are padded by display width (wcwidth), so Japanese labels, which
take two columns per character, line up with English ones.
"""

from __future__ import annotations

from typing import Any

from wcwidth import wcswidth

from scorer import i18n, matrix

_STATUS_MARK = {"pass": "✓", "fail": "✕", "warn": "!", "unknown": "?", "not_applicable": "–"}


def width(text: str) -> int:
    """Terminal columns `text` takes (East Asian wide characters count two)."""
    found = wcswidth(text)
    return found if found >= 0 else len(text)


def pad(text: str, columns: int) -> str:
    """`text` padded with spaces to `columns` display columns (never cut)."""
    return text + " " * max(columns - width(text), 0)


def format_text(data: dict[str, Any], lang: str) -> str:
    """The readable report: verdict and headline, fixes, categories, findings, the provider
    matrix, the classifier's words, what was not checked."""
    t = i18n.text
    lines: list[str] = []
    verdict = t(
        "verdict.inconclusive"
        if data.get("verdict") == "inconclusive"
        else ("verdict.spam" if data["is_spam"] else "verdict.ham"),
        lang,
    )
    head = (
        f"{t('report.score', lang, score=data['score'], threshold=data['threshold'])}  [{verdict}]"
    )
    headline = (data.get("headline") or {}).get("text")
    lines.append(f"{head}  {headline}" if headline else head)
    incomplete = data.get("incomplete")
    if incomplete:
        what = ", ".join([*incomplete["limits"], *incomplete["checks"]])
        lines.append(
            t("report.incomplete", lang, what=what, score=incomplete["score_before_floor"])
        )
    message = data.get("message") or {}
    if message.get("subject") is not None:
        lines.append(f"{t('report.subject', lang)}: {message['subject']}")
    if message.get("from"):
        lines.append(f"{t('report.from', lang)}: {message['from']}")
    dns = data.get("dns") or {}
    if dns.get("message") and dns.get("status") != "offline":
        lines.append(f"{t('report.dns', lang)}: {dns['message']}")
        if dns.get("detail"):
            lines.append(f"  ({dns['detail']})")
    kind = data.get("kind")
    if kind:
        lines.append(kind_line(kind, lang))
    draft = data.get("draft") or {}
    if draft.get("message"):
        lines.append(f"{t('report.draft', lang)}: {draft['message']}")
    _fixes(lines, data, lang)
    _categories(lines, data, lang)
    lines.append("")
    findings = data["findings"]
    if not findings:
        lines.append(t("report.no_findings", lang))
    else:
        lines.append(t("report.findings", lang) + ":")
        severities = {f["severity"]: t("severity." + f["severity"], lang) for f in findings}
        column = max(width(s) for s in severities.values()) + 1
        for finding in findings:
            severity = pad(severities[finding["severity"]], column)
            lines.append(f"  {finding['score']:+6.2f}  {severity}{finding['id']}")
            lines.append(f"          {finding['title']}")
            for item in finding["evidence"][:5]:
                lines.append(f"          {t('report.evidence', lang)}: {item}")
            if finding.get("refined_by"):
                ids = ", ".join(finding["refined_by"])
                lines.append(f"          {t('report.refined_by', lang, ids=ids)}")
            if finding["advice"] and finding["score"] > 0:
                lines.append(f"          {t('report.advice', lang)}: {finding['advice']}")
    not_applicable = data.get("not_applicable") or []
    if not_applicable:
        lines.append("")
        lines.append(t("report.not_applicable", lang, kind=kind["label"] if kind else "") + ":")
        for item in not_applicable:
            lines.append(f"  {item['id']}: {item['title']}")
        lines.append(f"  ({not_applicable[0]['reason']})")
    _requirements(lines, data, lang)
    classifier = data.get("classifier")
    if classifier and classifier.get("probability") is not None:
        lines.append("")
        # rule findings the model read are listed above already: show only the words
        text_features = [f for f in classifier.get("top_features", []) if f.get("source") != "rule"]
        in_subject = t("report.in_subject", lang)
        words = ", ".join(
            f"{_feature(f, lang)}{in_subject if f.get('source') == 'subject' else ''}"
            f" {f['weight']:+.1f}"
            for f in text_features[:8]
        )
        lines.append(
            f"{t('report.classifier', lang)}: p(spam) = {classifier['probability']:.2f}"
            + (f"  [{words}]" if words else "")
        )
        if classifier.get("inconclusive"):
            lines.append(
                "  "
                + t(
                    "report.too_little_text",
                    lang,
                    words=classifier.get("words", 0),
                    min_words=classifier["inconclusive"].get("min_words", 0),
                )
            )
    if data.get("skipped"):
        lines.append("")
        lines.append(f"{t('report.skipped', lang)}:")
        grouped: dict[str, list[str]] = {}
        for item in data["skipped"]:
            grouped.setdefault(item.get("text") or item["reason"], []).append(item["check"])
        for why, checks in grouped.items():
            lines.append(f"  {', '.join(checks)}: {why}")
    versions = data.get("versions") or {}
    if versions:
        lines.append(
            t(
                "report.versions",
                lang,
                rules=versions.get("rules") or "-",
                model=versions.get("model") or "-",
            )
        )
    lines.append(t("report.elapsed", lang, ms=data["elapsed_ms"]))
    return "\n".join(lines) + "\n"


def kind_line(kind: dict[str, Any], lang: str) -> str:
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


def _feature(feature: dict[str, Any], lang: str) -> str:
    if feature.get("key"):
        from scorer.ml.features import structure_text

        return i18n.render(structure_text(feature["key"]), lang)
    return str(feature["feature"])


def _fixes(lines: list[str], data: dict[str, Any], lang: str) -> None:
    fixes = [f for f in data.get("fixes") or [] if shown_fix(f)]
    if not fixes:
        return
    t = i18n.text
    lines.append("")
    lines.append(t("report.fixes", lang) + ":")
    score = data["score"]
    for number, fix in enumerate(fixes, 1):
        after = fix.get("score_after", fix["score_if_fixed"])
        change = f"{score:.1f} → {after:.1f}" if after != score else f"{after:.1f}"
        lines.append(f"  {number:>2}. {fix['title']}  [{change}]")
        score = after
        ids = ", ".join(fix["ids"] + fix.get("requirements", []))
        if ids:
            lines.append(f"      {ids}")
        if fix.get("advice"):
            lines.append(f"      {t('report.advice', lang)}: {fix['advice']}")


def shown_fix(fix: dict[str, Any]) -> bool:
    """A fix worth listing: it lowers the score (at its place in the order) or clears a
    provider requirement."""
    return fix.get("gain_in_order", fix.get("gain", 0)) > 0 or bool(fix.get("requirements"))


def _categories(lines: list[str], data: dict[str, Any], lang: str) -> None:
    nonzero = {k: v for k, v in data["categories"].items() if v}
    if not nonzero:
        return
    t = i18n.text
    capped = data.get("capped") or {}
    labels = {name: t("category." + name, lang) for name in nonzero}
    column = max(28, max(width(v) for v in labels.values()) + 2)
    lines.append("")
    lines.append(t("report.categories", lang) + ":")
    for name, value in sorted(nonzero.items(), key=lambda kv: -kv[1]):
        line = f"  {pad(labels[name], column)} {value:+.2f}"
        bound = capped.get(name)
        if bound and "uncorroborated" in bound:
            line += "  " + t(
                "report.uncorroborated", lang, raw=f"{bound['raw']:.2f}", cap=bound["cap"]
            )
        elif bound and "cap" in bound:
            line += "  " + t("report.capped_at", lang, raw=f"{bound['raw']:.2f}", cap=bound["cap"])
        elif bound and "floor" in bound:
            line += "  " + t(
                "report.floored_at", lang, raw=f"{bound['raw']:.2f}", floor=bound["floor"]
            )
        lines.append(line)


def _requirements(lines: list[str], data: dict[str, Any], lang: str) -> None:
    requirements = data.get("requirements") or []
    if not requirements:
        return
    t = i18n.text
    grid = matrix.build(requirements, lang)
    lines.append("")
    as_of = data.get("requirements_as_of")
    dated = f" ({t('report.rules_as_of', lang, date=as_of)})" if as_of else ""
    lines.append(t("report.requirements", lang) + dated + ":")
    providers = grid["providers"]
    rows = grid["open"]
    if rows:
        title_width = max(width(r["title"]) for r in rows) + 2
        widths = [max(width(p["name"]), 4) + 2 for p in providers]
        header = (
            "  "
            + pad("", title_width)
            + "".join(pad(p["name"], w) for p, w in zip(providers, widths, strict=True))
        )
        lines.append(header.rstrip())
        for row in rows:
            cells = []
            for provider, column in zip(providers, widths, strict=True):
                cell = row["cells"].get(provider["id"])
                mark = t("status." + cell["status"], lang) if cell else "–"
                cells.append(pad(mark, column))
            lines.append(("  " + pad(row["title"], title_width) + "".join(cells)).rstrip())
            if row["detail"]:
                lines.append(f"      {row['detail']}")
            refused = [
                f"{c['id']} {c['smtp_code']}"
                for c in row["cells"].values()
                if c["status"] == "fail" and c.get("smtp_code")
            ]
            since = [
                c["effective_from"]
                for c in row["cells"].values()
                if c["status"] == "fail" and c.get("effective_from")
            ]
            if refused:
                lines.append(f"      {t('report.refused_with', lang)}: " + " · ".join(refused))
            elif since:
                lines.append(f"      {t('report.since', lang, date=min(since))}")
    for group in grid["collapsed"]:
        lines.append(f"  {group['label']}")


def format_diff(diff: dict[str, Any], lang: str) -> str:
    """`spamscore diff`: the score delta, then findings gone, new and changed."""
    t = i18n.text
    lines = [diff["summary"]]
    if diff.get("versions_note"):
        lines.append(diff["versions_note"])
    for key, sign in (("removed", "-"), ("added", "+")):
        if diff[key]:
            lines.append("")
            lines.append(t(f"compare.{key}", lang) + ":")
            for item in diff[key]:
                lines.append(f"  {sign} {item['score']:+6.2f}  {item['id']}  {item['title']}")
    if diff["changed"]:
        lines.append("")
        lines.append(t("compare.changed", lang) + ":")
        for item in diff["changed"]:
            lines.append(
                f"  ~ {item['score_before']:+.2f} → {item['score_after']:+.2f}  "
                f"{item['id']}  {item['title']}"
            )
            lines.extend(f"      - {e}" for e in item["evidence_removed"][:3])
            lines.extend(f"      + {e}" for e in item["evidence_added"][:3])
    if not (diff["removed"] or diff["added"] or diff["changed"]):
        lines.append(t("compare.nothing", lang))
    for key in ("fixed", "broken"):
        ids = diff["requirements"][key]
        if ids:
            lines.append("")
            lines.append(t(f"compare.requirements_{key}", lang) + ": " + ", ".join(ids))
    return "\n".join(lines) + "\n"
