"""Reading input files: plain or gzip (detected by the magic bytes, not the name), line by line."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from pith_graph.ingest.errors import UnknownFormat
from pith_graph.ingest.formats import Format, detect_format

__all__ = ["InputFile", "block_lines", "open_text", "sniff_format"]

_GZIP_MAGIC = b"\x1f\x8b"


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as probe:
        return probe.read(2) == _GZIP_MAGIC


def open_text(path: Path) -> IO[str]:
    """The file as UTF-8 text, decompressed when it is gzip."""
    if _is_gzip(path):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="\n")
    return path.open("r", encoding="utf-8", newline="\n")


class InputFile:
    """One input file: its lines, numbered from 1, and how far into the (compressed) bytes we are."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._raw: BinaryIO | None = None

    @property
    def position(self) -> int:
        """Bytes of the file on disk read so far (the progress measure, gzip or not)."""
        if self._raw is None or self._raw.closed:
            return self.size
        return self._raw.tell()

    def blocks(self, size: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
        """The file in blocks of whole lines, about ``size`` bytes each, with the number of each
        block's first line: what worker processes split into the lines :meth:`lines` gives (one
        bytes object crosses the process boundary, not a tuple per line)."""
        with self.path.open("rb") as raw:
            self._raw = raw
            binary: io.BufferedIOBase = gzip.GzipFile(fileobj=raw) if _is_gzip(self.path) else raw
            number, rest = 1, b""
            while True:
                data = binary.read(size)
                if not data:
                    break
                data = rest + data
                end = data.rfind(b"\n") + 1
                if end == 0:
                    rest = data
                    continue
                block, rest = data[:end], data[end:]
                yield number, block
                number += block.count(b"\n")
            if rest:
                yield number, rest

    def lines(self) -> Iterator[tuple[int, str]]:
        with self.path.open("rb") as raw:
            self._raw = raw
            binary = gzip.GzipFile(fileobj=raw) if _is_gzip(self.path) else raw
            with io.TextIOWrapper(binary, encoding="utf-8", newline="\n") as text:
                yield from enumerate(text, start=1)


def block_lines(number: int, block: bytes) -> list[tuple[int, str]]:
    """The numbered lines of one :meth:`InputFile.blocks` block, as :meth:`InputFile.lines`
    gives them (UTF-8, split at ``\\n`` only, each with its newline)."""
    text = block.decode("utf-8")
    parts = text.split("\n")
    last = parts.pop()
    out = [(number + i, line + "\n") for i, line in enumerate(parts)]
    if last:
        out.append((number + len(parts), last))
    return out


def sniff_format(path: Path) -> Format:
    """Detect the format of ``path`` from its first non-blank, non-``#`` line; raises
    :class:`UnknownFormat`."""
    try:
        with open_text(path) as handle:
            for line in handle:
                if line.strip() and not line.startswith("#"):
                    fmt = detect_format(line)
                    if fmt is None:
                        raise UnknownFormat(
                            str(path),
                            f"first line matches no known format ({', '.join(Format)}); "
                            "name it with --format",
                        )
                    return fmt
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise UnknownFormat(str(path), f"cannot be read: {exc}") from exc
    raise UnknownFormat(str(path), "is empty")
