"""Lists and objects completed by a compiled plan answer exactly what graphql-core's own
completion answers."""

from __future__ import annotations

import asyncio
import enum
import json
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from pith_graph.graphql.execution import PithExecution, read_field


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


def _row(item: Item) -> dict[str, Any]:
    """An Item as a dict row holding its plain fields by their Python names."""
    tag = lambda t: {"kind": t.kind, "value": t.value}  # noqa: E731
    return {
        "name": item.name,
        "rank": item.rank,
        "score": item.score,
        "ok": item.ok,
        "colour": item.colour,
        "tags": [tag(t) for t in item.tags],
        "words": item.words,
        "maybe": tag(item.maybe) if item.maybe is not None else None,
        "required": item.required,
    }


@strawberry.type
class Box:
    tag: Tag
    note: JSON  # a JSON scalar takes any value: the plan must not take a future for one


@strawberry.type
class Query:
    @strawberry.field
    def one(self) -> Item:
        return _items()[1]

    @strawberry.field
    def one_huge(self) -> Item:
        item = _items()[2]
        item.rank = 2**40
        return item

    @strawberry.field
    async def boxed(self) -> Box:
        note: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        note.set_result({"read": "later"})
        return Box(tag=Tag(kind="b", value=None), note=note)  # type: ignore[arg-type]

    @strawberry.field
    def items(self, broken: bool = False) -> list[Item]:
        return _items(broken)

    @strawberry.field(description="The items as dict rows (their plain fields only).")
    def rows(self, broken: bool = False, huge: bool = False) -> list[Item]:
        rows = [_row(item) for item in _items(broken)]
        if huge:
            rows[2]["rank"] = 2**40  # not an Int: the plan gives the list back to graphql-core
        return rows  # type: ignore[return-value]

    @strawberry.field
    def huge_items(self) -> list[Item]:
        items = _items()
        items[2].rank = 2**40
        return items

    @strawberry.field
    async def later(self) -> list[Item]:
        return _items()

    @strawberry.field
    def big(self) -> list[Tag]:
        return [Tag(kind="x", value=str(2**40))]


class Wrapping(SchemaExtension):
    """An extension that wraps every resolver (a middleware): no plan then."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        return _next(root, info, *args, **kwargs)


ROWS = StrawberryConfig(default_resolver=read_field)
PLAN = strawberry.Schema(Query, execution_context_class=PithExecution, config=ROWS)
GENERAL = strawberry.Schema(Query)
# graphql-core's completion throughout, reading dict rows as the schema's default resolver does.
GENERAL_ROWS = strawberry.Schema(Query, config=ROWS, extensions=[Wrapping])

QUERIES = [
    "{ items { name rank score ok colour words __typename } }",
    "{ items { n: name tags { kind value } maybe { kind value } required } }",
    "query($t: Boolean!) { items { name rank @include(if: $t) ...F } } "
    "fragment F on Item { colour tags { ... on Tag { value } } }",
    "{ items { name shout } }",  # a resolver: graphql-core completes the list
    "{ items(broken: true) { name required } }",  # a null in a non-null field
    "{ later { name tags { kind } } }",
    "{ big { kind value } }",
    "{ one { name colour tags { kind value } maybe { value } __typename } }",
    "{ one { name shout } }",  # a resolver: graphql-core completes the object
    "{ oneHuge { name rank } }",  # not an Int: graphql-core completes it and reports it
    # Response keys in the selection's order, aliases and __typename among them.
    "{ items { t: __typename z: name a: rank tags { value __typename kind } name } }",
    "{ rows { z: ok a: name t: __typename words } }",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("include", [True, False])
def test_plan_answers_as_graphql_core(query: str, include: bool) -> None:
    variables: dict[str, Any] = {"t": include}
    planned = asyncio.run(PLAN.execute(query, variable_values=variables))
    general = asyncio.run(GENERAL.execute(query, variable_values=variables))
    assert planned.data == general.data
    assert json.dumps(planned.data) == json.dumps(general.data)  # the keys' order too
    assert [(e.message, e.path) for e in planned.errors or []] == [
        (e.message, e.path) for e in general.errors or []
    ]


def test_a_null_in_a_non_null_field_is_the_error_graphql_core_reports() -> None:
    result = asyncio.run(PLAN.execute("{ items(broken: true) { name required } }"))
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].path == ["items", 3, "required"]


ROW_QUERIES = [
    "{ X { name rank score ok colour words __typename } }",
    "{ X { n: name tags { kind value } maybe { kind value } required } }",
    "query($t: Boolean!) { X { name rank @include(if: $t) ...F } } "
    "fragment F on Item { colour tags { ... on Tag { value } } }",
    "{ X(broken: true) { name required } }",
]


def _answer(schema: strawberry.Schema, query: str) -> tuple[Any, list[Any]]:
    result = asyncio.run(schema.execute(query, variable_values={"t": True}))
    return result.data, [(e.message, e.path) for e in result.errors or []]


def _renamed(answer: tuple[Any, list[Any]], field: str) -> tuple[Any, list[Any]]:
    data, errors = answer
    data = {"X": data[field]} if data is not None else None
    return data, [(m, ["X", *p[1:]]) for m, p in errors]


@pytest.mark.parametrize("query", ROW_QUERIES)
def test_dict_rows_answer_as_objects_do(query: str) -> None:
    expected = _renamed(_answer(GENERAL, query.replace("X", "items")), "items")
    assert _renamed(_answer(PLAN, query.replace("X", "rows")), "rows") == expected
    assert _renamed(_answer(GENERAL_ROWS, query.replace("X", "rows")), "rows") == expected


def test_dict_rows_are_completed_by_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    general: list[Any] = []
    completes = StrawberryGraphQLCoreExecutionContext.complete_list_value

    def counted(self: Any, *args: Any) -> Any:
        general.append(args[0])
        return completes(self, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "complete_list_value", counted)
    data, errors = _answer(PLAN, "{ rows { name tags { kind value } maybe { value } } }")
    assert not errors and len(data["rows"]) == 6
    assert general == []


def test_a_row_the_plan_refuses_is_completed_by_graphql_core() -> None:
    query = "{ X(huge: true) { name rank } }"
    expected = _renamed(_answer(GENERAL, "{ huge_items: hugeItems { name rank } }"), "huge_items")
    assert expected[1]  # Int cannot represent 2**40
    assert _renamed(_answer(PLAN, query.replace("X", "rows")), "rows") == expected


def test_an_object_a_resolver_returns_is_completed_by_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    general: list[Any] = []
    completes = StrawberryGraphQLCoreExecutionContext.complete_object_value

    def counted(self: Any, *args: Any) -> Any:
        general.append(args[0])
        return completes(self, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "complete_object_value", counted)
    data, errors = _answer(PLAN, "{ one { name tags { kind } maybe { value } } }")
    assert not errors and data["one"]["name"] == "n1"
    assert general == []
    _answer(PLAN, "{ one { shout } }")
    assert len(general) == 1  # a resolver inside: graphql-core's completion


def test_a_value_still_to_come_is_awaited_not_answered_as_it_is() -> None:
    data, errors = _answer(PLAN, "{ boxed { tag { kind } note } }")
    assert not errors
    assert data == {"boxed": {"tag": {"kind": "b"}, "note": {"read": "later"}}}
