"""Prometheus metrics: requests, latency, analyses and findings by id.

Under gunicorn every worker is its own process; `spamscore serve` sets PROMETHEUS_MULTIPROC_DIR
before anything imports prometheus_client, the workers write their samples there, and /metrics
adds them up (prometheus_client's multiprocess mode). Without it (tests, `flask run`) the
process's own registry is served.

Several replicas: each serves its own totals (its workers added up) and names itself in
`spamscore_replica_info{replica=...}`. Prometheus scrapes every replica (not the address
behind the proxy, which answers from whichever replica it picks) and adds them up with
`sum without (instance) (...)`: the counters of one replica are never counted twice and a
replica that restarts starts from zero, as Prometheus' rate() expects.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from scorer.report import Report

REQUESTS = Counter(
    "spamscore_http_requests_total",
    "HTTP requests answered, by route, method and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "spamscore_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ANALYSES = Counter(
    "spamscore_analyses_total",
    "Messages analysed, by verdict (spam, ham, inconclusive).",
    ["verdict"],
)
FINDINGS = Counter(
    "spamscore_findings_total",
    "Findings reported, by rule id.",
    ["id"],
)
ANALYSIS_SECONDS = Histogram(
    "spamscore_analysis_duration_seconds",
    "Time the engine took for one message (the report's elapsed_ms).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

REPLICA = Gauge(
    "spamscore_replica_info",
    "This replica's name (SPAMSCORE_REPLICA, default the host name) and version; always 1.",
    ["replica", "version"],
    multiprocess_mode="max",
)


def announce(replica: str) -> None:
    """Name this replica in its own /metrics."""
    from scorer import __version__

    REPLICA.labels(replica, __version__).set(1)


def record_report(report: Report) -> None:
    verdict = report.verdict
    ANALYSES.labels("ham" if verdict == "not_spam" else verdict).inc()
    ANALYSIS_SECONDS.observe(report.elapsed_ms / 1000.0)
    for finding in report.findings:
        FINDINGS.labels(finding.id).inc()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> Response:
    if multiprocess_dir():
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        data = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        data = generate_latest(REGISTRY)
    return Response(
        data,
        mimetype=CONTENT_TYPE_LATEST.split(";")[0],
        headers={"Content-Type": CONTENT_TYPE_LATEST},
    )


def mark_process_dead(pid: int) -> None:
    """Gunicorn's child_exit hook: drop a dead worker's live gauges (counters are kept)."""
    if multiprocess_dir():
        _multiprocess.mark_process_dead(pid)


def instrument(app: Flask) -> None:
    """Count and time every request by its route template (bounded label values)."""

    @app.before_request
    def _start() -> None:
        g._metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.pop("_metrics_started", None)
        if started is None:
            return response
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        if rule.startswith("/static/"):
            return response
        LATENCY.labels(rule).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, rule, str(response.status_code)).inc()
        return response

    app.add_url_rule("/metrics", "metrics", exposition)
