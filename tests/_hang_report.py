"""What a test that runs far too long is waiting for: every thread's stack and the server's
transactions, written to stderr while the test still runs.

A hang in CI otherwise shows as nothing at all until the job's time is up. The report is written
once per test after ``PITH_TEST_HANG_REPORT_SECONDS`` (default 300 s, far above the slowest test);
it does not stop the test.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from neo4j import GraphDatabase

from pith_graph.config import Settings

_TRANSACTIONS = """
SHOW TRANSACTIONS
YIELD transactionId, status, statusDetails, currentQuery, currentQueryStatus, elapsedTime, idleTime,
      waitTime, activeLockCount, clientAddress, connectionId, resourceInformation
RETURN *
"""


def seconds() -> float:
    return float(os.environ.get("PITH_TEST_HANG_REPORT_SECONDS", "") or 300)


def server_transactions(uri: str) -> list[dict[str, Any]]:
    """The server's open transactions, read over a connection of their own (plain ``bolt://``:
    no routing table, nothing shared with the drivers under test)."""
    direct = uri.replace("neo4j://", "bolt://", 1)
    with GraphDatabase.driver(
        direct, auth=Settings.from_env().neo4j_auth, connection_timeout=5.0
    ) as driver:
        records, _, _ = driver.execute_query(_TRANSACTIONS)
        return [dict(r) for r in records]


def report(test: str, uri: str | None) -> None:
    out = sys.stderr  # the real one: the caller lifts pytest's capture first
    print(
        f"\n=== {test} has run for over {seconds():.0f} s: thread stacks ===", file=out, flush=True
    )
    faulthandler.dump_traceback(file=out, all_threads=True)
    if uri is None:
        return
    print(f"=== server transactions ({uri}) ===", file=out, flush=True)
    try:
        for row in server_transactions(uri):
            print(row, file=out, flush=True)
    except Exception as exc:  # the report must never be what fails
        print(f"(could not read them: {exc!r})", file=out, flush=True)


def watching(
    test: str, uri: Callable[[], str | None], uncaptured: Callable[[], AbstractContextManager[None]]
) -> threading.Timer:
    """Report on ``test`` if it is still running after :func:`seconds`; ``uncaptured`` lifts
    pytest's output capture around the report (else it would show only if the test failed)."""

    def fire() -> None:
        with uncaptured():
            report(test, uri())

    timer = threading.Timer(seconds(), fire)
    timer.daemon = True
    timer.start()
    return timer
