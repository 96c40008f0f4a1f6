"""`spamscore check` over many files, for CI: templates in, one verdict per file out.

Files are messages (.eml) or template bodies (.html, .txt; an .html and a .txt of the same name
are one multipart draft), wrapped by scorer.draft. Each gets a report and a pass/fail by the
fail policy (`--fail-on SCORE|ID`, else the threshold); the results are written as text, JSON,
SARIF 2.1.0 (GitHub code scanning), JUnit XML (CI test reports) or GitHub workflow annotations.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from scorer import __version__
from scorer.draft import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    Draft,
    body_kind,
    decode_body,
    looks_like_message,
)
from scorer.report import Report

INFO_URI = "https://github.com/spamscore/spamscore"
_TEMPLATE_SUFFIXES = (*HTML_SUFFIXES, *TEXT_SUFFIXES, ".eml")
_ID = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


@dataclass(frozen=True)
class Input:
    name: str
    """The path as shown in the results (as given, relative where it was relative)."""
    path: str
    text_path: str | None = None
    """The .txt twin of an .html template: the draft's text/plain part."""


@dataclass(frozen=True)
class FailPolicy:
    scores: tuple[float, ...] = ()
    ids: tuple[str, ...] = ()

    @classmethod
    def parse(cls, values: Iterable[str]) -> FailPolicy:
        scores: list[float] = []
        ids: list[str] = []
        for value in values:
            for item in (v.strip() for v in value.split(",")):
                if not item:
                    continue
                try:
                    scores.append(float(item))
                except ValueError:
                    if not _ID.match(item):
                        raise ValueError(
                            f"--fail-on takes a score or a finding id, not {item!r}"
                        ) from None
                    ids.append(item)
        return cls(tuple(scores), tuple(ids))

    def reasons(self, report: Report) -> list[str]:
        """Why `report` fails (empty: it passes). An inconclusive report always fails."""
        if report.incomplete is not None:
            unread = ", ".join([*report.incomplete["limits"], *report.incomplete["checks"]])
            return [f"the analysis did not finish ({unread}): inconclusive"]
        if not self.scores and not self.ids:
            if report.is_spam:
                return [f"score {report.score:.2f} is at or over the threshold {report.threshold}"]
            return []
        reasons = [
            f"score {report.score:.2f} is at or over {limit:g}"
            for limit in self.scores
            if report.score >= limit
        ][:1]
        found = set(report.finding_ids())
        reasons += [f"finding {rule_id}" for rule_id in self.ids if rule_id in found]
        return reasons


@dataclass
class FileResult:
    name: str
    report: Report
    reasons: list[str]
    wrapped: str | None = None
    """`html`, `text` or `html+text` when a template body was wrapped as a draft."""
    source: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.reasons)


def collect_inputs(arguments: Iterable[str]) -> list[Input]:
    """Files from paths, globs (`**` recurses) and folders (their templates and .eml files),
    in order, each once; an .html and a .txt of the same name become one draft."""
    paths: list[str] = []
    for argument in arguments:
        if argument == "-" or Path(argument).is_file():
            paths.append(argument)
        elif Path(argument).is_dir():
            found = sorted(
                str(p)
                for p in Path(argument).rglob("*")
                if p.is_file() and p.suffix.lower() in _TEMPLATE_SUFFIXES
            )
            if not found:
                raise ValueError(f"no templates or .eml files under {argument}")
            paths += found
        elif glob.has_magic(argument):
            found = sorted(p for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            if not found:
                raise ValueError(f"no file matches {argument}")
            paths += found
        else:
            paths.append(argument)  # reading it will say what is wrong
    paths = list(dict.fromkeys(paths))
    texts = {str(Path(p).with_suffix("")): p for p in paths if Path(p).suffix.lower() == ".txt"}
    inputs: list[Input] = []
    paired: set[str] = set()
    for path in paths:
        if Path(path).suffix.lower() in HTML_SUFFIXES:
            twin = texts.get(str(Path(path).with_suffix("")))
            if twin:
                paired.add(twin)
            inputs.append(Input(path, path, twin))
        else:
            inputs.append(Input(path, path))
    return [i for i in inputs if i.path not in paired]


def lint(
    engine: Any,
    inputs: list[Input],
    *,
    read: Callable[[str], bytes],
    policy: FailPolicy,
    draft_fields: Mapping[str, str | None],
    headers: Mapping[str, str],
    **analysis: Any,
) -> list[FileResult]:
    """Analyse every input; raises ValueError for a --fail-on id no rule has."""
    unknown = [rule_id for rule_id in policy.ids if rule_id not in engine.rules]
    if unknown:
        raise ValueError(f"--fail-on: no rule has the id {unknown[0]}")
    results = []
    for item in inputs:
        data = read(item.path)
        wrapped = None
        source = decode_body(data)
        if item.text_path or _is_body(item.path, data):
            kind = body_kind(data, item.path)
            fields = {k: v for k, v in draft_fields.items() if v}
            text = decode_body(read(item.text_path)) if item.text_path else None
            draft = Draft(
                html=source if kind == "html" else None,
                text=text if kind == "html" else source,
                headers=dict(headers),
                **fields,
            )
            data = draft.to_message()
            wrapped = "html+text" if text is not None else kind
            info = draft.info().to_dict()
        else:
            info = None
        report = engine.analyze(data, draft=info, **analysis)
        result = FileResult(item.name, report, policy.reasons(report), wrapped, source)
        result.lines = _locate(report, source)
        results.append(result)
    return results


def _is_body(path: str, data: bytes) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES:
        return True
    if suffix == ".eml":
        return False
    return not looks_like_message(data)


def _locate(report: Report, source: str) -> dict[str, int]:
    """The source line of each finding's first evidence found in the file (else line 1)."""
    lowered = source.lower()
    lines: dict[str, int] = {}
    for finding in report.findings:
        line = 1
        for item in finding.evidence:
            needle = str(item).strip().lower()
            if len(needle) < 4:
                continue
            index = lowered.find(needle)
            if index >= 0:
                line = lowered.count("\n", 0, index) + 1
                break
        lines[finding.id] = line
    return lines


# --- output formats ---------------------------------------------------------------------


def format_results(results: list[FileResult], fmt: str, lang: str) -> str:
    if fmt == "json":
        return json.dumps(_json(results, lang), ensure_ascii=False, indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif(results, lang), ensure_ascii=False, indent=2) + "\n"
    if fmt == "junit":
        return junit(results, lang)
    if fmt == "github":
        return github(results, lang)
    return _text(results, lang)


def _json(results: list[FileResult], lang: str) -> dict[str, Any]:
    return {
        "version": 1,
        "failed": sum(r.failed for r in results),
        "files": [
            {
                "file": r.name,
                "failed": r.failed,
                "reasons": r.reasons,
                "wrapped": r.wrapped,
                "report": r.report.to_dict(lang),
            }
            for r in results
        ],
    }


def _text(results: list[FileResult], lang: str) -> str:
    from scorer.textreport import format_text

    out = []
    for r in results:
        verdict = "FAIL" if r.failed else "ok"
        note = f" (template: {r.wrapped}, wrapped as a draft)" if r.wrapped else ""
        out.append(f"== {r.name}: {verdict}{note}")
        for reason in r.reasons:
            out.append(f"   fails: {reason}")
        out.append(format_text(r.report.to_dict(lang), lang))
    failed = sum(r.failed for r in results)
    out.append(f"{len(results)} file(s) checked, {failed} failed")
    return "\n".join(out) + "\n"


def _message(finding: dict[str, Any]) -> str:
    text = (
        f"{finding['title']} (+{finding['score']:.2f})"
        if finding["score"] > 0
        else (f"{finding['title']} ({finding['score']:+.2f})")
    )
    if finding["score"] > 0 and finding.get("advice"):
        text += f". Fix: {finding['advice']}"
    return text


def sarif(results: list[FileResult], lang: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one rule per finding id seen, one result per finding (and one per
    failing file for its verdict), located at the line of the evidence in the template."""
    rules: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    verdict_rule = {
        "id": "SPAM_SCORE",
        "name": "SpamScoreOverLimit",
        "shortDescription": {"text": "The template's spam score is over the limit"},
        "fullDescription": {
            "text": "The weighted spam score of the draft is at or over the fail limit "
            "(--fail-on, else the spam threshold), or it has a finding --fail-on names."
        },
        "defaultConfiguration": {"level": "error"},
        "helpUri": f"{INFO_URI}#template-linting-in-ci",
    }
    for result in results:
        data = result.report.to_dict(lang)
        for finding in data["findings"]:
            rule_id = finding["id"]
            if rule_id not in rules:
                rules[rule_id] = {
                    "id": rule_id,
                    "name": "".join(p.capitalize() for p in rule_id.split("_")),
                    "shortDescription": {"text": finding["title"]},
                    "fullDescription": {"text": finding.get("why") or finding["title"]},
                    "help": {"text": finding.get("advice") or finding["title"]},
                    "defaultConfiguration": {"level": _LEVELS[finding["severity"]]},
                    "properties": {"tags": [finding["category"]]},
                }
            out.append(
                {
                    "ruleId": rule_id,
                    "level": _LEVELS[finding["severity"]],
                    "message": {"text": _message(finding)},
                    "locations": [_location(result.name, result.lines.get(rule_id, 1))],
                    "properties": {"score": finding["score"], "evidence": finding["evidence"]},
                }
            )
        if result.failed:
            out.append(
                {
                    "ruleId": "SPAM_SCORE",
                    "level": "error",
                    "message": {
                        "text": f"Spam score {data['score']:.2f} (threshold "
                        f"{data['threshold']}): " + "; ".join(result.reasons)
                    },
                    "locations": [_location(result.name, 1)],
                    "properties": {"score": data["score"]},
                }
            )
    rule_list = [verdict_rule, *rules.values()]
    index = {rule["id"]: i for i, rule in enumerate(rule_list)}
    for item in out:
        item["ruleIndex"] = index[item["ruleId"]]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "spamscore",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rule_list,
                    }
                },
                "results": out,
            }
        ],
    }


def _location(name: str, line: int) -> dict[str, Any]:
    uri = Path(name).as_posix() if name != "-" else "stdin"
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": max(1, line)},
        }
    }


def junit(results: list[FileResult], lang: str) -> str:
    """JUnit XML: one test case per file, failed when the fail policy says so, with the
    findings as the failure's text and the whole report as system-out."""
    from scorer.textreport import format_text

    failures = sum(r.failed for r in results)
    seconds = sum(r.report.elapsed_ms for r in results) / 1000
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="spamscore" tests="{len(results)}" failures="{failures}" '
        f'errors="0" time="{seconds:.3f}">',
        f'  <testsuite name="spamscore" tests="{len(results)}" failures="{failures}" '
        f'errors="0" skipped="0" time="{seconds:.3f}">',
    ]
    for r in results:
        data = r.report.to_dict(lang)
        lines.append(
            f"    <testcase classname={quoteattr('spamscore.' + _suite(r.name))} "
            f'name={quoteattr(r.name)} time="{r.report.elapsed_ms / 1000:.3f}">'
        )
        if r.failed:
            detail = "\n".join(
                f"{f['score']:+.2f} {f['id']}: {f['title']}" for f in data["findings"]
            )
            lines.append(
                f'      <failure message={quoteattr("; ".join(r.reasons))} type="spam">'
                f"{escape(detail)}</failure>"
            )
        lines.append(f"      <system-out>{escape(format_text(data, lang))}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>"]
    return _xml_safe("\n".join(lines)) + "\n"


def _suite(name: str) -> str:
    parent = Path(name).parent.as_posix()
    return parent.replace("/", ".") if parent not in ("", ".") else "templates"


def _xml_safe(text: str) -> str:
    """XML 1.0 allows no control characters but tab, newline and carriage return."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


def github(results: list[FileResult], lang: str) -> str:
    """GitHub Actions workflow commands: an annotation per finding that scores, on its line."""
    out = []
    for r in results:
        data = r.report.to_dict(lang)
        for finding in data["findings"]:
            if finding["score"] <= 0:
                continue
            level = "error" if r.failed and finding["severity"] == "error" else "warning"
            out.append(
                f"::{level} file={_gh_prop(r.name)},line={r.lines.get(finding['id'], 1)},"
                f"title={_gh_prop(finding['id'])}::{_gh_data(_message(finding))}"
            )
        summary = f"spam score {data['score']:.2f} / {data['threshold']}"
        if r.failed:
            out.append(
                f"::error file={_gh_prop(r.name)},line=1,title=spamscore::"
                + _gh_data(f"{summary}: " + "; ".join(r.reasons))
            )
        else:
            out.append(f"::notice file={_gh_prop(r.name)},title=spamscore::{_gh_data(summary)}")
    return "\n".join(out) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")
