"""The GraphQL schema, assembled from the query, mutation and subscription roots.

Each feature module defines its own root class (``RegistryQueries``, ``EventMutations``, …); the
tuples below list them, and ``strawberry.tools.merge_types`` joins them into ``Query``,
``Mutation`` and ``Subscription``. Adding a feature is one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import Any

import strawberry
from graphql import FragmentDefinitionNode, GraphQLError, OperationDefinitionNode, OperationType
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
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document
from strawberry.tools import merge_types

from pith_graph import __version__
from pith_graph.config import Settings
from pith_graph.graphql.context import Context
from pith_graph.graphql.cost import CostCache, operation_cost
from pith_graph.graphql.dashboards import DashboardQueries
from pith_graph.graphql.edge import EdgeAccounting
from pith_graph.graphql.errors import CodedErrors, PithSchema
from pith_graph.graphql.events import EventMutations, EventQueries, EventSubscriptions
from pith_graph.graphql.execution import PithExecution, read_field
from pith_graph.graphql.integrity import IntegrityQueries
from pith_graph.graphql.mutations import RegistryMutations
from pith_graph.graphql.prepared import PreparedDocuments
from pith_graph.graphql.queries import RegistryQueries

__all__ = ["COSTS", "build_schema", "schema_sdl"]


@strawberry.type
class ServiceQueries:
    @strawberry.field(description="The version of the pith-graph service answering.")
    def service_version(self) -> str:
        return __version__


# The root classes, in the order their fields appear in the SDL.
QUERY_ROOTS: tuple[type[Any], ...] = (
    ServiceQueries,
    RegistryQueries,
    EventQueries,
    DashboardQueries,
    IntegrityQueries,
)
MUTATION_ROOTS: tuple[type[Any], ...] = (RegistryMutations, EventMutations)
SUBSCRIPTION_ROOTS: tuple[type[Any], ...] = (EventSubscriptions,)


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


# Shared by all requests of the process (costs depend only on the schema, document and values).
COSTS = CostCache()


class OperationCost(SchemaExtension):
    """Refuses, after validation and before execution, an operation that cannot run as asked.

    Two checks need the request and not only the document, so they are no validation rule
    (graphql-core's rules do not see variables): the operation to run must be named when the
    document holds several (GraphQL spec, "GetOperation"), and its cost in requested nodes
    (:mod:`pith_graph.graphql.cost`, variables included) must be within ``max_nodes``
    (``PITH_MAX_QUERY_NODES``). It runs after the validation cache, whose verdict it extends
    without changing the cached list.
    """

    def __init__(self, *, max_nodes: int) -> None:
        self.max_nodes = max_nodes

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            # No validation cache ran before: validate here (strawberry then does not again).
            context.pre_execution_errors = validate_document(
                context.schema._schema, document, context.validation_rules
            )
        if document is not None and not context.pre_execution_errors:
            error = self._refusal(document)
            if error is not None:
                context.pre_execution_errors = [error]
        yield

    def _refusal(self, document: Any) -> GraphQLError | None:
        context = self.execution_context
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        # The name the request gave: strawberry's ``operation_name`` falls back to the first's.
        name = context._provided_operation_name
        if name is None and len(operations) > 1:
            return GraphQLError(
                f"the document holds {len(operations)} operations: say which to run with "
                "operationName",
                extensions={"code": "OPERATION_NAME_REQUIRED"},
            )
        chosen = next(
            (op for op in operations if name is None or (op.name and op.name.value == name)), None
        )
        if chosen is None:
            return None  # strawberry refuses an unknown operationName itself
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        prepared = getattr(context.schema, "prepared", None)
        if (
            isinstance(prepared, PreparedDocuments)
            and context.query is not None
            and chosen.operation == OperationType.QUERY
        ):
            # Parsed within the token limit, valid under the limit rules, its operation chosen:
            # what only the document decides is settled for every later request of it.
            prepared.keep(context.query, name, document, chosen, fragments)
        variables = context.variables if isinstance(context.variables, dict) else None
        cost = (
            COSTS.cost(context.query, context.schema._schema, chosen, fragments, variables)
            if context.query is not None
            else operation_cost(context.schema._schema, chosen, fragments, variables)
        )
        if isinstance(context.context, Context):
            context.context.requested_nodes = cost  # what the rate limiter charges
        if cost <= self.max_nodes:
            return None
        return GraphQLError(
            f"query refused before execution: it requests up to {cost:,} nodes, more than the "
            f"limit of {self.max_nodes:,} (PITH_MAX_QUERY_NODES); ask for smaller pages "
            "(first, limit) or fewer aliases",
            extensions={"code": "QUERY_TOO_COMPLEX"},
        )


class ResponseWarnings(SchemaExtension):
    """``extensions.warnings`` of the response: what resolvers accepted but flagged
    (:meth:`pith_graph.graphql.context.Context.warn`), e.g. ``SUBMISSION_DATE_MISMATCH``."""

    def get_results(self) -> dict[str, Any]:
        warnings = getattr(self.execution_context.context, "warnings", None)
        return {"warnings": list(warnings)} if warnings else {}


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


def cost_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The checks that need the request's variables: after validation, before execution."""
    return [partial(OperationCost, max_nodes=settings.max_query_nodes), EdgeAccounting]


def build_schema(settings: Settings | None = None, **options: Any) -> strawberry.Schema:
    """The schema; with ``settings``, its query limits and introspection switch apply."""
    query = merge_types("Query", QUERY_ROOTS)
    mutation = merge_types("Mutation", MUTATION_ROOTS)
    subscription = merge_types("Subscription", SUBSCRIPTION_ROOTS)
    limits = limit_extensions(settings) if settings is not None else []
    costs = cost_extensions(settings) if settings is not None else []
    # Clients send the same few documents with different variables: parsing and validating
    # each once (bounded LRU caches, shared across requests) took about a third of the CPU
    # time of a `resolve` request (bench/profile_api.py). The limits come first: the token
    # limit is a parse option the cached parse honours, and the validation rules are fixed
    # per schema, so a cached validation result is the one the limits would give.
    options.setdefault(
        "extensions",
        [
            CodedErrors,
            ResponseWarnings,
            *limits,
            lambda: _ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            *costs,
        ],
    )
    # Lists of plain objects (a resolveMany answer, a page's edges) are completed by a plan;
    # plain fields read dict rows too (a page's edges and aliases are rows, not objects).
    options.setdefault("execution_context_class", PithExecution)
    options.setdefault("config", StrawberryConfig(default_resolver=read_field))
    schema = PithSchema(query=query, mutation=mutation, subscription=subscription, **options)
    if settings is not None:
        schema.max_query_nodes = settings.max_query_nodes
    return schema


@lru_cache(maxsize=1)
def schema_sdl() -> str:
    """The SDL of the schema, newline-terminated: what ``/schema.graphql`` serves and
    ``pith-graph schema export`` writes."""
    return build_schema().as_str().rstrip("\n") + "\n"
