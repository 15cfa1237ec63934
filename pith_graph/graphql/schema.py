"""The GraphQL schema, assembled from the query, mutation and subscription roots.

Each feature module defines its own root class (``PaperQueries``, ``EventMutations``, …); the
tuples below list them, and ``strawberry.tools.merge_types`` joins them into ``Query``,
``Mutation`` and ``Subscription``. Adding a feature is one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from pith_graph import __version__
from pith_graph.config import Settings
from pith_graph.graphql.errors import CodedErrors, PithSchema

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


class _ParserCache(ParserCache):
    """Strawberry's shared parse cache, leaving documents that fail to parse to strawberry itself.

    A parse error raised inside the cache's hook escapes strawberry's own handling (the error
    loses its code); leaving the document unset makes strawberry parse it again in the place
    where errors are reported as GraphQL errors, so a too-long or malformed query stays coded.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            pass
        yield


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The document limits: checked while parsing/validating, so a refused query runs nothing.

    Factories, not instances: strawberry builds fresh extensions for every request.
    """
    # The validation rules are built once, here: each limiter extension makes a new rule class
    # when constructed, and rules that differ per request would make every ValidationCache
    # lookup (keyed by the rules) a miss.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.graphql_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(AddValidationRules, rules),
    ]
    return extensions


def build_schema(settings: Settings | None = None, **options: Any) -> strawberry.Schema:
    """The schema; with ``settings``, its query limits and introspection switch apply."""
    query = merge_types("Query", _load(QUERY_ROOTS))
    mutation = merge_types("Mutation", _load(MUTATION_ROOTS)) if MUTATION_ROOTS else None
    subscription = (
        merge_types("Subscription", _load(SUBSCRIPTION_ROOTS)) if SUBSCRIPTION_ROOTS else None
    )
    limits = limit_extensions(settings) if settings is not None else []
    # Clients send the same few documents with different variables: parsing and validating
    # each once (bounded LRU caches, shared across requests) took about a third of the CPU
    # time of a `resolve` request (bench/profile_api.py). The limits come first: the token
    # limit is a parse option the cached parse honours, and the validation rules are fixed
    # per schema, so a cached validation result is the one the limits would give.
    options.setdefault(
        "extensions",
        [
            CodedErrors,
            *limits,
            lambda: _ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
    return PithSchema(query=query, mutation=mutation, subscription=subscription, **options)
