"""schema/schema.graphql is the exported SDL of the live schema (`make schema` rewrites it)."""

from __future__ import annotations

from pith_graph.cli.main import main
from pith_graph.cli.schema import DEFAULT_OUTPUT, schema_sdl


def test_committed_sdl_matches_the_code() -> None:
    assert DEFAULT_OUTPUT.read_text("utf-8") == schema_sdl(), (
        "schema/schema.graphql is stale: run `make schema` (pith-graph schema export)"
    )


def test_schema_export_writes_the_sdl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "schema.graphql"
    assert main(["schema", "export", "--output", str(out)]) == 0
    assert out.read_text("utf-8") == schema_sdl()
