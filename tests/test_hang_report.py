"""The hang report: a test running past its threshold prints the thread stacks and the server's
open transactions, without stopping the test."""

from __future__ import annotations

import contextlib

import _hang_report
import pytest
from neo4j import Driver

from pith_graph.config import Settings


def test_a_test_past_the_threshold_reports_stacks_and_the_server_transactions(
    bolt: Driver, settings: Settings, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PITH_TEST_HANG_REPORT_SECONDS", "0.1")
    timer = _hang_report.watching("a/slow::test", lambda: settings.neo4j_uri, contextlib.nullcontext)
    timer.join(timeout=60)  # the report has been written once the timer's thread ends
    err = capfd.readouterr().err
    assert "=== a/slow::test has run for over 0 s: thread stacks ===" in err
    assert "test_a_test_past_the_threshold_reports_stacks_and_the_server_transactions" in err
    assert f"=== server transactions ({settings.neo4j_uri}) ===" in err
    assert "SHOW TRANSACTIONS" in err  # its own read is one of the server's open transactions
    assert "could not read them" not in err


def test_a_test_within_the_threshold_reports_nothing(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PITH_TEST_HANG_REPORT_SECONDS", "30")
    timer = _hang_report.watching("a/quick::test", lambda: None, contextlib.nullcontext)
    timer.cancel()
    timer.join(timeout=5)
    assert "has run for over" not in capfd.readouterr().err
