"""The bulk ingest use case: parse lines, hash and sign in batches, then one write per batch.

Papers files are ingested before citation files (whatever the argument order), so that citations
find their papers; within each group files keep their order. Per paper batch:

1. canonicalise and hash every paper (pure);
2. ask the store which ``(arXiv id, version)`` pairs are registered already: the same hash is
   *unchanged* (nothing is signed or written again -- this is what makes a re-run a no-op and a
   resumed run cheap); another hash is a *conflict* (first registration wins, reported);
3. sign the new ones (outside any transaction), then write the batch in ONE transaction.

These are the steps, and the functions, of ``registerPaper``
(:func:`pith_graph.service.registration.register_papers`): :func:`prepare`, the store's
``registered_versions``, :func:`registration_rows` (sign) and the paper writer
(:func:`pith_graph.store.paper_writer.write_papers`, one transaction; a racing writer of the same
version is found by the write itself: same content counts as unchanged, other content as a conflict).
Only the batching differs, and the grouping of many papers per transaction.

Citations are written in batches of ``edge_batch_size`` rows, one transaction each. A citation
whose citing paper is not registered is reported as skipped; one whose target is not registered
is kept as an unresolved reference (a ``Work``) and resolved when the paper arrives. The
batches log nothing; once all are written, each citing paper whose outgoing citations now differ
from its latest citations leaf gets one citations leaf, in the input order of the citing papers
(:func:`pith_graph.store.citation_writer.log_citation_changes`): the log does not depend on the
batch sizes, ``ingest --bulk`` writes the same leaves, and a re-run appends none.

Writes run on one background thread, one batch at a time and in order, while the next batch is
parsed, hashed and signed (the driver waits on the socket without the GIL): a batch's write
overlaps the preparation of the next, never another write. Which versions are registered is
known from the database (as it was before the batch) plus what this run has written, so the
overlap cannot hide a conflict.

Every line is accounted for: written, unchanged, or reported through :class:`Reporter` as
malformed (``--strict`` stops at the first) or skipped with a reason.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from neo4j import Driver

from pith_graph.core.signing import SigningKey
from pith_graph.ingest.errors import MalformedLine
from pith_graph.ingest.formats import (
    BadLine,
    CitationLine,
    Format,
    PaperLine,
    SkippedLine,
    parse_lines,
)
from pith_graph.ingest.reader import InputFile
from pith_graph.service.registration import Prepared, prepare, registration_rows
from pith_graph.store.citation_writer import add_citations, log_citation_changes
from pith_graph.store.integrity import record_source_claims
from pith_graph.store.paper_writer import PaperWrite, WriteStatus, registered_versions, write_papers

__all__ = ["IngestStats", "Ingestor", "Reporter", "order_files"]


@dataclass
class IngestStats:
    """What one run did, line by line."""

    papers_new: int = 0
    papers_unchanged: int = 0
    papers_conflicting: int = 0
    citations_written: int = 0
    citations_unresolved: int = 0
    malformed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: int = 0

    @property
    def papers_seen(self) -> int:
        return self.papers_new + self.papers_unchanged + self.papers_conflicting


class Reporter(Protocol):
    """Where the pipeline tells what happens (the CLI prints it; tests collect it)."""

    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, file: InputFile, stats: IngestStats) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...
    def problem(self, file: Path, line: int, kind: str, reason: str) -> None: ...


def order_files(files: Sequence[tuple[Path, Format]]) -> list[tuple[Path, Format]]:
    """Papers files first, then citation files; the given order within each group."""
    return [f for f in files if f[1].has_papers] + [f for f in files if not f[1].has_papers]


class Ingestor:
    """Runs the batches; one instance per run."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        key: SigningKey,
        reporter: Reporter,
        *,
        clock: Callable[[], datetime],
        strict: bool = False,
        batch_size: int = 5000,
        edge_batch_size: int = 20000,
        keep_written: bool = False,
    ) -> None:
        self.driver = driver
        self.database = database
        self.key = key
        self.reporter = reporter
        self.clock = clock
        self.strict = strict
        self.batch_size = batch_size
        self.edge_batch_size = edge_batch_size
        self.stats = IngestStats()
        # pith numbers this run registered, for callers that check what they wrote (harvest)
        self.written: list[str] | None = [] if keep_written else None
        # (arXiv id, version) -> canonical_sha256 of what this run has registered
        self._written: dict[tuple[str, int], str] = {}
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer")
        self._pending: tuple[Future[object], Callable[[object], None]] | None = None
        # source ids of the registered citing papers of this run, in input order
        self._citing: dict[str, None] = {}

    def run(self, files: Sequence[tuple[Path, Format]]) -> IngestStats:
        """Ingest ``files`` (papers files first); raises :class:`MalformedLine` under ``strict``."""
        try:
            try:
                for path, fmt in order_files(files):
                    self._ingest_file(InputFile(path), fmt)
            except MalformedLine:
                self._log_citations()  # the batches written before the line stay, logged
                raise
            self._log_citations()
        finally:
            try:
                self._wait()
            finally:
                self._writer.shutdown()
        return self.stats

    def _log_citations(self) -> None:
        """After every citation batch: one citations leaf per changed citing paper."""
        self._wait()
        if self._citing:
            log_citation_changes(self.driver, self.database, list(self._citing))

    def write_papers(self, origin: Path, lines: list[PaperLine]) -> None:
        """Register papers parsed elsewhere (a harvested page) like a batch of a papers file,
        and return once they are written; ``origin`` names them in problem reports."""
        self._write_papers(origin, lines)
        self._wait()

    def close(self) -> None:
        """Wait for the write in flight and stop the writer thread (``run`` does this itself)."""
        try:
            self._wait()
        finally:
            self._writer.shutdown()

    def _wait(self) -> None:
        """Wait for the write in flight (re-raising its error) and account for its outcome."""
        if self._pending is not None:
            future, done = self._pending
            self._pending = None
            done(future.result())

    def _submit(self, write: Callable[[], object], done: Callable[[object], None]) -> None:
        self._wait()
        self._pending = (self._writer.submit(write), done)

    def _ingest_file(self, file: InputFile, fmt: Format) -> None:
        self.reporter.start_file(file, fmt)
        papers: list[PaperLine] = []
        citations: list[CitationLine] = []
        last_report = 0.0
        for item in parse_lines(fmt, file.lines()):
            if isinstance(item, PaperLine):
                for warning in item.warnings:
                    self.stats.warnings += 1
                    self.reporter.problem(file.path, item.line, "warning", warning)
                papers.append(item)
                if len(papers) >= self.batch_size:
                    self._write_papers(file.path, papers)
                    papers = []
            elif isinstance(item, CitationLine):
                citations.append(item)
                if len(citations) >= self.edge_batch_size:
                    self._write_citations(file.path, citations)
                    citations = []
            elif isinstance(item, BadLine):
                self.stats.malformed += 1
                self.reporter.problem(file.path, item.line, "malformed", item.reason)
                if self.strict:
                    self._wait()
                    raise MalformedLine(str(file.path), item.line, item.reason)
            elif isinstance(item, SkippedLine):
                self._skip(file.path, item.line, item.reason)
            now = time.monotonic()
            if now - last_report >= 0.2:
                last_report = now
                self.reporter.progress(file, self.stats)
        self._write_papers(file.path, papers)
        self._write_citations(file.path, citations)
        self._wait()
        self.reporter.end_file(file, self.stats)

    def _skip(self, path: Path, line: int, reason: str) -> None:
        self.stats.skipped[reason] += 1
        self.reporter.problem(path, line, "skipped", reason)

    def _write_papers(self, path: Path, lines: list[PaperLine]) -> None:
        if not lines:
            return
        # 1. canonicalise and hash; the first line for an (id, version) in the batch wins.
        prepared: dict[tuple[str, int], tuple[PaperLine, Prepared]] = {}
        # Other sources' records of registered versions: kept for the metadata_conflict detector.
        claims: list[dict[str, str]] = []
        for item in lines:
            p = prepare(item.paper)
            key = (p.meta.source_id, p.meta.version)
            if key in prepared:
                first = prepared[key][1].digest.hex
                self._duplicate(path, item.line, first, p.digest.hex, key)
                if first != p.digest.hex:
                    claims.append(_claim(first, p, path, item.line))
                continue
            prepared[key] = (item, p)
        # 2. which are registered already: by this run, or before it
        keys = [k for k in prepared if k not in self._written]
        known = dict(zip(keys, registered_versions(self.driver, self.database, keys), strict=True))
        new = []
        for key, (item, p) in prepared.items():
            registered = known.get(key)
            if key in self._written:
                registered = (self._written[key], "a paper of this run")
            if registered is None:
                new.append(p)
                self._written[key] = p.digest.hex
            elif registered[0] == p.digest.hex:
                self.stats.papers_unchanged += 1
            else:
                self.stats.papers_conflicting += 1
                claims.append(_claim(registered[0], p, path, item.line))
                self.reporter.problem(
                    path,
                    item.line,
                    "skipped",
                    f"{key[0]}v{key[1]} is registered as {registered[1]} with other metadata",
                )
                self.stats.skipped["version registered with other metadata"] += 1
        # 3. sign outside the transaction, then one write
        rows = registration_rows(new, self.key, self.clock())

        def done(written: object) -> None:
            assert isinstance(written, list)
            for outcome in written:
                assert isinstance(outcome, PaperWrite)
                if outcome.status is WriteStatus.CREATED:
                    self.stats.papers_new += 1
                    if self.written is not None:
                        self.written.append(outcome.pith_number)
                elif outcome.status is WriteStatus.EXISTING:
                    self.stats.papers_unchanged += 1
                else:  # another writer registered this version meanwhile, with other content
                    self.stats.papers_conflicting += 1
                    self.stats.skipped["version registered with other metadata"] += 1

        def write() -> object:
            written = write_papers(self.driver, self.database, rows, refuse_conflicts=False)
            record_source_claims(self.driver, self.database, claims)
            return written

        self._submit(write, done)

    def _duplicate(
        self, path: Path, line: int, first: str, this: str, key: tuple[str, int]
    ) -> None:
        if first == this:
            self.stats.papers_unchanged += 1
        else:
            self.stats.papers_conflicting += 1
            self._skip(path, line, "version registered with other metadata")

    def _write_citations(self, path: Path, lines: list[CitationLine]) -> None:
        if not lines:
            return
        rows = [
            {
                "citing": c.citation.citing,
                "kind": c.citation.target_kind.value,
                "target": c.citation.target,
                "position": c.citation.position,
                "raw": c.citation.raw,
            }
            for c in lines
        ]

        def done(outcomes: object) -> None:
            assert isinstance(outcomes, list)
            for item, outcome in zip(lines, outcomes, strict=True):
                if not outcome.citing_found:
                    self._skip(path, item.line, "citing paper is not registered")
                    continue
                self._citing.setdefault(item.citation.citing)
                if outcome.resolved:
                    self.stats.citations_written += 1
                else:
                    self.stats.citations_unresolved += 1

        self._submit(
            lambda: add_citations(self.driver, self.database, rows, log_changes=False), done
        )


def _claim(registered_sha256: str, other: Prepared, path: Path, line: int) -> dict[str, str]:
    return {
        "paper_sha256": registered_sha256,
        "canonical_sha256": other.digest.hex,
        "canonical_json": other.data.decode("utf-8"),
        "source": f"{path.name}:{line}",
    }
