"""Prometheus metrics of one app (its own registry): requests by method, route template and status,
their latency, and the jobs in the database by status (counted when scraped)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .db.models import JOB_STATUSES, Job

__all__ = ["Metrics", "MetricsMiddleware"]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _JobCollector(Collector):
    def __init__(self, sessions: Callable[[], Callable[[], Session] | None]):
        self.sessions = sessions

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("siaga_jobs", "Jobs in the database by status.", labels=["status"])
        sessions = self.sessions()
        if sessions is None:  # not started
            yield gauge
            return
        with sessions() as s:
            counts = dict(s.execute(select(Job.status, func.count()).group_by(Job.status)).all())
        for status in JOB_STATUSES:
            gauge.add_metric([status], counts.get(status, 0))
        yield gauge


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "siaga_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "siaga_http_request_duration_seconds",
            "Time to answer an HTTP request (streams: until they end), by method, route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def watch_jobs(self, sessions: Callable[[], Callable[[], Session] | None]) -> None:
        """Count jobs by status at each scrape, in the database of `sessions()` (None: not yet)."""
        self.registry.register(_JobCollector(sessions))

    def text(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template (`/v1/jobs/{job_id}`)."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        t0 = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "<unmatched>"
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route, str(status)).observe(time.perf_counter() - t0)
