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

Kept per schema (a schema carries its limits), in a bounded LRU. With each document goes what
executing it computes alike for every request (:class:`~pith_graph.graphql.execution.DocumentMemo`):
it lives and dies with the document, so the memory a client can make this cache hold is bounded
by the number of documents kept, and a document sent once never gets one filled (its first
request takes the full path).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)
from graphql.execution.collect_fields import FragmentDetails

from pith_graph.graphql.execution import DocumentMemo

__all__ = ["PreparedDocuments", "PreparedQuery", "directive_variables"]


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.fragment_arguments = False
        self._inside = 0

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self._inside += 1

    def leave_directive(self, node: DirectiveNode, *_: Any) -> None:
        self._inside -= 1

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if self._inside:
            self.names.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        if getattr(node, "arguments", None):
            self.fragment_arguments = True

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        if node.variable_definitions:
            self.fragment_arguments = True


def directive_variables(document: DocumentNode) -> tuple[str, ...] | None:
    """The variables the document's directives read (what, besides the document, decides which
    fields a request selects), sorted; None when fragment arguments decide it too."""
    visitor = _DirectiveVariables()
    visit(document, visitor)
    return None if visitor.fragment_arguments else tuple(sorted(visitor.names))


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    # graphql-core's view of the fragments (no fragment arguments: those documents have no memo
    # to share, and execute the usual way).
    fragment_details: dict[str, FragmentDetails] = field(init=False)
    memo: DocumentMemo = field(init=False)

    def __post_init__(self) -> None:
        details = {name: FragmentDetails(d) for name, d in self.fragments.items()}
        object.__setattr__(self, "fragment_details", details)
        object.__setattr__(self, "memo", DocumentMemo(directive_variables(self.document)))


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

    def keep(
        self,
        query: str,
        operation_name: str | None,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        key = (query, operation_name)
        kept = self._kept.get(key)
        if kept is not None and kept.document is document:
            self._kept.move_to_end(key)  # and its memo stays
            return
        prepared = PreparedQuery(document, operation, fragments)
        if prepared.memo.directive_variables is None:
            return  # fragment arguments: graphql-core's own execution, on the full path
        self._kept[key] = prepared
        self._kept.move_to_end(key)
        while len(self._kept) > self.max_documents:
            self._kept.popitem(last=False)
