"""Error codes in ``extensions.code``, and masking of everything unexpected.

Every error a client sees carries a code:

| code | when |
| --- | --- |
| ``NOT_FOUND``, ``AMBIGUOUS_ALIAS``, ``INVALID_ALIAS``, ``BAD_INPUT`` | :class:`~pith_graph.service.errors.ServiceError`, message kept |
| ``UNAUTHENTICATED`` / ``FORBIDDEN`` | a mutation without a valid token / without the scope |
| ``UNAVAILABLE`` | Neo4j cannot be reached (:class:`~pith_graph.store.errors.StoreUnavailable`) |
| ``TIMEOUT`` | a database transaction ran past ``PITH_QUERY_TIMEOUT`` |
| ``QUERY_TOO_COMPLEX`` | the document is over a depth, alias, token or requested-nodes limit, or too large to validate (never executed) |
| ``OPERATION_NAME_REQUIRED`` | a document of several operations sent without ``operationName`` |
| ``INTROSPECTION_DISABLED`` | ``__schema``/``__type`` asked while ``PITH_GRAPHQL_INTROSPECTION=0`` |
| ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` | not GraphQL / not valid for the schema |
| ``INTERNAL`` | anything else: the client sees only "Unexpected error.", the log has the details |

Expected errors are logged quietly (one line, no traceback); unexpected ones in full.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from pith_graph.graphql.prepared import PreparedDocuments
from pith_graph.http.errors import shorten_message
from pith_graph.service.errors import AmbiguousAlias, ServiceError
from pith_graph.store._run import as_store_error
from pith_graph.store.errors import StoreTimeout, StoreUnavailable

__all__ = ["CodedErrors", "PithSchema", "error_code"]

log = logging.getLogger(__name__)

# Messages of strawberry's limit extensions and graphql-core's rules -> (code, setting to name).
_REQUEST_ERRORS: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(r"exceeds maximum operation depth"), "QUERY_TOO_COMPLEX", "PITH_MAX_QUERY_DEPTH"),
    (re.compile(r"aliases found\. Allowed"), "QUERY_TOO_COMPLEX", "PITH_MAX_ALIASES"),
    (re.compile(r"contains more than \d+ tokens"), "QUERY_TOO_COMPLEX", "PITH_MAX_QUERY_TOKENS"),
    (re.compile(r"introspection has been disabled"), "INTROSPECTION_DISABLED", None),
    (re.compile(r"^Syntax Error"), "GRAPHQL_PARSE_FAILED", None),
    # graphql-core gives up on a document that nests or repeats too much to validate (a
    # thousand copies of one field overflow its recursion): refused as too complex.
    (re.compile(r"Validation aborted"), "QUERY_TOO_COMPLEX", None),
)


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message=shorten_message(message),
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )


def _store_error(original: BaseException | None) -> StoreUnavailable | None:
    if isinstance(original, StoreUnavailable):
        return original
    return as_store_error(original) if isinstance(original, Exception) else None


def _is_request_error(error: GraphQLError) -> bool:
    """A syntax, validation or variable error: raised before any resolver ran."""
    original = error.original_error
    return original is None or (error.path is None and not isinstance(original, ServiceError))


def error_code(error: GraphQLError) -> str:
    """The code a (not yet masked) error will be shown with."""
    original = error.original_error
    if isinstance(original, ServiceError):
        return original.code
    store = _store_error(original)
    if store is not None:
        return "TIMEOUT" if isinstance(store, StoreTimeout) else "UNAVAILABLE"
    if isinstance(original, GraphQLError) and (coded := (original.extensions or {}).get("code")):
        return str(coded)
    if original is None and (coded := (error.extensions or {}).get("code")):
        return str(coded)  # raised coded by our own request checks
    if _is_request_error(error):
        for pattern, code, _ in _REQUEST_ERRORS:
            if pattern.search(error.message):
                return code
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL"


class CodedErrors(MaskErrors):
    """:class:`MaskErrors` that also codes the errors it lets through."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        code = error_code(error)
        if isinstance(original, AmbiguousAlias):
            return _with(error, str(original), {"code": code, "candidates": list(original.candidates)})
        if isinstance(original, ServiceError):
            return _with(error, str(original), {"code": code})
        if code == "UNAVAILABLE":
            return _with(error, "the graph database is unavailable; try again later", {"code": code})
        if code == "TIMEOUT":
            return _with(
                error,
                "the query took longer than the database timeout (PITH_QUERY_TIMEOUT); "
                "ask for less (smaller depth, limit or page)",
                {"code": code},
            )
        if code == "INTERNAL":
            return _with(error, self.error_message, {"code": code})
        message = error.message
        for pattern, _, setting in _REQUEST_ERRORS:
            if setting is not None and pattern.search(message):
                message = f"query refused before execution: {message} (limit set by {setting})"
        if code == "QUERY_TOO_COMPLEX" and "Validation aborted" in message:
            message = (
                "query refused before execution: the document is too large or repetitive to "
                "validate (e.g. one field repeated hundreds of times); send a smaller document"
            )
        return _with(error, message, {"code": code})


class PithSchema(strawberry.Schema):
    """Expected errors (coded) are logged in one line; only unexpected ones with a traceback.

    ``prepared`` keeps the query documents this schema has accepted (:mod:`.prepared`);
    ``max_query_nodes`` is the cost limit its extensions enforce (None: no limit checked, and
    no short path either)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared = PreparedDocuments()
        self.max_query_nodes: int | None = None

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = []
        for error in errors:
            code = error_code(error)
            if code == "INTERNAL":
                unexpected.append(error)
            elif code in ("UNAVAILABLE", "TIMEOUT"):
                log.warning("%s at %s: %s", code, error.path, error.original_error or error.message)
            else:
                log.debug("%s at %s: %s", code, error.path, error.message)
        if unexpected:
            super().process_errors(unexpected, execution_context)
