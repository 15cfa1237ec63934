"""Semantic Scholar Graph API records, flattened (``s2_turing1950_records``).

Lines: ``paperId, externalIds{ArXiv, DOI, ...}, title, year, authors, relation`` with ``relation``
one of ``root``, ``cites_root`` (this paper cites the root) and ``cited_by_root`` (the root cites
it). The records carry no arXiv metadata (no abstract, categories or versions), so they cannot
register papers. What they can give is citation edges whose citing side is an arXiv paper:

- ``cites_root`` with an ArXiv id -> a citation from that arXiv id to the root (by the root's
  arXiv id if it has one, else its DOI);
- ``cited_by_root`` when the root has an ArXiv id -> a citation from the root to this record;
- everything else is skipped with its reason (no ArXiv id on the citing side, no identifier on
  the cited side). The root line itself is skipped as "the root paper itself".

The root must come before the records that relate to it (it is the first line of the file); a
``cites_root``/``cited_by_root`` line before any root is malformed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pith_graph.core._arxiv import normalise_arxiv
from pith_graph.ingest.formats._items import (
    BadLine,
    Citation,
    CitationLine,
    Item,
    SkippedLine,
    TargetKind,
    json_lines,
)

__all__ = ["parse_s2_record_lines"]

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_RELATIONS = ("root", "cites_root", "cited_by_root")


def _identifier(external: dict[str, Any]) -> tuple[TargetKind, str] | None:
    arxiv = external.get("ArXiv")
    if isinstance(arxiv, str):
        parsed = normalise_arxiv(arxiv.strip())
        if parsed is not None:
            return TargetKind.ARXIV, parsed[0]
    doi = external.get("DOI")
    if isinstance(doi, str) and _DOI.fullmatch(doi.strip()):
        return TargetKind.DOI, doi.strip().lower()
    return None


def parse_s2_record_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Item]:
    root: tuple[TargetKind, str] | None = None
    root_seen = False
    for line in json_lines(lines):
        if isinstance(line, BadLine):
            yield line
            continue
        number, obj = line
        relation = obj.get("relation")
        external = obj.get("externalIds") or {}
        if relation not in _RELATIONS or not isinstance(external, dict):
            yield BadLine(number, f"relation {relation!r} is not one of {', '.join(_RELATIONS)}")
            continue
        this = _identifier(external)
        if relation == "root":
            root, root_seen = this, True
            yield SkippedLine(number, "the root paper itself (no arXiv metadata to register)")
            continue
        if not root_seen:
            yield BadLine(number, f"{relation!r} record before the root record")
            continue
        if relation == "cites_root":
            citing, cited = this, root
        else:
            citing, cited = root, this
        if citing is None or citing[0] is not TargetKind.ARXIV:
            yield SkippedLine(number, "citing paper has no arXiv id")
        elif cited is None:
            yield SkippedLine(number, "cited paper has neither an arXiv id nor a DOI")
        else:
            yield CitationLine(number, Citation(citing[1], cited[0], cited[1]))
