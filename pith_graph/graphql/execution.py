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
completed by the same kind of plan when its selection qualifies. Anything the plan does not cover (a resolver, a field argument, ``@defer``, an
abstract type, a value of an unexpected type, a null in a non-null position) sends the whole list
back to graphql-core's own completion, which gives the same answer and the same errors it always
did: the plan only reads attributes, so a list can be completed again from the start.
"""

from __future__ import annotations

from collections.abc import Callable
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

__all__ = ["PithExecution"]

_MAX_INT = 2**31 - 1
_MIN_INT = -(2**31)


class _Bail(Exception):
    """The plan does not cover this value: complete the list the general way."""


Convert = Callable[[Any], Any]
# (response key, attribute name or None for __typename, convert or the type name)
Plan = tuple[tuple[str, str | None, Any], ...]


def _leaf(return_type: Any) -> Convert:
    """A non-null leaf: the value as graphql-core would serialise it."""
    if return_type is GraphQLString or return_type is GraphQLID:
        exact: type = str
    elif return_type is GraphQLBoolean:
        exact = bool
    elif return_type is GraphQLFloat:
        exact = float
    elif return_type is GraphQLInt:

        def convert_int(value: Any) -> Any:
            if type(value) is int and _MIN_INT <= value <= _MAX_INT:
                return value
            raise _Bail

        return convert_int
    else:
        coerce = return_type.coerce_output_value

        def convert_other(value: Any) -> Any:
            try:
                coerced = coerce(value)
            except Exception as exc:
                raise _Bail from exc
            if coerced is None:
                raise _Bail
            return coerced

        return convert_other

    def convert_exact(value: Any) -> Any:
        if type(value) is exact:
            return value
        raise _Bail

    return convert_exact


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


def _list_of(convert: Convert) -> Convert:
    def convert_list(value: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            raise _Bail
        return [convert(item) for item in value]

    return convert_list


def _object(plan: Plan) -> Convert:
    def convert_object(value: Any) -> Any:
        out: dict[str, Any] = {}
        for key, attribute, convert in plan:
            out[key] = convert if attribute is None else convert(getattr(value, attribute))
        return out

    return convert_object


class PithExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution, with lists of plain objects completed by a compiled plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id of the field group, plan kind) -> (the field group, kept alive; converter)
        self._plans: dict[tuple[Any, int, str], tuple[Any, Convert | None]] = {}

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
        return _object(self._plan(return_type, field_details_list))

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
                try:
                    convert = build(of_type, field_details_list)
                except _Bail:
                    convert = None
            cached = (field_details_list, convert)
            self._plans[key] = cached
        return cached[1]

    def _convert(self, return_type: Any, field_details_list: Any) -> Convert:
        """The converter of values of ``return_type`` selected by ``field_details_list``;
        raises :class:`_Bail` when the selection is not one a plan covers."""
        if isinstance(return_type, GraphQLNonNull):
            return _non_null(self._convert_inner(return_type.of_type, field_details_list))
        return _nullable(self._convert_inner(return_type, field_details_list))

    def _convert_inner(self, return_type: Any, field_details_list: Any) -> Convert:
        if isinstance(return_type, GraphQLList):
            return _list_of(self._convert(return_type.of_type, field_details_list))
        if is_leaf_type(return_type):
            return _leaf(return_type)
        if isinstance(return_type, GraphQLObjectType) and return_type.is_type_of is None:
            return _object(self._plan(return_type, field_details_list))
        raise _Bail  # interfaces, unions, type checks

    def _plan(self, parent_type: GraphQLObjectType, field_details_list: Any) -> Plan:
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            parent_type, field_details_list
        )
        if new_defer_usages:
            raise _Bail
        plan: list[tuple[str, str | None, Any]] = []
        for response_name, details in grouped_field_set.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                plan.append((response_name, None, parent_type.name))
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
                or strawberry_field.default_resolver is not getattr
            ):
                raise _Bail
            plan.append(
                (
                    response_name,
                    strawberry_field.python_name,
                    self._convert(field_def.type, details),
                )
            )
        return tuple(plan)
