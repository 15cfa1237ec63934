"""cost.py: the nodes an operation requests, counted from the document and its variables."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.config import Settings
from pith_graph.graphql.cost import operation_cost
from pith_graph.graphql.schema import build_schema

SCHEMA = build_schema(Settings())._schema
LIMIT = Settings().max_query_nodes
ROOT = Path(__file__).resolve().parents[2]


def cost(query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> int:
    document = parse(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(o for o in operations if name is None or o.name.value == name)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation_cost(SCHEMA, operation, fragments, variables)


HOSTILE = """query($a: [String!]!) { resolveMany(aliases: $a) { paper {
  citations(first: 500) { edges { node { pithNumber title } } } } } }"""


def test_the_reported_attack_costs_its_product() -> None:
    assert cost(HOSTILE, {"a": ["hep-th/9711200"] * 300}) == 300 + 300 * 500


def test_sizes_come_from_literals_variables_and_defaults() -> None:
    q = """query($a: [String!]!, $n: Int = 7) { resolveMany(aliases: $a) {
      paper { citations(first: $n) { totalCount } references { totalCount } } } }"""
    # citations: the variable's default (7); references: the schema's default (20)
    assert cost(q, {"a": ["x"] * 10}) == 10 + 10 * 7 + 10 * 20
    assert cost(q, {"a": ["x"] * 10, "n": 3}) == 10 + 10 * 3 + 10 * 20
    literal = '{ resolveMany(aliases: ["a", "b", "c"]) { paper { pithNumber } } }'
    assert cost(literal) == 3


def test_fragments_inline_fragments_and_nesting_multiply() -> None:
    q = """query { search(title: "x", first: 10) { edges { node { ...P } } } }
      fragment P on Paper { references(first: 5) { edges { node { ... on Paper {
        citations(first: 2) { totalCount } } } } } }"""
    assert cost(q) == 10 + 10 * (5 + 5 * 2)


def test_candidates_count_at_their_bound_and_skipped_fields_count_nothing() -> None:
    q = """query($a: [String!]!, $skip: Boolean!) { resolveMany(aliases: $a) {
      candidates { pithNumber } paper @skip(if: $skip) { citations(first: 100) { totalCount } } } }"""
    assert cost(q, {"a": ["x"] * 4, "skip": True}) == 4 + 4 * 20
    assert cost(q, {"a": ["x"] * 4, "skip": False}) == 4 + 4 * 20 + 4 * 100


def test_sizes_over_a_fields_bound_count_at_the_bound() -> None:
    # The resolver refuses first > 500 with BAD_INPUT; it can never return more.
    assert cost('{ search(title: "x", first: 100000) { totalCount } }') == 500
    assert cost('{ search(title: "x", first: -5) { totalCount } }') == 0


def test_non_list_fields_with_a_first_argument_cost_nothing() -> None:
    assert cost("{ consistencyProof(first: 1000000, second: 2) { __typename } }") == 0


def test_variables_that_do_not_coerce_cost_nothing() -> None:
    # Execution refuses them (a coded error) before any resolver runs.
    assert cost(HOSTILE, {"a": [5, None]}) == 0


def test_a_named_operation_is_costed_alone() -> None:
    q = 'query A { search(title: "x", first: 9) { totalCount } } query B { serviceVersion }'
    assert cost(q, name="A") == 9 and cost(q, name="B") == 0


def test_deeply_shared_fragments_are_costed_in_linear_time() -> None:
    # Each fragment spreads the next one twice: 2**30 paths, costed once per fragment.
    parts = [f"fragment F{i} on Paper {{ a: references(first: 1) {{ edges {{ node {{ ...F{i + 1} }} }} }} "
             f"b: references(first: 1) {{ edges {{ node {{ ...F{i + 1} }} }} }} }}" for i in range(30)]
    parts.append("fragment F30 on Paper { pithNumber }")
    q = '{ resolve(alias: "x") { paper { ...F0 } } } ' + " ".join(parts)
    assert cost(q) == 2 ** 31 - 2


@given(st.integers(0, 1000), st.integers(0, 500))
def test_cost_is_the_product_along_the_path(aliases: int, page: int) -> None:
    q = """query($a: [String!]!, $n: Int!) { resolveMany(aliases: $a) { paper {
      citations(first: $n) { edges { node { pithNumber } } } } } }"""
    assert cost(q, {"a": ["x"] * aliases, "n": page}) == aliases + aliases * page


def _module(path: Path) -> Any:
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(path.parent))


def _bench_requests() -> list[tuple[str, str, dict[str, Any]]]:
    """Every query text the API benchmarks send, with the largest variables they send it."""
    workloads = _module(ROOT / "bench" / "workloads.py")
    latency = _module(ROOT / "bench" / "api_latency.py")
    aliases = ["hep-th/9711200"] * 1000  # workloads.build: batches of 1,000 aliases
    requests = []
    for name in dir(workloads):
        if name.startswith("_Q_"):
            text = getattr(workloads, name)
            variables = {"a": aliases} if "[String!]!" in text else {"a": "hep-th/9711200"}
            requests.append((f"workloads.{name}", text, variables))
    requests.append(("api_latency.RESOLVE", latency.RESOLVE, {"a": "x"}))
    requests.append(("api_latency.NEIGHBORHOOD", latency.NEIGHBORHOOD, {"a": "x", "limit": 100}))
    requests.append(("api_latency.SAMPLE", latency.SAMPLE, {}))
    return requests


@pytest.mark.parametrize(("name", "query", "variables"), _bench_requests())
def test_the_benchmarks_queries_stay_under_the_default_limit(
    name: str, query: str, variables: dict[str, Any]
) -> None:
    assert cost(query, variables) <= LIMIT, name
