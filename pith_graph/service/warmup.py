"""Warming a (re)started Neo4j before the service says it is ready.

A registration rehearsed for two probe papers that no arXiv listing can hold (five-digit numbers
of April 2007, when arXiv numbers had four), one citing the other and a DOI, through the real
writers, rolled back (:mod:`pith_graph.store.rehearsal`). It is signed with a throw-away key: it
is never committed, so nothing anyone could verify is ever made with it.

:class:`WriteWarmth` remembers which server incarnation it rehearsed on; the readiness check asks
it, per probe, whether a write would be fast now, and starts a rehearsal when it would not.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from pith_graph.core.metadata import parse_metadata
from pith_graph.core.signing import generate_signing_key
from pith_graph.service.registration import prepare, registration_rows
from pith_graph.store.rehearsal import rehearse_writes, server_incarnation

__all__ = ["WriteWarmth", "rehearse_registration"]

log = logging.getLogger(__name__)

_PROBE_IDS = ("0704.99998", "0704.99999")
# The incarnations this process has rehearsed on: a server id and start time name one server
# process, so every app and worker thread of this process shares what it knows.
_REHEARSED: set[tuple[tuple[str, str], ...]] = set()
_REHEARSED_LOCK = threading.Lock()
_PROBE_DOI = "10.0000/pith-graph.warm-up"


def _probe(arxiv_id: str) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": arxiv_id, "version": 1},
        "title": "Warm-up probe",
        "abstract": "A paper that is written and rolled back, never committed.",
        "submitted_at": "2007-04-01T00:00:00Z",
        "primary_cat": "cs.DL",
        "authors": ["Warm Up"],
        "license": "http://creativecommons.org/licenses/by/4.0/",
    }


def rehearse_registration(driver: Driver, database: str) -> float:
    """Rehearse a registration and its citations, roll it back; returns the seconds it took."""
    started = time.monotonic()
    key = generate_signing_key("warm-up")
    prepared = [prepare(parse_metadata(_probe(i))) for i in _PROBE_IDS]
    rows = registration_rows(prepared, key, datetime.now(UTC))
    citing, cited = _PROBE_IDS
    citations = [
        {"citing": citing, "kind": "arxiv", "target": cited, "position": 1, "raw": cited},
        {"citing": citing, "kind": "doi", "target": _PROBE_DOI, "position": 2, "raw": _PROBE_DOI},
    ]
    rehearse_writes(driver, database, rows, citations)
    return time.monotonic() - started


class WriteWarmth:
    """Whether the server the writes reach has been rehearsed on since it (re)started."""

    def __init__(self, driver: Driver, database: str) -> None:
        self._driver = driver
        self._database = database
        # When the incarnation is unknown (an account that may not read the system database):
        # rehearsed once, and again after every outage this instance sees.
        self._warm_unknown = False
        self._task: asyncio.Task[None] | None = None

    def _rehearsed(self, incarnation: tuple[tuple[str, str], ...] | None) -> bool:
        return self._warm_unknown if incarnation is None else incarnation in _REHEARSED

    def warm_now(self) -> None:
        """Rehearse unless this server incarnation was rehearsed already (blocking; start-up)."""
        with _REHEARSED_LOCK:
            incarnation = server_incarnation(self._driver, self._database)
            if self._rehearsed(incarnation):
                return
            seconds = rehearse_registration(self._driver, self._database)
            log.info("write path rehearsed in %.2f s", seconds)
            if incarnation is None:
                self._warm_unknown = True
            else:
                _REHEARSED.add(incarnation)

    def forget(self) -> None:
        """The server was unreachable: it may come back cold."""
        self._warm_unknown = False

    async def is_warm(self) -> bool:
        """True when the current incarnation was rehearsed; otherwise starts one rehearsal in the
        background (one at a time) and returns False."""
        incarnation = await asyncio.to_thread(server_incarnation, self._driver, self._database)
        if self._rehearsed(incarnation):
            return True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._rehearse())
        return False

    async def _rehearse(self) -> None:
        try:
            await asyncio.to_thread(self.warm_now)
        except Exception as exc:  # the next readiness probe reports and retries
            log.warning("write-path rehearsal failed: %s", exc)
