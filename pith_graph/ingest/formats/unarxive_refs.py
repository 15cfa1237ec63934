"""unarXive reference lists: one bib entry a line, ``citing_arxiv_id, bib_key, ids{...}, bib_entry_raw``.

Each entry becomes a citation from the citing arXiv paper to the cited work named by its arXiv id
(preferred: it is what the registry keys on) or else its DOI. ``position`` is the entry's 1-based
order among the citing paper's entries in the file; ``raw`` is ``bib_entry_raw``. Entries with
neither an arXiv id nor a DOI (OpenAlex or PubMed only) are skipped with that reason.
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

__all__ = ["NO_IDENTIFIER", "parse_unarxive_reference_lines"]

NO_IDENTIFIER = "reference has neither an arXiv id nor a DOI"
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def parse_unarxive_reference_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Item]:
    positions: dict[str, int] = {}
    for line in json_lines(lines):
        if isinstance(line, BadLine):
            yield line
            continue
        number, obj = line
        citing_raw = obj.get("citing_arxiv_id")
        citing = normalise_arxiv(citing_raw.strip()) if isinstance(citing_raw, str) else None
        if citing is None:
            yield BadLine(number, f"citing_arxiv_id {citing_raw!r} is not an arXiv id")
            continue
        ids = obj.get("ids")
        if ids is None:  # unarXive writes null when it resolved the entry to nothing
            ids = {}
        if not isinstance(ids, dict):
            yield BadLine(number, f"ids: expected an object, got {ids!r}")
            continue
        raw = obj.get("bib_entry_raw")
        raw_text = raw if isinstance(raw, str) and raw.strip() else None
        position = positions.get(citing[0], 0) + 1
        positions[citing[0]] = position
        target = _target(ids)
        if target is None:
            yield SkippedLine(number, NO_IDENTIFIER)
            continue
        kind, value = target
        yield CitationLine(number, Citation(citing[0], kind, value, position, raw_text))


def _target(ids: dict[str, Any]) -> tuple[TargetKind, str] | None:
    arxiv = ids.get("arxiv_id")
    if isinstance(arxiv, str) and arxiv.strip():
        parsed = normalise_arxiv(arxiv.strip())
        if parsed is not None:
            return TargetKind.ARXIV, parsed[0]
    doi = ids.get("doi")
    if isinstance(doi, str):
        doi = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", doi.strip(), flags=re.IGNORECASE)
        if _DOI.fullmatch(doi):
            return TargetKind.DOI, doi.lower()
    return None
