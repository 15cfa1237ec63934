"""The API tests' graph: a real hep-th slice (tests/fixtures/hepth) plus the founding record.

``seed_api_graph`` empties the graph and loads it through the real write paths: the ingest
pipeline for the slice (255 papers around hep-th/9711200, 6,822 citation edges, most of them
to papers outside the slice: unresolved works) and the import service for the founding record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import Driver

from pith_graph.core.signing import SigningKey, signing_key_from_seed
from pith_graph.core.trust import default_trust_store
from pith_graph.ingest.formats import Format
from pith_graph.ingest.pipeline import Ingestor
from pith_graph.service.importing import import_record

FIXTURES = Path(__file__).parent / "fixtures"
SLICE = FIXTURES / "hepth"
FOUNDING = FIXTURES / "pith" / "seed-2603.13419v2.json"
FOUNDING_PITH = "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO"
CENTRE = "hep-th/9711200"
TEST_KEY = signing_key_from_seed("pith-test-key", bytes(range(32)))
CLOCK = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)

_DELETE_ALL = """
MATCH (n) WHERE NOT n:SchemaMigration
CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


class _Quiet:
    def start_file(self, *a: Any) -> None: ...
    def progress(self, *a: Any) -> None: ...
    def end_file(self, *a: Any) -> None: ...
    def problem(self, *a: Any) -> None: ...


@dataclass(frozen=True)
class SeededGraph:
    driver: Driver
    database: str
    key: SigningKey


def founding_record() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(FOUNDING.read_text("utf-8"))
    return doc


def empty_graph(driver: Driver, database: str) -> None:
    with driver.session(database=database) as session:
        session.run(_DELETE_ALL).consume()


def seed_api_graph(driver: Driver, database: str) -> SeededGraph:
    empty_graph(driver, database)
    ingestor = Ingestor(driver, database, TEST_KEY, _Quiet(), clock=lambda: CLOCK)
    ingestor.run(
        [
            (SLICE / "hepth_api_papers.jsonl.gz", Format.ARXIV_METADATA),
            (SLICE / "hepth_api_citations.tsv", Format.CITATIONS_TSV),
        ]
    )
    import_record(driver, database, founding_record(), default_trust_store(), clock=lambda: CLOCK)
    return SeededGraph(driver, database, TEST_KEY)
