"""Per-client, per-cost rate limits with the IETF ``RateLimit`` / ``RateLimit-Policy`` headers.

A client is its API token when the request carries a valid one, else its IP address. Every
request spends *cost* units of the client's budget (``PITH_RATE_LIMIT``, e.g. ``1200/minute``):
a plain HTTP document costs 1, a GraphQL request costs by the nodes it may return
(:func:`graphql_rate_cost`), so a ``resolveMany`` of 1,000 aliases or a 3-hop neighborhood
spends more than one ``resolve``. The algorithm is the `limits` library's sliding-window
counter; its counters live in one SQLite file of the data directory
(:mod:`pith_graph.http.ratelimit_store`), so the budget holds across all worker processes of a
host. Several API hosts behind one load balancer each keep their own budget (a client spread
over H hosts gets at most H times the limit): put the limit in the load balancer there.

Headers follow draft-ietf-httpapi-ratelimit-headers: ``RateLimit-Policy: "default";q=1200;w=60``
and ``RateLimit: "default";r=<remaining>;t=<seconds until the budget refills>``; a refusal is
429 with ``Retry-After`` and the coded error ``RATE_LIMITED``.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time
from dataclasses import dataclass
from pathlib import Path

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pith_graph.http import ratelimit_store  # noqa: F401  (registers the sqlite:// storage)
from pith_graph.http.errors import error_response

__all__ = [
    "RateLimitDecision",
    "RateLimitMiddleware",
    "RateLimiter",
    "graphql_rate_cost",
    "is_loopback",
    "parse_rate_limit",
]

_POLICY = "default"
# Paths that are never limited: probes must answer an orchestrator however busy the API is,
# and /graphql is limited by cost inside the GraphQL layer instead.
_UNLIMITED_PREFIXES = ("/healthz", "/readyz", "/graphql")
# Requested nodes per unit of budget: a request that may return up to 100 nodes costs 1.
_NODES_PER_UNIT = 100


def parse_rate_limit(text: str) -> RateLimitItem | None:
    """``"1200/minute"`` (any `limits` notation) → the limit; ``"off"`` / ``"0"`` → None."""
    text = text.strip().lower()
    if text in ("", "off", "0", "none"):
        return None
    return parse(text)


def graphql_rate_cost(requested_nodes: int) -> int:
    """Budget units a GraphQL request spends: one per started hundred nodes it may return."""
    return max(1, math.ceil(requested_nodes / _NODES_PER_UNIT))


@functools.lru_cache(maxsize=4096)
def is_loopback(host: str | None) -> bool:
    # Cached: it is asked on every request, and parsing the address took about 30 µs. The
    # hosts are the peers' socket addresses (proxy headers are not trusted), so few repeat
    # a lot, and the bound keeps a scan of many addresses from growing it.
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    window_seconds: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Policy": f'"{_POLICY}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{_POLICY}";r={self.remaining};t={self.reset_seconds}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_seconds))
        return headers

    def refusal_message(self, cost: int) -> str:
        return (
            f"rate limit exceeded: this request costs {cost} of {self.limit} units per "
            f"{self.window_seconds} s (PITH_RATE_LIMIT); retry after {max(1, self.reset_seconds)} s"
        )


class RateLimiter:
    """The budget of every client of this host (``None`` limit: nothing is limited)."""

    def __init__(self, limit: RateLimitItem | None, data_dir: Path, *, exempt_loopback: bool) -> None:
        self.limit = limit
        self.exempt_loopback = exempt_loopback
        self._strategy: SlidingWindowCounterRateLimiter | None = None
        if limit is not None:
            path = (data_dir / "ratelimit.sqlite").resolve()
            self._strategy = SlidingWindowCounterRateLimiter(storage_from_string(f"sqlite://{path}"))

    def applies_to(self, client_host: str | None) -> bool:
        if self._strategy is None:
            return False
        return not (self.exempt_loopback and is_loopback(client_host))

    def hit(self, client: str, cost: int) -> RateLimitDecision:
        assert self._strategy is not None and self.limit is not None
        allowed = self._strategy.hit(self.limit, client, cost=cost)
        stats = self._strategy.get_window_stats(self.limit, client)
        return RateLimitDecision(
            allowed=allowed,
            limit=self.limit.amount,
            window_seconds=self.limit.get_expiry(),
            remaining=int(stats.remaining),
            reset_seconds=max(0, math.ceil(stats.reset_time - time.time())),
        )


def client_identity(client_host: str | None, token_id: str | None) -> str:
    return f"token:{token_id}" if token_id else f"ip:{client_host or 'unknown'}"


class RateLimitMiddleware:
    """Limits the plain HTTP routes (cost 1 each, keyed by IP); /graphql limits itself by cost."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        # The limiter is the app's (built with the registry in the lifespan).
        limiter: RateLimiter = scope["app"].state.registry.rate_limiter
        host = (scope.get("client") or (None, None))[0]
        if not limiter.applies_to(host):
            await self.app(scope, receive, send)
            return
        decision = limiter.hit(client_identity(host, None), 1)
        if not decision.allowed:
            refusal = error_response("RATE_LIMITED", decision.refusal_message(1), 429)
            refusal.headers.update(decision.headers())
            await refusal(scope, receive, send)
            return
        extra = [(k.lower().encode(), v.encode()) for k, v in decision.headers().items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
