"""Execution of the GraphQL layer: lists of plain objects completed by a compiled plan.

graphql-core completes every field of every list item through the general machinery (a path, a
resolve info, the resolver, awaitable checks, type dispatch): some 3-8 µs a field, so that a
``resolveMany`` answer of 1,000 results (about 9,000 fields) or a neighborhood's edge list spends
tens of milliseconds before any I/O. Most list items here are plain objects whose fields are
attributes (``Paper``, ``ResolveResult``, ``CitationEdge``, ``NeighborhoodEdge``, …).

For a list whose items' selection holds only such fields (no arguments, strawberry's default
attribute resolver, scalars, enums, and objects or lists of the same kind), :class:`PithExecution`
builds a plan once per selection and completes each item with it: one ``getattr`` and one type
check a field. An object a resolver returns (a ``resolve`` result and the paper under it) is
completed by the same kind of plan when its selection qualifies. Anything the plan does not
cover (a resolver, a field argument, ``@defer``, an abstract type, a value of an unexpected
type, a null in a non-null position) sends the whole list back to graphql-core's own completion,
which gives the same answer and the same errors it always did: the plan only reads attributes,
so a list can be completed again from the start.

An item may also be a plain ``dict`` holding the fields by their Python names (a store row in the
response's shape, e.g. a page's edges and their papers' aliases): the plan reads it by key, and
:func:`read_field`, the schema's default resolver, does the same in graphql-core's completion, so
such rows need no object built for them.

A document the schema keeps (:mod:`pith_graph.graphql.prepared`) is executed with its
:class:`DocumentMemo`: the subfields collected for a field group, the plans and what resolvers
derive from their selection, found once for every request of the document rather than once a
request. Field groups are named by the identity of their syntax nodes (the kept document holds
them, and the memo lives no longer than the document), and by the values of the variables the
document's directives read (``@include(if: $x)`` selects other fields): nothing else a request
brings (its other variables, its context) enters what is kept. Each memo is bounded.
"""

from __future__ import annotations

import keyword
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

__all__ = ["DocumentMemo", "PithExecution", "read_field"]

_MAX_INT = 2**31 - 1
_MIN_INT = -(2**31)


class _Bail(Exception):
    """The plan does not cover this value: complete the list the general way."""


def read_field(source: Any, name: str) -> Any:
    """The default resolver of plain fields: a key of a ``dict`` row, else an attribute."""
    if type(source) is dict:
        return source[name]
    return getattr(source, name)


Convert = Callable[[Any], Any]
# How a plan step completes its field's value: the step's argument is the type name
# (__typename), the exact type of a leaf (non-null, or null allowed), or a converter.
_TYPENAME, _EXACT, _EXACT_OR_NONE, _CONVERT = range(4)
# (response key, attribute name ("" for __typename), how, its argument)
Plan = tuple[tuple[str, str, int, Any], ...]


def _exact_type(return_type: Any) -> type | None:
    """The one Python type whose values a leaf type serialises as they are, if it has one."""
    if return_type is GraphQLString or return_type is GraphQLID:
        return str
    if return_type is GraphQLBoolean:
        return bool
    if return_type is GraphQLFloat:
        return float
    return None


def _leaf(return_type: Any) -> Convert:
    """A non-null leaf: the value as graphql-core would serialise it."""
    exact = _exact_type(return_type)
    if exact is not None:

        def convert_exact(value: Any) -> Any:
            if type(value) is exact:
                return value
            raise _Bail

        return convert_exact
    if return_type is GraphQLInt:

        def convert_int(value: Any) -> Any:
            if type(value) is int and _MIN_INT <= value <= _MAX_INT:
                return value
            raise _Bail

        return convert_int
    coerce = return_type.coerce_output_value

    def convert_other(value: Any) -> Any:
        if isinstance(value, Awaitable):
            raise _Bail  # a value still being read (a JSON scalar takes anything): awaited
        try:
            coerced = coerce(value)
        except Exception as exc:
            raise _Bail from exc
        if coerced is None:
            raise _Bail
        return coerced

    return convert_other


def _nullable(convert: Convert) -> Convert:
    def convert_or_none(value: Any) -> Any:
        return None if value is None else convert(value)

    return convert_or_none


def _non_null(convert: Convert) -> Convert:
    def convert_present(value: Any) -> Any:
        if value is None:
            raise _Bail
        return convert(value)

    return convert_present


def _list_of(convert: Convert, nullable: bool) -> Convert:
    def convert_list(value: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            if value is None and nullable:
                return None
            raise _Bail
        return [convert(item) for item in value]

    return convert_list


def _object(plan: Plan, nullable: bool) -> Convert:
    """The converter of one object type's selection: a function made for the plan, which reads
    each field once (a key of a dict row, else an attribute), checks the leaves' types inline
    and builds the answer in one dict display. An interpreted loop over the plan spent more on
    dispatching each step than on the step: a page of fifty edges is some thousand fields."""
    head = ["def convert_object(value):", "    if value is None:"]
    head.append("        return None" if nullable else "        raise _Bail")
    from_row: list[str] = []
    from_object: list[str] = []
    checks: list[str] = []
    items: list[str] = []
    for i, (key, attribute, how, _) in enumerate(plan):
        if how == _TYPENAME:
            items.append(f"{key!r}: a{i}")
            continue
        from_row.append(f"        v{i} = value[{attribute!r}]")
        plain = attribute.isidentifier() and not keyword.iskeyword(attribute)
        read = f"value.{attribute}" if plain else f"getattr(value, {attribute!r})"
        from_object.append(f"        v{i} = {read}")
        if how == _EXACT:
            checks.append(f"    if type(v{i}) is not a{i}: raise _Bail")
            items.append(f"{key!r}: v{i}")
        elif how == _EXACT_OR_NONE:
            checks.append(f"    if v{i} is not None and type(v{i}) is not a{i}: raise _Bail")
            items.append(f"{key!r}: v{i}")
        else:  # a converter
            items.append(f"{key!r}: a{i}(v{i})")
    body = head
    if from_row:
        body += ["    if type(value) is dict:", *from_row, "    else:", *from_object]
    body += [*checks, "    return {" + ", ".join(items) + "}"]
    arguments = ", ".join(f"a{i}" for i in range(len(plan)))
    source = f"def make({arguments}):\n" + "\n".join("    " + line for line in body)
    source += "\n    return convert_object\n"
    make = _MAKERS.get(source)
    if make is None:
        namespace: dict[str, Any] = {"_Bail": _Bail}
        exec(compile(source, "<plan>", "exec"), namespace)  # keys and names are repr()'d
        make = namespace["make"]
        if len(_MAKERS) < _MAX_MAKERS:
            _MAKERS[source] = make
    return make(*(arg for _, _, _, arg in plan))


# The functions that make a plan's converter, by their source: the same selection (the same
# response keys, attributes and kinds of fields) compiles once per process. Bounded: past
# that, a selection not seen yet compiles anew each time.
_MAKERS: dict[str, Callable[..., Convert]] = {}
_MAX_MAKERS = 1024


class DocumentMemo:
    """What executing one kept document computes alike for every request: collected subfields
    and plans by (type, field group, directive variables), and what resolvers derive from their
    selection (:meth:`derived`). At most ``max_entries`` of each; past that, computed anew."""

    def __init__(self, directive_variables: tuple[str, ...] | None, max_entries: int = 256) -> None:
        # None: the document selects by something a memo cannot name (fragment arguments).
        self.directive_variables = directive_variables
        self.max_entries = max_entries
        self.subfields: dict[tuple[Any, ...], Any] = {}
        self.plans: dict[tuple[Any, ...], Convert | None] = {}
        self._derived: dict[tuple[Any, ...], Any] = {}

    def variant(self, variable_values: Any) -> tuple[Any, ...] | None:
        """The values of the directives' variables in this request, or None when a request's
        selection cannot be shared (unhashable values, fragment arguments)."""
        names = self.directive_variables
        if names is None:
            return None
        if not names:
            return ()
        coerced = variable_values.coerced
        variant = tuple(coerced.get(name) for name in names)
        try:
            hash(variant)
        except TypeError:
            return None
        return variant

    def derived(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, once per ``key`` (which must name the syntax nodes it reads)."""
        derived = self._derived
        try:
            return derived[key]
        except KeyError:
            pass
        value = compute()
        if len(derived) < self.max_entries:
            derived[key] = value
        return value

    def keep(self, table: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
        if len(table) < self.max_entries:
            table[key] = value


def _group_key(field_details_list: Any) -> tuple[int, ...] | None:
    """The field group by its nodes' identities; None when its fields carry what the nodes do
    not say (a ``@defer`` above them, fragment arguments)."""
    key = []
    for details in field_details_list:
        if details.defer_usage is not None or details.fragment_variable_values is not None:
            return None
        key.append(id(details.node))
    return tuple(key)


class PithExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with lists of plain objects completed by a compiled plan.

    ``memo``: the :class:`DocumentMemo` of a kept document, shared by its requests.
    """

    def __init__(self, *args: Any, memo: DocumentMemo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id of the field group, plan kind) -> (the field group, kept alive; converter)
        self._plans: dict[tuple[Any, int, str], tuple[Any, Convert | None]] = {}
        self._memo = memo
        self._variant = memo.variant(self.variable_values) if memo is not None else None

    def collect_subfields(self, return_type: GraphQLObjectType, field_details_list: Any) -> Any:
        relevant_sub_fields = self._relevant_sub_fields
        key = (return_type, id(field_details_list))
        cached = relevant_sub_fields.get(key)
        if cached is not None:
            return cached[1]
        variant = self._variant
        shared_key = None
        if variant is not None:
            group = _group_key(field_details_list)
            if group is not None:
                shared_key = (return_type, group, variant)
                assert self._memo is not None
                collected = self._memo.subfields.get(shared_key)
                if collected is not None:
                    relevant_sub_fields[key] = (field_details_list, collected)
                    return collected
        collected = super().collect_subfields(return_type, field_details_list)
        if shared_key is not None and not collected.new_defer_usages:
            assert self._memo is not None
            self._memo.keep(self._memo.subfields, shared_key, collected)
        return collected

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is list or type(result) is tuple:
            convert = self._list_plan(return_type.of_type, field_details_list)
            if convert is not None:
                try:
                    return [convert(item) for item in result]
                except Exception:  # graphql-core completes it again, and reports what failed
                    pass
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if return_type.is_type_of is None:
            convert = self._cached_plan(return_type, field_details_list, self._object_convert)
            if convert is not None:
                try:
                    return convert(result)
                except Exception:  # graphql-core completes it again, and reports what failed
                    pass
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _object_convert(self, return_type: Any, field_details_list: Any) -> Convert:
        return _object(self._plan(return_type, field_details_list), False)

    def _list_plan(self, item_type: Any, field_details_list: Any) -> Convert | None:
        return self._cached_plan(item_type, field_details_list, self._convert)

    def _cached_plan(
        self, of_type: Any, field_details_list: Any, build: Callable[[Any, Any], Convert]
    ) -> Convert | None:
        """The converter ``build`` makes for this type and field group, built once a request;
        None when the selection is not one a plan covers."""
        key = (of_type, id(field_details_list), build.__name__)
        cached = self._plans.get(key)
        if cached is None:
            middleware = self.middleware_manager
            if middleware is not None and middleware.middlewares:
                convert = None  # an extension wraps every resolver: let it see them all
            else:
                convert = self._shared_plan(of_type, field_details_list, build)
            cached = (field_details_list, convert)
            self._plans[key] = cached
        return cached[1]

    def _shared_plan(
        self, of_type: Any, field_details_list: Any, build: Callable[[Any, Any], Convert]
    ) -> Convert | None:
        """The plan from the document's memo, else built (and kept there when it may be)."""
        memo, variant = self._memo, self._variant
        shared_key = None
        if memo is not None and variant is not None:
            group = _group_key(field_details_list)
            if group is not None:
                shared_key = (of_type, group, build.__name__, variant)
                try:
                    return memo.plans[shared_key]
                except KeyError:
                    pass
        try:
            convert: Convert | None = build(of_type, field_details_list)
        except _Bail:
            convert = None
        if shared_key is not None:
            assert memo is not None
            memo.keep(memo.plans, shared_key, convert)
        return convert

    def _convert(self, return_type: Any, field_details_list: Any) -> Convert:
        """The converter of values of ``return_type`` selected by ``field_details_list``;
        raises :class:`_Bail` when the selection is not one a plan covers."""
        nullable = not isinstance(return_type, GraphQLNonNull)
        inner = return_type if nullable else return_type.of_type
        if isinstance(inner, GraphQLList):
            return _list_of(self._convert(inner.of_type, field_details_list), nullable)
        if is_leaf_type(inner):
            leaf = _leaf(inner)
            return _nullable(leaf) if nullable else _non_null(leaf)
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            return _object(self._plan(inner, field_details_list), nullable)
        raise _Bail  # interfaces, unions, type checks

    def _plan(self, parent_type: GraphQLObjectType, field_details_list: Any) -> Plan:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            parent_type, field_details_list
        )
        if new_defer_usages:
            raise _Bail
        plan: list[tuple[str, str, int, Any]] = []
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                plan.append((response_name, "", _TYPENAME, parent_type.name))
                continue
            field_def = self.schema.get_field(parent_type, name)
            if field_def is None:
                continue  # graphql-core leaves it out too
            strawberry_field = (field_def.extensions or {}).get(
                GraphQLCoreConverter.DEFINITION_BACKREF
            )
            if (
                field_def.args
                or node.arguments
                or not getattr(field_def.resolve, "_is_default", False)
                or strawberry_field is None
                or strawberry_field.base_resolver is not None
                or strawberry_field.default_resolver is not read_field
            ):
                raise _Bail
            field_type: Any = field_def.type
            nullable = not isinstance(field_type, GraphQLNonNull)
            exact = _exact_type(field_type if nullable else field_type.of_type)
            python_name = strawberry_field.python_name
            if exact is not None:
                how = _EXACT_OR_NONE if nullable else _EXACT
                plan.append((response_name, python_name, how, exact))
            else:
                plan.append(
                    (response_name, python_name, _CONVERT, self._convert(field_type, details))
                )
        return tuple(plan)
