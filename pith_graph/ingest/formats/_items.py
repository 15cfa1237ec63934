"""The values every format parser yields, one per input line (or several for a paper line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pith_graph.core.metadata import PaperMetadata

__all__ = [
    "BadLine",
    "Citation",
    "CitationLine",
    "Item",
    "PaperLine",
    "SkippedLine",
    "TargetKind",
    "json_lines",
]


class TargetKind(StrEnum):
    """How a cited work is named: the arXiv id (unversioned) or a DOI (lower case)."""

    ARXIV = "arxiv"
    DOI = "doi"


@dataclass(frozen=True, slots=True)
class Citation:
    """``citing`` (an arXiv id) cites the work ``target_kind:target``."""

    citing: str
    target_kind: TargetKind
    target: str
    position: int | None = None
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class PaperLine:
    """A line that gave one paper version; ``warnings`` say what was repaired or left out."""

    line: int
    paper: PaperMetadata
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CitationLine:
    line: int
    citation: Citation


@dataclass(frozen=True, slots=True)
class BadLine:
    """A malformed line: skipped and reported (``--strict`` stops at the first)."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A well-formed line that carries nothing this registry can store; ``reason`` says why."""

    line: int
    reason: str


Item = PaperLine | CitationLine | BadLine | SkippedLine


def json_lines(
    lines: Iterable[tuple[int, str]], *, objects: bool = True
) -> Iterator[tuple[int, Any] | BadLine]:
    """Each non-blank line of a JSON-lines file as ``(number, value)``, or the :class:`BadLine`
    of a line that is not JSON (with ``objects``, of one that is not a JSON object either)."""
    for number, text in lines:
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            yield BadLine(number, f"not valid JSON: {exc}")
            continue
        if objects and not isinstance(value, dict):
            yield BadLine(number, f"expected a JSON object, got {type(value).__name__}")
            continue
        yield number, value
