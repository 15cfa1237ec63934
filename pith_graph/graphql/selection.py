"""What a GraphQL request selects, and which store projection of a paper answers it.

Resolvers read the selection of the current field (fragments included) to ask the store for no
more than the fields need: a brief, listing or full paper row, the record document only when a
document field is asked, a page's totals and facets only when selected.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment

from pith_graph.graphql.context import Context
from pith_graph.store.resolve import Projection

__all__ = ["asks_for", "fields_under", "paper_projection", "wants_document"]


def _collect(selections: list[Any], path: tuple[str, ...], into: set[str]) -> None:
    for sel in selections:
        if isinstance(sel, (InlineFragment, FragmentSpread)):
            _collect(sel.selections, path, into)
        elif not path:
            into.add(sel.name)
        elif sel.name == path[0]:
            _collect(sel.selections, path[1:], into)


def _names_under(info: Info[Context, None] | list[Any], path: tuple[str, ...]) -> set[str]:
    """The field names selected under ``path`` of the current field (or of the given selected
    fields), fragments included."""
    names: set[str] = set()
    for field in info if isinstance(info, list) else info.selected_fields:
        _collect(field.selections, path, names)
    return names


def asks_for(info: Info[Context, None] | list[Any], *path: str) -> bool:
    """Does the current field's selection ask for ``path``, e.g. ``("facets",)`` or
    ``("edges", "node", "aliases")``?"""
    return path[-1] in _names_under(info, path[:-1])


def fields_under(info: Info[Context, None], path: tuple[str, ...]) -> list[Any]:
    """The selected fields at ``path`` under the current field (e.g. ``("paper", "references")``),
    fragments included, with their arguments."""
    level = list(info.selected_fields)
    for name in path:
        found: list[Any] = []
        stack = [sel for field in level for sel in field.selections]
        while stack:
            sel = stack.pop()
            if isinstance(sel, (InlineFragment, FragmentSpread)):
                stack.extend(sel.selections)
            elif sel.name == name:
                found.append(sel)
        level = found
    return level


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
    return any(_names_under(info, path) & _DOCUMENT_FIELDS for path in paths)


def paper_projection(
    info: Info[Context, None] | list[Any], *paths: tuple[str, ...]
) -> Projection:
    """Which properties the papers under ``paths`` of the current field (e.g. ``("paper",)``)
    need: ``"full"`` for a field built from the whole row, ``"brief"`` when a brief row
    answers every field asked, else ``"listing"`` (so a new field is safe by default)."""
    asked = set().union(*(_names_under(info, path) for path in paths))
    if asked & _WHOLE_ROW:
        return "full"
    return "brief" if asked <= _BRIEF_FIELDS | _OWN_READS else "listing"
