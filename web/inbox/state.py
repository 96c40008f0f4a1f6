"""Where a test stands, for the API and the pages: waiting for its message, expired, received
and being analysed, or done (with its report).

The inbox analyses a message before it answers the DATA command, so a report stays pending only
for seconds. One pending for longer than the grace period was left by an inbox that stopped
mid-analysis: the web service then makes it from the stored message (Checker.load).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scorer.errors import MessageTooLargeError
from scorer.report import Report
from web.service import AnalysisFailedError, Checker
from web.store import DONE, PENDING, StoredReport, StoredTest

WAITING = "waiting"
EXPIRED = "expired"
RECEIVED = "received"
FINISHED = "done"
FAILED = "failed"
DELETED = "deleted"
STATUSES = (WAITING, EXPIRED, RECEIVED, FINISHED, FAILED, DELETED)
_GRACE_BEYOND_BUDGET = timedelta(seconds=30)


@dataclass(frozen=True)
class State:
    test: StoredTest
    status: str
    row: StoredReport | None = None
    report: Report | None = None
    error: str | None = None


def state_of(test: StoredTest, checker: Checker) -> State:
    """The test's state, making its report if the inbox left it pending past the grace period."""
    if test.report_id is None:
        return State(test, WAITING if test.accepting() else EXPIRED)
    row = checker.store.get(test.report_id)
    if row is None:
        return State(test, DELETED)
    if row.status == PENDING:
        budget = timedelta(milliseconds=checker.engine.settings.limits.time_budget_ms)
        received = test.received_at or row.created_at
        if datetime.now(UTC) - received < budget + _GRACE_BEYOND_BUDGET:
            return State(test, RECEIVED, row)
    if row.status == DONE and row.report is not None:
        return State(test, FINISHED, row, Report.from_storage(row.report, checker.engine.rules))
    try:
        loaded = checker.load(row.id)
    except AnalysisFailedError as exc:
        return State(test, FAILED, row, error=exc.detail)
    except MessageTooLargeError as exc:  # this service's limit is lower than the inbox's
        return State(test, FAILED, row, error=str(exc))
    if loaded is None:
        return State(test, DELETED)
    return State(test, FINISHED, loaded[0], loaded[1])
