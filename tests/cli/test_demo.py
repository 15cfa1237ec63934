"""`pith-graph demo load`: the bundled sample loads into an empty graph, and only there."""

from __future__ import annotations

import pytest
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.store.graph_content import graph_counts


def test_demo_loads_once_into_an_empty_graph(
    clean_graph: Driver,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert settings.neo4j_uri is not None
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("PITH_DATA_DIR", str(settings.data_dir))
    assert main(["demo", "load"]) == 0
    counts = graph_counts(clean_graph, settings.neo4j_database)
    assert counts["papers"] >= 2500 + 1127
    assert counts["citations"] == 38581
    records, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper {source_id: 'hep-th/9711200'}) RETURN count(p) AS n, "
        "count { MATCH (:Alias {kind: 'doi'})-[:ALIAS_OF]->(:Paper) } AS dois"
    )
    assert records[0]["n"] >= 1 and records[0]["dois"] > 600
    capsys.readouterr()
    assert main(["demo", "load"]) == 0
    assert "demo not loaded" in capsys.readouterr().err
    assert graph_counts(clean_graph, settings.neo4j_database) == counts
