"""Check a submission and keep it: store the raw message, analyse, store the report.

The API and the form both call `Checker`, so a message is analysed and stored one way. The raw
message is written first; if the analyzer fails on it the row stays (status `failed`) and the
report is made again from the raw message the next time it is fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scorer.dnsbudget import DnsAllowance
from scorer.errors import MessageTooLargeError
from scorer.pipeline import Engine
from scorer.report import Report
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
        new = (
            self.store.add_raw(submission.raw, source=source, options=stored, owner=owner)
            if options.store
            else None
        )
        allowance = self.dns_budget(owner) if self.dns_budget and owner else None
        report = self._analyze(
            new.id if new else None, submission.raw, stored, options.lang, allowance
        )
        return Checked(report, new)

    def load(self, report_id: str) -> tuple[StoredReport, Report] | None:
        """A stored report (re-made from its raw message if the first analysis did not finish)."""
        row = self.store.get(report_id)
        if row is None:
            return None
        if row.status == DONE and row.report is not None:
            return row, Report.from_storage(row.report, self.engine.rules)
        report = self._analyze(row.id, row.raw, row.options, None)
        return row, report

    def _analyze(
        self,
        report_id: str | None,
        raw: bytes,
        stored: dict[str, Any],
        lang: str | None,
        dns_allowance: DnsAllowance | None = None,
    ) -> Report:
        try:
            report = self.engine.analyze(
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
            log.exception("analysis failed (report %s)", report_id)
            detail = f"{type(exc).__name__}: {exc}"
            if report_id is not None:
                self.store.set_failed(report_id, detail)
            raise AnalysisFailedError(report_id, detail) from exc
        if report_id is not None:
            self.store.set_report(report_id, report.to_storage())
        if self.on_report is not None:
            self.on_report(report)
        return report
