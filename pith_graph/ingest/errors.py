"""Errors of the ingest layer.

::

    IngestError
    ├── MalformedLine (ValueError)   one input line that cannot be parsed; file, line, reason
    └── UnknownFormat (ValueError)   a file whose format cannot be detected (or --format is wrong)
"""

from __future__ import annotations

__all__ = ["IngestError", "MalformedLine", "UnknownFormat"]


class IngestError(Exception):
    """Root of every error raised by :mod:`pith_graph.ingest`."""


class MalformedLine(IngestError, ValueError):
    """A line that cannot be parsed: ``file:line: reason``."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        super().__init__(f"{file}:{line}: {reason}")


class UnknownFormat(IngestError, ValueError):
    """The format of a file cannot be detected from its first line; name it with --format."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")
