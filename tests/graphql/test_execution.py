"""Lists completed by a compiled plan answer exactly what graphql-core's own completion answers."""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import pytest
import strawberry

from pith_graph.graphql.execution import PithExecution


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Tag:
    kind: str
    value: str | None


@strawberry.type
class Item:
    name: str
    rank: int
    score: float
    ok: bool
    colour: Colour
    tags: list[Tag]
    words: list[str]
    maybe: Tag | None
    required: str  # a None here is an error, whoever completes it

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


def _items(broken: bool = False) -> list[Item]:
    return [
        Item(
            name=f"n{i}",
            rank=i,
            score=i / 2,
            ok=i % 2 == 0,
            colour=Colour.RED if i % 2 else Colour.BLUE,
            tags=[Tag(kind="k", value=str(j) if j else None) for j in range(i % 3)],
            words=["a", "b"][: i % 3],
            maybe=Tag(kind="m", value=None) if i % 2 else None,
            required=None if broken and i == 3 else "r",  # type: ignore[arg-type]
        )
        for i in range(6)
    ]


@strawberry.type
class Query:
    @strawberry.field
    def items(self, broken: bool = False) -> list[Item]:
        return _items(broken)

    @strawberry.field
    async def later(self) -> list[Item]:
        return _items()

    @strawberry.field
    def big(self) -> list[Tag]:
        return [Tag(kind="x", value=str(2**40))]


PLAN = strawberry.Schema(Query, execution_context_class=PithExecution)
GENERAL = strawberry.Schema(Query)

QUERIES = [
    "{ items { name rank score ok colour words __typename } }",
    "{ items { n: name tags { kind value } maybe { kind value } required } }",
    "query($t: Boolean!) { items { name rank @include(if: $t) ...F } } "
    "fragment F on Item { colour tags { ... on Tag { value } } }",
    "{ items { name shout } }",  # a resolver: graphql-core completes the list
    "{ items(broken: true) { name required } }",  # a null in a non-null field
    "{ later { name tags { kind } } }",
    "{ big { kind value } }",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("include", [True, False])
def test_plan_answers_as_graphql_core(query: str, include: bool) -> None:
    variables: dict[str, Any] = {"t": include}
    planned = asyncio.run(PLAN.execute(query, variable_values=variables))
    general = asyncio.run(GENERAL.execute(query, variable_values=variables))
    assert planned.data == general.data
    assert [(e.message, e.path) for e in planned.errors or []] == [
        (e.message, e.path) for e in general.errors or []
    ]


def test_a_null_in_a_non_null_field_is_the_error_graphql_core_reports() -> None:
    result = asyncio.run(PLAN.execute("{ items(broken: true) { name required } }"))
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].path == ["items", 3, "required"]
