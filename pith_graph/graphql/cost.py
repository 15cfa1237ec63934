"""Static cost of a GraphQL operation: how many nodes it may ask for, computed before execution.

The count follows GitHub's GraphQL node limit: every list-valued field with a size — a page
(``first``/``last``), a ``limit``, or a list argument naming one item per entry (``resolveMany``'s
``aliases``) — requests that many nodes for each node of the lists around it. The cost is the
sum, over those fields, of the product of the sizes along the path from the root down to and
including the field. ``resolveMany`` of 300 aliases selecting ``citations(first: 500)`` costs
300 + 300 × 500 = 150,300.

Sizes come from the document's literals, the request's variables, the variables' defaults and
the schema's argument defaults, in the order GraphQL itself applies them. Lists without a size
argument count with the bound the server enforces on them (:data:`FIXED_LIST_SIZES`); other
lists (a paper's aliases, claims) are small by nature and count as one. Fragments are costed
once per (fragment, type) — the cost is linear in the multiplier above it — so nesting them
cannot make the analysis itself slow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)

from pith_graph.graphql.events import _MAX_PAGE as EVENT_PAGE_MAX
from pith_graph.graphql.types import MAX_PAGE
from pith_graph.service.dashboards import EVIDENCE, MAX_PATH_DEPTH
from pith_graph.service.resolution import MAX_ALIASES
from pith_graph.store.neighborhood import MAX_LIMIT
from pith_graph.store.resolve import MAX_CANDIDATES

__all__ = ["FIXED_LIST_SIZES", "SIZE_ARGUMENTS", "SIZE_BOUNDS", "CostCache", "operation_cost"]

# Arguments whose integer value is the number of items a field returns.
SIZE_ARGUMENTS = ("first", "last", "limit")
# List fields without a size argument, with the most items the server returns for them.
FIXED_LIST_SIZES: Mapping[tuple[str, str], int] = {
    ("ResolveResult", "candidates"): MAX_CANDIDATES,
    ("RelatedEdge", "shared"): EVIDENCE,
    ("CitationPathResult", "papers"): MAX_PATH_DEPTH + 1,
}
# The largest size each field's resolver accepts (a larger one is refused with BAD_INPUT before
# it reads anything), so a size counts at most this much.
SIZE_BOUNDS: Mapping[tuple[str, str], int] = {
    ("Query", "resolveMany"): MAX_ALIASES,
    ("Query", "search"): MAX_PAGE,
    ("Query", "citationNeighborhood"): MAX_LIMIT,
    ("Query", "events"): EVENT_PAGE_MAX,
    ("Query", "eventFeed"): EVENT_PAGE_MAX,
    ("Paper", "references"): MAX_PAGE,
    ("Paper", "citations"): MAX_PAGE,
    ("Query", "papers"): MAX_PAGE,
    ("Paper", "related"): MAX_PAGE,
}


def _returns_items(field: GraphQLField) -> bool:
    """A list, or an object holding lists of objects (a connection, a neighborhood)."""
    output = get_nullable_type(field.type)
    if is_list_type(output):
        return True
    if not isinstance(output, GraphQLObjectType):
        return False
    return any(
        is_list_type(get_nullable_type(f.type))
        and isinstance(get_named_type(f.type), GraphQLObjectType)
        for f in output.fields.values()
    )


def _field_size(
    parent: GraphQLNamedType, field: GraphQLField, node: FieldNode, variables: VariableValues
) -> int | None:
    """The number of items ``node`` asks for, or None when it is not a sized list."""
    size = _requested_size(parent, field, node, variables)
    bound = SIZE_BOUNDS.get((parent.name, node.name.value))
    return size if size is None or bound is None else min(size, bound)


def _requested_size(
    parent: GraphQLNamedType, field: GraphQLField, node: FieldNode, variables: VariableValues
) -> int | None:
    fixed = FIXED_LIST_SIZES.get((parent.name, node.name.value))
    if fixed is not None:
        return fixed
    if not field.args or not _returns_items(field):
        return None
    try:
        args = get_argument_values(field, node, variables)
    except GraphQLError:
        return None  # execution refuses the arguments before any resolver runs
    for name in SIZE_ARGUMENTS:
        value = args.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return max(value, 0)
    if is_list_type(get_nullable_type(field.type)):
        for name, argument in field.args.items():
            value = args.get(name)
            if is_list_type(get_nullable_type(argument.type)) and isinstance(value, list):
                return len(value)
    return None


class _Coster:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self._fragment_costs: dict[tuple[str, str], int] = {}

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        except GraphQLError:
            return True
        return not (skip and skip.get("if") is True) and not (
            include and include.get("if") is False
        )

    def selection_cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        """The nodes one ``parent`` object's ``selection_set`` requests."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if not self._included(selection):  # type: ignore[arg-type]
                continue
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = parent
                if selection.type_condition is not None:
                    condition = self.schema.get_type(selection.type_condition.name.value) or parent
                total += self.selection_cost(selection.selection_set, condition)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_cost(selection.name.value, parent)
        return total

    def _fragment_cost(self, name: str, parent: GraphQLNamedType) -> int:
        key = (name, parent.name)
        if key not in self._fragment_costs:
            fragment = self.fragments.get(name)
            if fragment is None:
                return 0
            self._fragment_costs[key] = 0  # a cycle (refused by validation) adds nothing
            condition = self.schema.get_type(fragment.type_condition.name.value) or parent
            self._fragment_costs[key] = self.selection_cost(fragment.selection_set, condition)
        return self._fragment_costs[key]

    def _field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        fields = getattr(parent, "fields", None)
        field = fields.get(node.name.value) if fields is not None else None
        if field is None:  # __typename, or a field of an abstract type's members
            return 0
        inner = self.selection_cost(node.selection_set, get_named_type(field.type))
        size = _field_size(parent, field, node, self.variables)
        if size is None:
            return inner
        return size + size * inner


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> int:
    """The number of nodes ``operation`` requests with ``variables`` (see the module docstring).

    ``variables`` are the request's raw values, coerced (defaults filled in) as execution will.
    Variables that do not coerce cost nothing here: execution refuses them before any resolver.
    """
    values = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {}), max_errors=1
    )
    if isinstance(values, list):
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Coster(schema, fragments, values).selection_cost(operation.selection_set, root)


def _cost_shape(value: Any) -> Any:
    """What of a variable's value a cost can depend on: numbers, booleans and nulls (sizes,
    ``@include``/``@skip``) and the lengths of lists; strings weigh nothing."""
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return tuple(_cost_shape(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _cost_shape(v)) for k, v in value.items()))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return repr(value)


class CostCache:
    """The costs of recent operations, by document text, operation and variables' shape.

    Clients send the same few documents with different values: a cost (a walk of the whole
    selection) is computed once per document and shape of variables (up to ``maxsize`` kept).
    """

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._costs: dict[tuple[int, str, str | None, Any], int] = {}

    def cost(
        self,
        query: str,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any] | None,
    ) -> int:
        name = operation.name.value if operation.name else None
        key = (id(schema), query, name, _cost_shape(dict(variables or {})))
        cost = self._costs.get(key)
        if cost is None:
            cost = operation_cost(schema, operation, fragments, variables)
            if len(self._costs) >= self.maxsize:
                self._costs.clear()
            self._costs[key] = cost
        return cost
