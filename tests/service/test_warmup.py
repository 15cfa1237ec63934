"""The write-path rehearsal: it runs the real writers, commits nothing, and readiness waits for it
once per server process."""

from __future__ import annotations

import asyncio

from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.signing import generate_signing_key
from pith_graph.service import warmup
from pith_graph.service.registration import register_paper
from pith_graph.service.warmup import WriteWarmth, rehearse_registration
from pith_graph.store.graph_content import graph_content_hash
from pith_graph.store.rehearsal import server_incarnation

KEY = generate_signing_key("registry-test", b"\x07" * 32)


def _paper(n: int) -> dict[str, object]:
    return {
        "source": {"kind": "arxiv", "id": f"2612.{n:05d}", "version": 1},
        "title": f"Rehearsed around {n}",
        "abstract": "An abstract.",
        "submitted_at": "2026-12-01T10:00:00Z",
        "primary_cat": "cs.DL",
        "authors": ["Grace Hopper"],
        "license": "http://creativecommons.org/licenses/by/4.0/",
    }


def test_a_rehearsal_leaves_the_graph_and_the_log_as_they_were(
    clean_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    register_paper(clean_graph, db, KEY, _paper(1))
    before = graph_content_hash(clean_graph, db)
    rehearse_registration(clean_graph, db)
    assert graph_content_hash(clean_graph, db) == before
    # The log head it locked is where it was: the next registration is leaf 1, not 3.
    register_paper(clean_graph, db, KEY, _paper(2))
    records, _, _ = clean_graph.execute_query(
        "MATCH (h:LogHead) RETURN h.size AS size", database_=db
    )
    assert [r["size"] for r in records] == [2]


def test_the_server_process_is_named_and_stays_the_same_while_it_runs(
    bolt: Driver, settings: Settings
) -> None:
    first = server_incarnation(bolt, settings.neo4j_database)
    assert first and all(name and started for name, started in first)
    assert server_incarnation(bolt, settings.neo4j_database) == first


def test_a_server_not_rehearsed_on_is_not_warm_until_its_rehearsal_ends(
    bolt: Driver, settings: Settings
) -> None:
    warmth = WriteWarmth(bolt, settings.neo4j_database)
    saved = set(warmup._REHEARSED)
    warmup._REHEARSED.clear()  # as in a process that has not met this server yet
    try:

        async def probe() -> tuple[bool, bool]:
            cold = await warmth.is_warm()
            assert warmth._task is not None
            await warmth._task
            return cold, await warmth.is_warm()

        assert asyncio.run(probe()) == (False, True)
        # Warm: start-up's rehearsal is a no-op now.
        warmth.warm_now()
    finally:
        warmup._REHEARSED.update(saved)
