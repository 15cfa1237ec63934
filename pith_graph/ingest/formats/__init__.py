"""Input formats: detection from the first line, and one pure line parser per format.

Parsers take ``(line number, text)`` pairs and yield one item per meaningful line (see
:mod:`._items`); they never open files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum

from pith_graph.ingest.formats._items import (
    BadLine,
    Citation,
    CitationLine,
    Item,
    PaperLine,
    SkippedLine,
    TargetKind,
)
from pith_graph.ingest.formats.arxiv_metadata import parse_arxiv_metadata_lines
from pith_graph.ingest.formats.citations_tsv import HEADER_FIRST_COLUMN, parse_citation_tsv_lines
from pith_graph.ingest.formats.s2_records import parse_s2_record_lines
from pith_graph.ingest.formats.unarxive_refs import parse_unarxive_reference_lines

__all__ = [
    "BadLine",
    "Citation",
    "CitationLine",
    "Format",
    "Item",
    "PaperLine",
    "SkippedLine",
    "TargetKind",
    "detect_format",
    "parse_lines",
]


class Format(StrEnum):
    """The ``--format`` names."""

    ARXIV_METADATA = "arxiv-metadata"
    CITATIONS_TSV = "citations-tsv"
    UNARXIVE_REFERENCES = "unarxive-references"
    S2_RECORDS = "s2-records"

    @property
    def has_papers(self) -> bool:
        return self is Format.ARXIV_METADATA


_PARSERS: dict[Format, Callable[[Iterable[tuple[int, str]]], Iterator[Item]]] = {
    Format.ARXIV_METADATA: parse_arxiv_metadata_lines,
    Format.CITATIONS_TSV: parse_citation_tsv_lines,
    Format.UNARXIVE_REFERENCES: parse_unarxive_reference_lines,
    Format.S2_RECORDS: parse_s2_record_lines,
}


def parse_lines(fmt: Format, lines: Iterable[tuple[int, str]]) -> Iterator[Item]:
    """Parse ``(number, text)`` lines of a file in format ``fmt``."""
    return _PARSERS[fmt](lines)


def detect_format(first_line: str) -> Format | None:
    """The format a file's first non-blank line belongs to, or None when it matches none."""
    text = first_line.strip()
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        if "citing_arxiv_id" in obj and "ids" in obj:
            return Format.UNARXIVE_REFERENCES
        if "paperId" in obj and "externalIds" in obj:
            return Format.S2_RECORDS
        if "id" in obj and "versions" in obj:
            return Format.ARXIV_METADATA
        return None
    columns = text.split("\t")
    if len(columns) >= 2 and (columns[0] == HEADER_FIRST_COLUMN or "/" in columns[0] or "." in columns[0]):
        return Format.CITATIONS_TSV
    return None
