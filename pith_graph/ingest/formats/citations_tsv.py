"""Citation edge lists: tab-separated ``citing_arxiv_id cited_arxiv_id [...]`` (SNAP cit-HepTh).

``hepth_citations.tsv.gz`` has the header ``citing_arxiv_id cited_arxiv_id citing_snap_id
cited_snap_id``; extra columns are ignored, and a header line (first column not an arXiv id but
``citing_arxiv_id``) is skipped. The direction is citing -> cited (shared data README, finding 1).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from functools import lru_cache

from pith_graph.core._arxiv import normalise_arxiv
from pith_graph.ingest.formats._items import BadLine, Citation, CitationLine, Item, TargetKind

__all__ = ["HEADER_FIRST_COLUMN", "parse_citation_tsv_lines", "parse_citation_tsv_pairs"]

HEADER_FIRST_COLUMN = "citing_arxiv_id"

# Edge lists name each paper many times (352,807 edges over 27,770 ids): normalise each id once.
_normalise = lru_cache(maxsize=1 << 17)(normalise_arxiv)


def parse_citation_tsv_pairs(
    lines: Iterable[tuple[int, str]], canonical: Container[str] = ()
) -> Iterator[tuple[int, str, str] | BadLine]:
    """``(line number, citing id, cited id)`` per edge (canonical arXiv ids), or a
    :class:`BadLine`, per non-blank, non-header line: the rows without their objects, for a bulk
    import's hot loop. Ids in ``canonical`` (e.g. the registered source ids) are taken as they
    are: normalising a canonical id gives it back, and a million distinct ids defeat the cache."""
    cached = _normalise

    def normalise(text: str) -> tuple[str, int | None] | None:
        return (text, None) if text in canonical else cached(text)

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
        yield number, citing[0], cited[0]


def parse_citation_tsv_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Item]:
    """One :class:`CitationLine` or :class:`BadLine` per non-blank, non-header line."""
    arxiv = TargetKind.ARXIV
    for item in parse_citation_tsv_pairs(lines):
        if isinstance(item, tuple):
            number, citing, cited = item
            yield CitationLine(number, Citation(citing, arxiv, cited))
        else:
            yield item
