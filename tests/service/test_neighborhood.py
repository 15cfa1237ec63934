"""The neighbourhood use case: bounds refused before any read, any alias, one coded refusal."""

from __future__ import annotations

from typing import Any

import pytest
from _api_seed import CENTRE, SeededGraph
from events_support import arun
from neo4j import AsyncDriver

from pith_graph.config import Settings
from pith_graph.service.errors import BadInput, InvalidAliasInput, NotFound, ServiceError
from pith_graph.service.neighborhood import MAX_DEPTH, MAX_LIMIT, citation_neighborhood


def _around(settings: Settings, alias: str, **bounds: Any) -> Any:
    async def go(driver: AsyncDriver) -> Any:
        try:
            found = await citation_neighborhood(
                driver,
                settings.neo4j_database,
                alias,
                depth=bounds.get("depth", 1),
                direction="BOTH",
                limit=bounds.get("limit", 100),
            )
        except ServiceError as exc:
            return exc
        return found

    return arun(settings, go)


def test_an_arxiv_id_and_the_pith_number_name_the_same_neighbourhood(
    seeded: SeededGraph, settings: Settings
) -> None:
    by_id = _around(settings, CENTRE)
    by_pith = _around(settings, by_id.start["pith_number"])
    assert by_id.nodes and by_id.start == by_pith.start
    assert sorted(n["paper"]["pith_number"] for n in by_id.nodes) == sorted(
        n["paper"]["pith_number"] for n in by_pith.nodes
    )


@pytest.mark.parametrize(
    ("bounds", "refusal"),
    [
        ({"depth": 0}, BadInput),
        ({"depth": MAX_DEPTH + 1}, BadInput),
        ({"limit": 0}, BadInput),
        ({"limit": MAX_LIMIT + 1}, BadInput),
    ],
)
def test_bounds_are_refused(
    seeded: SeededGraph, settings: Settings, bounds: dict[str, int], refusal: type[Exception]
) -> None:
    assert isinstance(_around(settings, CENTRE, **bounds), refusal)


def test_an_unknown_or_malformed_alias_is_refused_with_its_code(
    seeded: SeededGraph, settings: Settings
) -> None:
    assert isinstance(_around(settings, "pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA"), NotFound)
    assert isinstance(_around(settings, "not an alias at all"), InvalidAliasInput)
