"""Progress output for ingest: a ``rich`` bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pith_graph.ingest.formats import Format
from pith_graph.ingest.pipeline import IngestStats
from pith_graph.ingest.reader import InputFile

__all__ = ["ConsoleReporter"]

# Per-line problem messages beyond this many per kind are counted, not printed, unless --verbose.
_PRINT_LIMIT = 20


def _rates(stats: IngestStats, elapsed: float) -> str:
    elapsed = max(elapsed, 1e-9)
    edges = stats.citations_written + stats.citations_unresolved
    return (
        f"papers {stats.papers_seen} ({stats.papers_seen / elapsed:,.0f}/s) "
        f"edges {edges} ({edges / elapsed:,.0f}/s)"
    )


class ConsoleReporter:
    """Prints progress and problems; ``tty`` picks the rich bar or plain lines."""

    def __init__(
        self,
        out: TextIO | None = None,
        err: TextIO | None = None,
        *,
        tty: bool | None = None,
        interval: float = 5.0,
        verbose: bool = False,
    ) -> None:
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.tty = self.err.isatty() if tty is None else tty
        self.interval = interval
        self.verbose = verbose
        self.printed: dict[str, int] = {}
        self.started = time.monotonic()
        self._file_started = self.started
        self._last_line = 0.0
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start_file(self, file: InputFile, fmt: Format) -> None:
        self._file_started = time.monotonic()
        if self.tty:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rates]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.err),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                f"{file.path.name} [{fmt}]", total=file.size, rates=""
            )
        else:
            print(f"ingest: {file.path} ({fmt}, {file.size:,} bytes)", file=self.err, flush=True)
            self._last_line = time.monotonic()

    def progress(self, file: InputFile, stats: IngestStats) -> None:
        now = time.monotonic()
        rates = _rates(stats, now - self.started)
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=file.position, rates=rates)
        elif now - self._last_line >= self.interval:
            self._last_line = now
            done = file.position / file.size if file.size else 1.0
            spent = now - self._file_started
            eta = spent / done - spent if done > 0 else 0.0
            print(
                f"ingest: {file.path.name} {done:6.1%} {rates} eta {eta:,.0f}s",
                file=self.err,
                flush=True,
            )

    def end_file(self, file: InputFile, stats: IngestStats) -> None:
        rates = _rates(stats, time.monotonic() - self.started)
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=file.size, rates=rates)
            self._progress.stop()
            self._progress = None
        else:
            print(f"ingest: {file.path.name} done; {rates}", file=self.err, flush=True)

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        count = self.printed.get(kind, 0) + 1
        self.printed[kind] = count
        if kind == "malformed" or self.verbose or count <= _PRINT_LIMIT:
            message = f"{file}:{line}: {kind}: {reason}"
            if self._progress is not None:
                self._progress.console.print(message, markup=False, highlight=False)
            else:
                print(message, file=self.err, flush=True)
        elif count == _PRINT_LIMIT + 1:
            print(
                f"ingest: further '{kind}' lines are counted in the summary (--verbose lists all)",
                file=self.err,
                flush=True,
            )

    def summary(self, stats: IngestStats, counts: dict[str, int]) -> None:
        elapsed = time.monotonic() - self.started
        lines = [
            f"papers:     {stats.papers_new} new, {stats.papers_unchanged} unchanged, "
            f"{stats.papers_conflicting} conflicting (graph: {counts['papers']})",
            f"edges:      {stats.citations_written} to papers, {stats.citations_unresolved} "
            f"unresolved (graph: {counts['citations']} citations)",
            f"unresolved references in graph: {counts['unresolved']} (to {counts['works']} works)",
            f"rejected lines: {stats.malformed} malformed, {sum(stats.skipped.values())} skipped",
        ]
        lines += [f"  skipped: {n} x {reason}" for reason, n in sorted(stats.skipped.items())]
        if stats.warnings:
            lines.append(f"warnings: {stats.warnings} (repaired or left-out fields)")
        lines.append(f"time: {elapsed:.1f} s; {_rates(stats, elapsed)}")
        print("\n".join(lines), file=self.out, flush=True)
