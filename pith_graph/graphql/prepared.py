"""Query documents a schema has already accepted: parsed, within the document limits and valid.

Clients send the same few documents with different variables. The full request path (strawberry's
view and its schema extensions: limits, parse and validation caches, the cost check, error
masking, warnings, the rate-limit charge) runs some thirty extension hooks per request, most of
which have nothing to do once a document is known to be fine. So the first time a query document
passes parsing (with the token limit), validation (with the depth, alias and introspection rules)
and the choice of its operation, the cost check records it here, keyed by the document's text and
the operation name the request gave; :class:`~pith_graph.graphql.asgi.PithGraphQL` answers a
later request for the same key by executing the kept syntax tree directly, doing per request only
what depends on the request (variables, the cost in requested nodes, execution, error codes and
warnings). Everything else — a document not seen yet or refused, a mutation or subscription,
persisted queries, GET, rate-limited clients, a cost over the limit — takes the full path, which
gives every refusal its usual code.

Kept per schema (a schema carries its limits), in a bounded LRU.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode

__all__ = ["PreparedDocuments", "PreparedQuery"]


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]


class PreparedDocuments:
    """Accepted query documents by ``(document text, operationName)``, the least recently used
    dropped beyond ``max_documents``."""

    def __init__(self, max_documents: int = 256) -> None:
        self.max_documents = max_documents
        self._kept: OrderedDict[tuple[str, str | None], PreparedQuery] = OrderedDict()

    def get(self, query: str, operation_name: str | None) -> PreparedQuery | None:
        key = (query, operation_name)
        prepared = self._kept.get(key)
        if prepared is not None:
            self._kept.move_to_end(key)
        return prepared

    def keep(self, query: str, operation_name: str | None, prepared: PreparedQuery) -> None:
        key = (query, operation_name)
        self._kept[key] = prepared
        self._kept.move_to_end(key)
        while len(self._kept) > self.max_documents:
            self._kept.popitem(last=False)
