"""What a GraphQL request selects, and which store projection of a paper answers it.

Resolvers read the selection of the current field (fragments included) to ask the store for no
more than the fields need: a brief, listing or full paper row, the record document only when a
document field is asked, a page's totals and facets only when selected.

What a selection holds depends only on the document (directives are not read: a field under a
``@skip`` is still counted, which reads at most a little more), so for a document the schema
keeps it is found once, in the document's memo (:attr:`Context.document_memo`), keyed by the
syntax nodes of the current field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, convert_selections

from pith_graph.graphql.context import Context
from pith_graph.graphql.execution import DocumentMemo
from pith_graph.store.resolve import Projection

__all__ = ["asks_for", "fields_under", "paper_projection", "wants_document"]

T = TypeVar("T")


def _collect(selections: list[Any], path: tuple[str, ...], into: set[str]) -> None:
    for sel in selections:
        if isinstance(sel, (InlineFragment, FragmentSpread)):
            _collect(sel.selections, path, into)
        elif not path:
            into.add(sel.name)
        elif sel.name == path[0]:
            _collect(sel.selections, path[1:], into)


def _once_per_document(raw: Any, what: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, found once for every request of a kept document: keyed by ``what`` (the
    question and its paths) and the current field's syntax nodes; computed anew otherwise."""
    memo: DocumentMemo | None = getattr(raw.context, "document_memo", None)
    if memo is None:
        return compute()
    return memo.derived((*what, tuple(map(id, raw.field_nodes))), compute)  # type: ignore[no-any-return]


def _names_under(
    info: Info[Context, None] | list[Any], path: tuple[str, ...]
) -> set[str] | frozenset[str]:
    """The field names selected under ``path`` of the current field (or of the given selected
    fields), fragments included."""
    if isinstance(info, list):
        names: set[str] = set()
        for field in info:
            _collect(field.selections, path, names)
        return names
    # The syntax tree itself, not strawberry's ``selected_fields``: that converts the whole
    # selection (arguments and directives of every node) into new objects on each request.
    raw = info._raw_info
    return _once_per_document(raw, ("names", path), lambda: _node_names_under(raw, path))


def _node_names_under(raw: Any, path: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for node in raw.field_nodes:
        if node.selection_set is not None:
            _collect_nodes(raw, node.selection_set.selections, path, names)
    return frozenset(names)


def _collect_nodes(
    raw: Any,
    selections: Any,
    path: tuple[str, ...],
    into: set[str],
) -> None:
    for sel in selections:
        if isinstance(sel, FieldNode):
            if not path:
                into.add(sel.name.value)
            elif sel.name.value == path[0] and sel.selection_set is not None:
                _collect_nodes(raw, sel.selection_set.selections, path[1:], into)
        else:
            inner = _fragment_selections(raw, sel)
            _collect_nodes(raw, inner, path, into)


def _fragment_selections(raw: Any, sel: SelectionNode) -> Any:
    """The selections of an inline fragment or of the fragment a spread names."""
    if isinstance(sel, InlineFragmentNode):
        return sel.selection_set.selections
    if isinstance(sel, FragmentSpreadNode):
        fragment = raw.fragments.get(sel.name.value)
        return fragment.selection_set.selections if fragment is not None else ()
    return ()


def asks_for(info: Info[Context, None] | list[Any], *path: str) -> bool:
    """Does the current field's selection ask for ``path``, e.g. ``("facets",)`` or
    ``("edges", "node", "aliases")``?"""
    return path[-1] in _names_under(info, path[:-1])


def fields_under(info: Info[Context, None], path: tuple[str, ...]) -> list[Any]:
    """The selected fields at ``path`` under the current field (e.g. ``("paper", "references")``),
    fragments included, with their arguments."""
    # Found in the syntax tree; only the fields found are converted to strawberry's selected
    # fields (with their arguments' values, which the request's variables give).
    if not path:
        return list(info.selected_fields)
    raw = info._raw_info
    level = _once_per_document(raw, ("nodes", path), lambda: _nodes_at(raw, path))
    return list(convert_selections(raw, level)) if level else []


def _nodes_at(raw: Any, path: tuple[str, ...]) -> tuple[FieldNode, ...]:
    level: list[FieldNode] = list(raw.field_nodes)
    for name in path:
        found: list[FieldNode] = []
        stack: list[Any] = [
            sel for field in level if field.selection_set for sel in field.selection_set.selections
        ]
        while stack:
            sel = stack.pop()
            if isinstance(sel, FieldNode):
                if sel.name.value == name:
                    found.append(sel)
            else:
                stack.extend(_fragment_selections(raw, sel))
        level = found
        if not level:
            return ()
    return tuple(level)


# Paper fields a brief row answers (store.papers.PAPER_BRIEF) ...
_BRIEF_FIELDS = frozenset(
    [
        "__typename",
        "pithNumber",
        "shortPithNumber",
        "pithBody",
        "canonicalSha256",
        "source",
        "title",
        "primaryCat",
        "submittedAt",
        "year",
        "isLatest",
    ]
)
# ... fields that read what they show by pith number, whatever the row holds ...
_OWN_READS = frozenset(
    [
        "receipt",
        "aliases",
        "claims",
        "events",
        "references",
        "citations",
        "citationsByYear",
        "related",
    ]
)
# ... and fields built from the whole row (abstract, canonical JSON): a lookup whose selection
# names one reads every property at once, not the listing first and the rest again.
_WHOLE_ROW = frozenset(
    [
        "abstract",
        "canonicalRecord",
        "record",
        "verificationStatus",
        "eventSummary",
        "attestationState",
        "graphSnapshot",
        "links",
    ]
)


# Paper fields built from the record document (one query reads what it needs beyond the row,
# the receipt, aliases and claims included: service.events.record_status).
_DOCUMENT_FIELDS = frozenset(
    [
        "record",
        "verificationStatus",
        "eventSummary",
        "attestationState",
        "graphSnapshot",
        "integrity",
        "links",
        "events",
    ]
)


def wants_document(info: Info[Context, None], *paths: tuple[str, ...]) -> bool:
    """Do the papers under ``paths`` of the current field select a record document field?"""
    return _once_per_document(info._raw_info, ("document", paths), lambda: _wants_document(info, paths))


def _wants_document(info: Info[Context, None], paths: tuple[tuple[str, ...], ...]) -> bool:
    return any(_names_under(info, path) & _DOCUMENT_FIELDS for path in paths)


def paper_projection(
    info: Info[Context, None] | list[Any], *paths: tuple[str, ...]
) -> Projection:
    """Which properties the papers under ``paths`` of the current field (e.g. ``("paper",)``)
    need: ``"full"`` for a field built from the whole row, ``"brief"`` when a brief row
    answers every field asked, else ``"listing"`` (so a new field is safe by default)."""
    if isinstance(info, list):
        return _projection(info, paths)
    return _once_per_document(info._raw_info, ("projection", paths), lambda: _projection(info, paths))


_BRIEF_ANSWERS = _BRIEF_FIELDS | _OWN_READS


def _projection(info: Info[Context, None] | list[Any], paths: tuple[tuple[str, ...], ...]) -> Projection:
    asked = set().union(*(_names_under(info, path) for path in paths))
    if asked & _WHOLE_ROW:
        return "full"
    return "brief" if asked <= _BRIEF_ANSWERS else "listing"
