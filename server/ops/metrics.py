"""Prometheus metrics: requests, latencies, tickets, websocket connections."""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """One registry per app (so tests with several apps do not collide)."""

    def __init__(self, ws_connections: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("tongban_http_requests_total", "HTTP requests",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "tongban_http_request_seconds", "HTTP request latency", ["method", "route"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry)
        self.tickets_issued = Counter("tongban_tickets_issued_total", "Tickets issued",
                                      registry=self.registry)
        self.tickets_called = Counter("tongban_tickets_called_total", "Tickets called",
                                      registry=self.registry)
        self.ws = Gauge("tongban_websocket_connections", "Open websocket subscriptions",
                        registry=self.registry)
        self.ws.set_function(ws_connections)

    def gauge(self, name: str, doc: str, fn: Callable[[], float]) -> None:
        """Register a gauge computed on scrape (e.g. open alerts)."""
        Gauge(name, doc, registry=self.registry).set_function(fn)

    def counter(self, name: str, doc: str, fn: Callable[[], float]) -> None:
        """Register a counter read on scrape from a running total kept elsewhere."""
        self.registry.register(_ReadCounter(name, doc, fn))

    def render(self) -> bytes:
        """Exposition text for /metrics."""
        return generate_latest(self.registry)


class _ReadCounter(Collector):
    """A counter whose value lives in another object (e.g. the LISTEN thread's tally)."""

    def __init__(self, name: str, doc: str, fn: Callable[[], float]) -> None:
        self.name, self.doc, self.fn = name, doc, fn

    def collect(self) -> list[CounterMetricFamily]:
        """One sample: the current total."""
        return [CounterMetricFamily(self.name, self.doc, value=self.fn())]


class MetricsMiddleware:
    """Counts requests per route template (not per raw path, to bound cardinality)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        replayed = False

        async def capture(message: Message) -> None:
            nonlocal status, replayed
            if message["type"] == "http.response.start":
                status = message["status"]
                replayed = any(k == b"idempotent-replayed" for k, _ in message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = _route_template(scope)
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
            if method == "POST" and status == 201 and route.endswith("/tickets") and not replayed:
                self.metrics.tickets_issued.inc()
            if status == 200 and route.endswith("/call-next"):
                self.metrics.tickets_called.inc()


def _route_template(scope: Scope) -> str:
    # The router records the matched route in the (shared, mutated) scope. A route of a router
    # mounted with a prefix (server/api.py) keeps its own path there; FastAPI 0.16x keeps the
    # mounted one (prefix + path) in its effective route context.
    context = scope.get("fastapi", {}).get("effective_route_context")
    route = scope.get("route")
    return getattr(context, "path", None) or getattr(route, "path", None) or "unmatched"
