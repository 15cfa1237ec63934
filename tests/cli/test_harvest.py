"""``pith-graph harvest arxiv``: usage errors refused before anything runs, the date rules, and
``serve``'s schedule."""

from __future__ import annotations

import dataclasses
import gzip
import json
import time
from datetime import date
from pathlib import Path

import pytest
from ingest.harvest.oai_server import OaiServer, served
from neo4j import Driver

from pith_graph.cli.harvest import EXIT_USAGE, HarvestSchedule, parse_oai_date
from pith_graph.cli.main import main
from pith_graph.config import ConfigError, Settings

HISTORIES = Path(__file__).parents[1] / "fixtures" / "harvest" / "arxiv_abs_histories.jsonl.gz"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--from", "2024-13-01"], "is not a date"),
        (["--from", "0500-01-01"], "outside"),
        (["--until", "yesterday"], "is not a date like"),
        (["--from", "2024-02-01", "--until", "2024-01-01"], "is after"),
        (["--endpoint", "ftp://example.org/oai"], "not an http(s) URL"),
        (["--set", "a b"], "not an OAI set"),
        (["--delay", "-1"], "--delay"),
    ],
)
def test_usage_errors_exit_2_with_the_reason(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["harvest", "arxiv", *argv]) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_dates_are_days_or_seconds_from_arxiv_s_first_month_to_tomorrow() -> None:
    today = date(2026, 12, 7)
    assert parse_oai_date("2024-01-31", today) == "2024-01-31"
    assert parse_oai_date("2024-01-31T10:00:00Z", today) == "2024-01-31T10:00:00Z"
    assert parse_oai_date("2026-12-08", today) == "2026-12-08"
    for bad in ("2026-12-09", "1991-07-31", "2024-02-30", "2024-01-31T25:00:00Z", "2024-1-1"):
        with pytest.raises(ValueError):
            parse_oai_date(bad, today)


def test_the_harvest_interval_is_off_by_default_and_takes_units() -> None:
    assert Settings.from_env({}).harvest_interval == 0
    assert Settings.from_env({"PITH_HARVEST_INTERVAL": "6h"}).harvest_interval == 6 * 3600
    assert Settings.from_env({"PITH_HARVEST_INTERVAL": "900"}).harvest_interval == 900
    for bad in ("soon", "5", "90d"):
        with pytest.raises(ConfigError, match="PITH_HARVEST_INTERVAL"):
            Settings.from_env({"PITH_HARVEST_INTERVAL": bad})


def test_serve_s_schedule_harvests_at_start_and_a_failed_run_does_not_stop_it(
    settings: Settings, clean_graph: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PITH_SIGNING_KEY", bytes(range(32)).hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", "schedule-test")
    obj = json.loads(gzip.decompress(HISTORIES.read_bytes()).decode().splitlines()[0])
    with OaiServer([served(obj, "2024-01-01")]) as server:
        for endpoint, expected in ((server.url, 0), (server.url + "-gone", 3)):
            schedule = HarvestSchedule(
                dataclasses.replace(settings, harvest_interval=3600, harvest_endpoint=endpoint,
                                    harvest_delay=0)
            ).start()
            deadline = time.monotonic() + 120
            while not schedule.runs and time.monotonic() < deadline:
                time.sleep(0.2)
            schedule.stop()
            assert schedule.runs == [expected]
    rows, _, _ = clean_graph.execute_query("MATCH (p:Paper) RETURN p.source_id AS id")
    assert [r["id"] for r in rows] == [obj["id"]]
