"""A polite OAI-PMH client: Sickle, with pacing, retries and strict pages.

:class:`PoliteSickle` is Sickle's client with its one network call (``harvest``) made polite:

- a configurable delay between requests (arXiv asks harvesters to pace themselves);
- ``503``/``429`` with ``Retry-After`` (seconds or an HTTP date) are waited out as told;
- transient failures (connection errors, timeouts, other 5xx, a page that is not well-formed
  XML) are retried with exponential backoff, up to ``max_retries`` times;
- every request names the registry in its ``User-Agent``.

Pages are parsed strictly: Sickle's own parser *recovers* from broken XML, which would turn a
truncated page into a short one and silently end the list early (a gap). A page that does not
parse is retried like any transient error, and fails the harvest when it never does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from lxml import etree
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from sickle.response import OAIResponse

from pith_graph import __version__
from pith_graph.ingest.errors import IngestError

__all__ = ["OaiEndpointError", "PoliteSickle", "user_agent"]

_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class OaiEndpointError(IngestError):
    """The endpoint failed and retrying did not help (or refused the request outright)."""


def user_agent(registry_url: str, contact: str | None = None) -> str:
    """``pith-graph/0.1.0 (pith-number registry https://…; OAI-PMH harvester; mailto:…)``."""
    extra = f"; mailto:{contact}" if contact else ""
    return f"pith-graph/{__version__} (pith-number registry {registry_url}; OAI-PMH harvester{extra})"


class _StrictResponse(OAIResponse):  # type: ignore[misc]
    """A response whose XML was parsed once, strictly."""

    def __init__(self, http_response: Any, params: dict[str, Any], root: Any) -> None:
        super().__init__(http_response, params)
        self._root = root

    @property
    def xml(self) -> Any:
        return self._root


def _retry_after(value: str | None, now: Callable[[], datetime]) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now()).total_seconds())


class PoliteSickle(Sickle):  # type: ignore[misc]
    """Sickle with pacing, ``Retry-After``, backoff, strict pages and a User-Agent."""

    def __init__(
        self,
        endpoint: str,
        *,
        agent: str,
        delay: float = 3.0,
        max_retries: int = 8,
        backoff: float = 2.0,
        max_wait: float = 3600.0,
        timeout: float = 120.0,
        on_retry: Callable[[str, float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(
            endpoint,
            iterator=OAIResponseIterator,
            max_retries=max_retries,
            headers={"User-Agent": agent},
            timeout=timeout,
        )
        self.delay = delay
        self.backoff = backoff
        self.max_wait = max_wait
        self.on_retry = on_retry or (lambda reason, wait: None)
        self.sleep = sleep
        self.clock = clock
        self.requests_made = 0
        self._last_request: float | None = None

    def _pace(self) -> None:
        if self._last_request is not None and self.delay > 0:
            wait = self._last_request + self.delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last_request = time.monotonic()

    def _backoff(self, attempt: int) -> float:
        return float(min(self.max_wait, self.backoff * (2**attempt)))

    def harvest(self, **kwargs: Any) -> OAIResponse:
        """One OAI request, retried until it gives a well-formed page (or retries run out)."""
        attempt = 0
        while True:
            self._pace()
            self.requests_made += 1
            try:
                response = self._request(kwargs)
            except requests.RequestException as exc:
                reason, wait = f"{type(exc).__name__}: {exc}", self._backoff(attempt)
            else:
                status = response.status_code
                if status in (429, 503) or status >= 500:
                    asked = _retry_after(response.headers.get("Retry-After"), self.clock)
                    wait = self._backoff(attempt) if asked is None else min(asked, self.max_wait)
                    reason = f"HTTP {status}" + (f", Retry-After {asked:g} s" if asked else "")
                elif status >= 400:
                    raise OaiEndpointError(f"{self.endpoint} answered HTTP {status}: {response.text[:200]}")
                else:
                    try:
                        root = etree.fromstring(response.content, parser=_STRICT)
                    except etree.XMLSyntaxError as exc:
                        reason, wait = f"malformed page: {exc}", self._backoff(attempt)
                    else:
                        return _StrictResponse(response, kwargs, root)
            attempt += 1
            if attempt > self.max_retries:
                raise OaiEndpointError(
                    f"{self.endpoint}: {reason} (gave up after {attempt} attempts)"
                )
            self.on_retry(reason, wait)
            self.sleep(wait)
