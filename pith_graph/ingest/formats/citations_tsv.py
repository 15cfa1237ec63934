"""Citation edge lists: tab-separated ``citing_arxiv_id cited_arxiv_id [...]`` (SNAP cit-HepTh).

``hepth_citations.tsv.gz`` has the header ``citing_arxiv_id cited_arxiv_id citing_snap_id
cited_snap_id``; extra columns are ignored, and a header line (first column not an arXiv id but
``citing_arxiv_id``) is skipped. The direction is citing -> cited (shared data README, finding 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from pith_graph.core._arxiv import normalise_arxiv
from pith_graph.ingest.formats._items import BadLine, Citation, CitationLine, Item, TargetKind

__all__ = ["HEADER_FIRST_COLUMN", "parse_citation_tsv_lines"]

HEADER_FIRST_COLUMN = "citing_arxiv_id"

# Edge lists name each paper many times (352,807 edges over 27,770 ids): normalise each id once.
_normalise = lru_cache(maxsize=1 << 17)(normalise_arxiv)


def parse_citation_tsv_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Item]:
    """One :class:`CitationLine` or :class:`BadLine` per non-blank, non-header line."""
    # The hot loop of a bulk ingest (one pass per edge): locals, and ids normalised once each.
    normalise = _normalise
    arxiv = TargetKind.ARXIV
    for number, text in lines:
        if not text.strip() or text.startswith("#"):
            continue
        columns = text.rstrip("\r\n").split("\t", 2)
        if len(columns) < 2:
            yield BadLine(number, f"expected 'citing<TAB>cited', got {text.strip()!r}")
            continue
        first = columns[0]
        if first == HEADER_FIRST_COLUMN:
            continue
        citing = normalise(first.strip())
        if citing is None:
            yield BadLine(number, f"citing {first!r} is not an arXiv id")
            continue
        cited = normalise(columns[1].strip())
        if cited is None:
            yield BadLine(number, f"cited {columns[1]!r} is not an arXiv id")
            continue
        yield CitationLine(number, Citation(citing[0], arxiv, cited[0]))
