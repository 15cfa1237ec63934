"""`pith-graph demo load`: the bundled sample loads into an empty graph, and only there.

The first load is the session's ``demo`` fixture (tests/conftest.py): it empties the graph and runs
``pith-graph demo load``, once for every module that reads the demo.
"""

from __future__ import annotations

import pytest
from neo4j import Driver

from pith_graph.cli.main import main
from pith_graph.config import Settings
from pith_graph.store.graph_content import graph_counts


def test_demo_loads_once_into_an_empty_graph(
    demo: Settings,
    bolt: Driver,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    counts = graph_counts(bolt, demo.neo4j_database)
    assert counts["papers"] >= 2500 + 1127
    assert counts["citations"] == 38581
    records, _, _ = bolt.execute_query(
        "MATCH (p:Paper {source_id: 'hep-th/9711200'}) RETURN count(p) AS n, "
        "count { MATCH (:Alias {kind: 'doi'})-[:ALIAS_OF]->(:Paper) } AS dois",
        database_=demo.neo4j_database,
    )
    assert records[0]["n"] >= 1 and records[0]["dois"] > 600
    assert demo.neo4j_uri is not None
    monkeypatch.setenv("NEO4J_URI", demo.neo4j_uri)
    monkeypatch.setenv("PITH_DATA_DIR", str(demo.data_dir))
    capsys.readouterr()
    assert main(["demo", "load"]) == 0
    assert "demo not loaded" in capsys.readouterr().err
    assert graph_counts(bolt, demo.neo4j_database) == counts
