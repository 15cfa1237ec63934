"""`pith-graph record import FILE`: verify, then store; a tampered record is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings

FOUNDING = Path(__file__).resolve().parents[1] / "fixtures" / "pith" / "seed-2603.13419v2.json"


@pytest.fixture
def env(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri or "")
    monkeypatch.setenv("PITH_DATA_DIR", str(tmp_path / "data"))


def papers(driver: Driver) -> int:
    records, _, _ = driver.execute_query("MATCH (p:Paper) RETURN count(p) AS n")
    return int(records[0]["n"])


def test_import_founding_record(env: None, clean_graph: Driver, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "import", str(FOUNDING)]) == 0
    assert capsys.readouterr().out.strip() == "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO"
    assert main(["record", "import", str(FOUNDING)]) == 0
    assert papers(clean_graph) == 1


def test_tampered_record_is_refused(env: None, clean_graph: Driver, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(FOUNDING.read_text("utf-8"))
    doc["paper"]["primary_cat"] = "cs.AI"
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc), "utf-8")
    assert main(["record", "import", str(path)]) == 1
    assert "refused" in capsys.readouterr().err
    assert papers(clean_graph) == 0
