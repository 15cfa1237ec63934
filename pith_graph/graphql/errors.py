"""Error codes in ``extensions.code``, and masking of everything unexpected.

Expected failures (:class:`~pith_graph.service.errors.ServiceError`: ``NOT_FOUND``,
``AMBIGUOUS_ALIAS``, ``INVALID_ALIAS``, ``BAD_INPUT``) keep their message and get their code;
an unreachable Neo4j (:class:`~pith_graph.store.errors.StoreUnavailable`) becomes
``UNAVAILABLE``; any other exception reaches the client only as "Unexpected error." with code
``INTERNAL`` (the log keeps the details). GraphQL's own validation errors pass unchanged.
"""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from pith_graph.service.errors import AmbiguousAlias, ServiceError
from pith_graph.store.errors import StoreUnavailable

__all__ = ["CodedErrors"]

log = logging.getLogger(__name__)


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )


class CodedErrors(MaskErrors):
    """:class:`MaskErrors` that also codes the errors it lets through."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out = []
        for error in errors:
            original = error.original_error
            if original is None:
                out.append(error)  # a GraphQL syntax/validation error: already safe to show
            elif isinstance(original, AmbiguousAlias):
                out.append(
                    _with(
                        error,
                        str(original),
                        {"code": original.code, "candidates": list(original.candidates)},
                    )
                )
            elif isinstance(original, ServiceError):
                out.append(_with(error, str(original), {"code": original.code}))
            elif isinstance(original, StoreUnavailable):
                log.warning("store unavailable: %s", original)
                out.append(_with(error, "the graph database is unavailable; try again later", {"code": "UNAVAILABLE"}))
            else:
                log.error("unexpected error in %s", error.path, exc_info=original)
                out.append(_with(error, self.error_message, {"code": "INTERNAL"}))
        return out
