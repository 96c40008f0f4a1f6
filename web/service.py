"""Check a submission and keep it: analyse, then store the message with its report.

The API and the form both call `Checker`, so a message is analysed and stored one way. The
message, its report and what the report's pages show of it (web.render) are written in one
transaction after the analysis, before the answer: an id given out is always a stored row. If
the analyzer fails on a message, the row is stored with status `failed` and the error, and the
report is made again from the raw message the next time it is fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scorer.dnsbudget import DnsAllowance
from scorer.errors import MessageTooLargeError
from scorer.pipeline import Engine
from scorer.report import Report
from web import render
from web.store import DONE, NewReport, ReportStore, StoredReport
from web.submission import Submission

log = logging.getLogger(__name__)


class AnalysisFailedError(Exception):
    """The analyzer raised on a message (a bug, never the message's fault); the raw is kept."""

    def __init__(self, report_id: str | None, detail: str) -> None:
        super().__init__(detail)
        self.report_id = report_id
        self.detail = detail


@dataclass(frozen=True)
class CheckOptions:
    lang: str = "en"
    offline: bool | None = None
    threshold: float | None = None
    store: bool = True
    kind: str | None = None
    """The kind the request states for its messages (a message's own `kind` wins); None: auto."""

    def storable(self) -> dict[str, Any]:
        """What must be replayed to make the same report again from the raw message."""
        data: dict[str, Any] = {}
        if self.offline is not None:
            data["offline"] = self.offline
        if self.threshold is not None:
            data["threshold"] = self.threshold
        if self.kind is not None:
            data["kind"] = self.kind
        return data


@dataclass(frozen=True)
class Checked:
    report: Report
    stored: NewReport | None = None

    @property
    def id(self) -> str | None:
        return self.stored.id if self.stored else None


class Checker:
    """One engine and one store, shared by every request of a worker."""

    def __init__(
        self,
        engine: Engine,
        store: ReportStore,
        *,
        on_report: Callable[[Report], None] | None = None,
        dns_budget: Callable[[str], DnsAllowance | None] | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.on_report = on_report
        self.dns_budget = dns_budget
        """The DNS allowance of a caller (web.dnsbudget), or None for no budget."""

    def check(
        self,
        submission: Submission,
        options: CheckOptions,
        *,
        source: str,
        owner: str | None = None,
    ) -> Checked:
        """Analyse (and by default store) one message. Raises MessageTooLargeError, never else
        for the message's sake; AnalysisFailedError only if the analyzer itself breaks.
        `owner` is recorded with the stored message (web.security.caller_identity)."""
        limit = self.engine.settings.limits.max_message_bytes
        if len(submission.raw) > limit:
            raise MessageTooLargeError(len(submission.raw), limit)
        stored = {**options.storable(), "delivery": dict(submission.delivery)}
        if submission.draft is not None:
            stored["draft"] = submission.draft.to_dict()
        if submission.fields is not None:
            stored["fields"] = dict(submission.fields)
        if submission.kind is not None:
            stored["kind"] = submission.kind
        raw = submission.raw
        allowance = self.dns_budget(owner) if self.dns_budget and owner else None
        try:
            report = self._analyze(raw, stored, options.lang, allowance)
        except AnalysisFailedError as exc:
            if options.store:
                failed = self.store.add_checked(
                    raw, source=source, options=stored, owner=owner, error=exc.detail
                )
                exc.report_id = failed.id
            raise
        new = None
        if options.store:
            new = self.store.add_checked(
                raw,
                source=source,
                options=stored,
                owner=owner,
                report=report.to_storage(),
                render=self._artefacts(report, raw),
            )
        self._analysed(report)
        return Checked(report, new)

    def load(self, report_id: str) -> tuple[StoredReport, Report] | None:
        """A stored report (re-made from its raw message if the first analysis did not finish:
        the row returned then carries the new report and page artefacts)."""
        row = self.store.get(report_id)
        if row is None:
            return None
        if row.status == DONE and row.report is not None:
            return row, Report.from_storage(row.report, self.engine.rules)
        try:
            report = self._analyze(row.raw, row.options, None)
        except AnalysisFailedError as exc:
            exc.report_id = row.id
            self.store.set_failed(row.id, exc.detail)
            raise
        storage = report.to_storage()
        pages = self._artefacts(report, row.raw)
        self.store.set_report(row.id, storage, pages)
        self._analysed(report)
        return replace(row, status=DONE, report=storage, render=pages, error=None), report

    def render_of(self, row: StoredReport) -> dict[str, Any]:
        """What the report's pages show of the message (web.render), as stored at check time;
        made from the raw message, and kept, for a row stored without it."""
        if render.usable(row.render):
            return row.render  # type: ignore[return-value]
        made = render.from_raw(
            row.raw, self.engine.settings.limits, render.top_features(row.report)
        )
        self.store.set_render(row.id, made)
        return made

    def _artefacts(self, report: Report, raw: bytes) -> dict[str, Any] | None:
        """The pages' artefacts from the message the engine parsed for this report."""
        msg = report.parsed
        features = render.top_features({"classifier": report.classifier})
        if msg is None:  # an engine that does not hand its message over: parse it here
            try:
                return render.from_raw(raw, self.engine.settings.limits, features)
            except Exception:
                log.exception("could not make the report's page artefacts")
                return None
        return render.artefacts_or_none(msg, features)

    def _analyze(
        self,
        raw: bytes,
        stored: dict[str, Any],
        lang: str | None,
        dns_allowance: DnsAllowance | None = None,
    ) -> Report:
        try:
            return self.engine.analyze(
                raw,
                lang=lang,
                offline=stored.get("offline"),
                threshold=stored.get("threshold"),
                delivery=stored.get("delivery") or None,
                draft=stored.get("draft") or None,
                kind=stored.get("kind"),
                dns_allowance=dns_allowance,
            )
        except MessageTooLargeError:
            raise
        except Exception as exc:  # the analyzer promises never to raise; keep the raw if it does
            log.exception("analysis failed")
            raise AnalysisFailedError(None, f"{type(exc).__name__}: {exc}") from exc

    def _analysed(self, report: Report) -> None:
        if self.on_report is not None:
            self.on_report(report)
