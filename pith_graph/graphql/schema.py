"""The GraphQL schema, assembled from the query, mutation and subscription roots.

Each feature module defines its own root class (``PaperQueries``, ``EventMutations``, …); the
tuples below list them, and ``strawberry.tools.merge_types`` joins them into ``Query``,
``Mutation`` and ``Subscription``. Adding a feature is one line here.
"""

from __future__ import annotations

import importlib
from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from pith_graph import __version__
from pith_graph.graphql.errors import CodedErrors

__all__ = ["build_schema"]


@strawberry.type
class ServiceQueries:
    @strawberry.field(description="The version of the pith-graph service answering.")
    def service_version(self) -> str:
        return __version__


# "module:attribute" of each root class, in the order their fields appear in the SDL.
QUERY_ROOTS: tuple[str, ...] = (
    "pith_graph.graphql.schema:ServiceQueries",
    "pith_graph.graphql.queries:RegistryQueries",
    "pith_graph.graphql.events:EventQueries",
)
MUTATION_ROOTS: tuple[str, ...] = (
    "pith_graph.graphql.mutations:RegistryMutations",
    "pith_graph.graphql.events:EventMutations",
)
SUBSCRIPTION_ROOTS: tuple[str, ...] = ("pith_graph.graphql.events:EventSubscriptions",)


def _load(paths: tuple[str, ...]) -> tuple[type[Any], ...]:
    roots = []
    for path in paths:
        module_name, attribute = path.split(":")
        roots.append(getattr(importlib.import_module(module_name), attribute))
    return tuple(roots)


def build_schema(**options: Any) -> strawberry.Schema:
    query = merge_types("Query", _load(QUERY_ROOTS))
    mutation = merge_types("Mutation", _load(MUTATION_ROOTS)) if MUTATION_ROOTS else None
    subscription = (
        merge_types("Subscription", _load(SUBSCRIPTION_ROOTS)) if SUBSCRIPTION_ROOTS else None
    )
    # Clients send the same few documents with different variables: parsing and validating
    # each once (bounded LRU caches, shared across requests) took about a third of the CPU
    # time of a `resolve` request (bench/profile_api.py).
    options.setdefault(
        "extensions",
        [CodedErrors, lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
    )
    return strawberry.Schema(query=query, mutation=mutation, subscription=subscription, **options)
