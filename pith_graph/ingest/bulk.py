"""Bulk import into an empty registry: the graph ``ingest`` would write, loaded by Neo4j's importer.

``pith-graph ingest --bulk FILE…`` takes the inputs of ``ingest`` and writes exactly the graph the
transactional path writes (the content-hash test holds the two equal), much faster: Python does
the canonicalising, hashing, signing and log-leaf building (the ingest's own functions, in
parallel processes), then writes the CSV files of ``neo4j-admin database import full`` for every
node and relationship of the graph model, and Neo4j's offline importer builds the store. Phases:

1. ``papers``: every line of the papers files is parsed, canonicalised, hashed, signed and
   formatted in worker processes (:func:`pith_graph.service.registration.registration_rows`, the
   rows the paper writer stores); the main process keeps the transactional path's rules in input
   order: the first line of a version wins, the same content again is *unchanged*, other content
   a *conflict* (reported, and kept as a ``(:SourceClaim)`` of the registered version, as the
   ingest does); new papers get their log index in that order. Receipts, log entries,
   aliases (one node per kind and value, linked to every paper naming it) and their
   relationships are written here; version links (``SUPERSEDES``, ``is_latest``) at the end.
2. ``citations``: the citation files, resolved like the citation writer does (from and to the
   latest registered version; a DOI through its alias, the lowest pith number of the latest
   versions; otherwise a ``Work``); one edge per pair, the last row's ``position``/``raw``; the
   four sort keys of every edge; citation and reference counts.
   Rows are resolved in worker processes forked with the graph of phase 1; the edges are made
   unique with numpy and their lines written in parallel parts. Then the citations leaves the
   ingest appends once its batches are written
   (:func:`pith_graph.store.citation_writer.log_citation_changes`): one per citing paper, in the
   input order of the citing papers, after every receipt, built in parallel parts.
3. ``nodes``: the Paper file, now that ``is_latest`` and the counts are known, and the
   aggregate cells (``PaperCell``, ``CitationCell``, ``CitationCountCell``, each paper's
   ``count_cell``): what :func:`pith_graph.store.counts.rebuild_cells` would build from the
   loaded graph.
4. ``import``: ``org.neo4j.cli.AdminTool database import full`` on the launcher's classpath,
   into a temporary store; node ids are given as the importer's actual ids (no id mapping).
5. ``schema``: the temporary store is started on a free port (two threads per index
   population), every migration's constraints and indexes are created
   (:func:`~pith_graph.store.migrations.apply_schema_for_bulk_load`), and while they populate
   the empty lists the importer cannot write are set (on the papers without the property, in
   two concurrent transactions); then the counts are checked against phases 1 and 2 (from the
   database's count store).
6. ``swap``: the temporary store is renamed into place.

A run interrupted at any point leaves the registry's store absent (or as it was: empty) or whole;
the next run starts from a clean temporary directory. Only an empty registry is loaded (exit 2
otherwise): the offline importer cannot add to a database.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import shutil
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

from pith_graph.core.signing import SigningKey, signing_key_from_seed
from pith_graph.ingest.errors import IngestError, MalformedLine
from pith_graph.ingest.formats import (
    BadLine,
    CitationLine,
    Format,
    PaperLine,
    SkippedLine,
    parse_lines,
)
from pith_graph.ingest.formats.citations_tsv import parse_citation_tsv_pairs
from pith_graph.ingest.pipeline import IngestStats, order_files
from pith_graph.ingest.reader import InputFile, block_lines
from pith_graph.service.registration import prepare, registration_rows

__all__ = [
    "BulkImportError",
    "BulkReport",
    "BulkReporter",
    "StoreNotEmpty",
    "bulk_import",
    "write_import_files",
]

ARRAY_DELIMITER = "\x1f"  # passed as --array-delimiter=U+001F; never in metadata text
_BLOCK_BYTES = 1 << 21  # a worker's unit: about 1,600 papers of the arXiv snapshot


class BulkImportError(IngestError):
    """The importer or the check after it failed; the registry's store is left as it was."""


class StoreNotEmpty(IngestError):
    """The registry already holds data: the offline importer loads an empty database only."""


class BulkReporter(Protocol):
    """Where the bulk import says what it does (the CLI prints; tests collect)."""

    def phase(self, name: str, seconds: float, detail: str) -> None: ...
    def progress(self, name: str, detail: str) -> None: ...
    def problem(self, file: Path, line: int, kind: str, reason: str) -> None: ...


@dataclass
class BulkReport:
    stats: IngestStats = field(default_factory=IngestStats)
    phases: list[tuple[str, float, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# -- CSV ---------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(value: Any) -> str:
    """One CSV field as the importer reads it: empty = no property, ``""`` = the empty string."""
    kind = value.__class__
    if kind is str:  # the common case first: a few million fields a second
        text: str = value
        return '"' + text.replace('"', '""') + '"'
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return _quote(ARRAY_DELIMITER.join(value)) if value else ""
    return _quote(str(value))


def _line(values: Iterable[Any]) -> str:
    # strings inline (most fields): a call per field is a third of the formatting
    return ",".join([
        '"' + v.replace('"', '""') + '"' if v.__class__ is str else _field(v) for v in values
    ]) + "\n"


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return ":boolean"
    if isinstance(value, int):
        return ":long"
    if isinstance(value, (list, tuple)):
        return ":string[]"
    return ""


def _paper_columns() -> tuple[tuple[str, str], ...]:
    """The Paper properties a registration stores (:class:`~pith_graph.core.paper.PaperProperties`,
    the one property set), with the importer's type of each."""
    import typing
    from dataclasses import fields

    from pith_graph.core.paper import PaperProperties

    hints = typing.get_type_hints(PaperProperties)
    columns = []
    for f in fields(PaperProperties):
        hint = hints[f.name]
        origin = typing.get_origin(hint)
        if hint is bool:
            kind = ":boolean"
        elif hint is int:
            kind = ":long"
        elif origin in (tuple, list):
            kind = ":string[]"
        else:
            kind = ""
        columns.append((f.name, kind))
    return tuple(columns)


# -- phase 1 in worker processes ---------------------------------------------------------------

_COLUMNS = _paper_columns()
_COLUMN_NAMES = frozenset(n for n, _ in _COLUMNS)
_LIST_COLUMNS = tuple(n for n, t in _COLUMNS if t == ":string[]")
_worker_key: SigningKey | None = None
_worker_now: datetime | None = None


def _init_worker(key_id: str, seed: bytes, now: datetime) -> None:
    global _worker_key, _worker_now
    _worker_key = signing_key_from_seed(key_id, seed)
    _worker_now = now


class _Signed(NamedTuple):
    """One signed paper as the main process needs it: its keys, and its finished CSV text (a
    plain tuple crosses the process boundary several times cheaper than a dataclass)."""

    line: int
    warnings: tuple[str, ...]
    source_id: str
    version: int
    sha: str
    pith: str
    submitted_at: str | None
    primary_cat: str | None
    paper_text: str  # the Paper line up to (without) is_latest and the counts, no newline
    canonical_json: str  # kept as a source claim if this version is registered with other content
    receipt_line: str  # its Receipt line after the node id
    aliases: tuple[tuple[str, str], ...]  # (kind:value, its Alias line after the node id)
    dois: tuple[str, ...]  # its DOI aliases' values
    log_text: str  # the log entry's fields after its id and index
    empty_lists: tuple[str, ...]
    cell: tuple[int, str, str, tuple[str, ...]]  # year, license, primary, categories


class _Chunk(NamedTuple):
    receipt_columns: tuple[str, ...]
    now: str
    items: list[tuple[Any, ...]]  # _Signed, or ("bad" | "skip", line, reason)


def _signed(line: int, warnings: tuple[str, ...], row: dict[str, Any]) -> _Signed:
    paper, receipt, leaf, now = row["paper"], row["receipt"], row["log_leaf"], row["now"]
    if not paper.keys() <= _COLUMN_NAMES:
        unknown = sorted(set(paper) - _COLUMN_NAMES)
        raise BulkImportError(f"line {line}: paper properties {unknown} are not in the model")
    pith = paper["pith_number"]
    aliases: dict[str, str] = {}
    dois = []
    for alias in row["aliases"]:
        kind, value = alias["kind"], alias["value"]
        aid = f"{kind}:{value}"
        if aid not in aliases:
            aliases[aid] = _line((kind, value, now))
            if kind == "doi":
                dois.append(value)
    get = paper.get
    return _Signed(
        line,
        warnings,
        paper["source_id"],
        paper["version"],
        row["canonical_sha256"],
        pith,
        get("submitted_at"),
        get("primary_cat"),
        _line([get(n) for n, _ in _COLUMNS] + [now, now, f"bulk {now}"])[:-1],
        paper["canonical_json"],
        _line(receipt.values()),
        tuple(aliases.items()),
        tuple(dois),
        _line((leaf["leaf_hash"], leaf["leaf_type"], leaf["ref"], leaf["pith_number"],
               leaf["leaf_json"]))[:-1],
        tuple(n for n in _LIST_COLUMNS if n in paper and not paper[n]),
        (paper["year"], paper["license"], paper["primary_cat"], tuple(paper["categories"])),
    )


def _paper_chunk(args: tuple[Format, int, bytes]) -> _Chunk:
    """Parse, hash, sign and format one block of lines (in a worker process)."""
    fmt, number, block = args
    assert _worker_key is not None and _worker_now is not None
    parsed = list(parse_lines(fmt, block_lines(number, block)))
    papers = [item for item in parsed if isinstance(item, PaperLine)]
    rows = iter(registration_rows([prepare(p.paper) for p in papers], _worker_key, _worker_now))
    items: list[tuple[Any, ...]] = []
    receipt_columns: tuple[str, ...] = ()
    now = ""
    for item in parsed:
        if isinstance(item, PaperLine):
            row = next(rows)
            receipt_columns, now = tuple(row["receipt"]), row["now"]
            items.append(_signed(item.line, item.warnings, row))
        elif isinstance(item, BadLine):
            items.append(("bad", item.line, item.reason))
        elif isinstance(item, SkippedLine):
            items.append(("skip", item.line, item.reason))
    return _Chunk(receipt_columns, now, items)


def _blocks(file: InputFile, fmt: Format) -> Iterator[tuple[Format, int, bytes]]:
    for number, block in file.blocks(_BLOCK_BYTES):
        yield fmt, number, block


# -- the import files --------------------------------------------------------------------------


class _Files:
    """The import directory: one header file and one data file (or several parts, written in
    parallel) per node label / relationship."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.open: dict[str, IO[str]] = {}
        self.headers: dict[str, str] = {}
        self.parts: dict[str, list[Path]] = {}

    def header(self, name: str, columns: Sequence[str]) -> None:
        self.headers[name] = ",".join(columns) + "\n"
        (self.dir / f"{name}.header.csv").write_text(self.headers[name], encoding="utf-8")

    def writer(self, name: str) -> IO[str]:
        handle = self.open.get(name)
        if handle is None:
            handle = (self.dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
            self.open[name] = handle
        return handle

    def close(self) -> None:
        for handle in self.open.values():
            handle.close()

    def arg(self, name: str) -> str:
        parts = self.parts.get(name)
        if parts is None:
            data = self.dir / f"{name}.csv"
            if not data.exists():
                data.write_text("", encoding="utf-8")
            parts = [data]
        return ",".join([str(self.dir / f"{name}.header.csv"), *map(str, parts)])


@dataclass(slots=True)
class _Paper:
    pith: str
    node: int  # its node id in the store (the importer's --id-type=actual)
    source_id: str
    version: int
    submitted_at: str | None
    primary_cat: str | None
    cell: tuple[int, str, str, tuple[str, ...]]  # year, license, primary, categories


class _Graph:
    """What phases 1 and 2 learnt, in compact arrays (one index per new paper, in log order)."""

    def __init__(self) -> None:
        self.papers: list[_Paper] = []
        # -> (sha, pith, index)
        self.by_version: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.versions: dict[str, list[tuple[int, int]]] = {}  # source id -> [(version, index)]
        self.latest: dict[str, int] = {}
        self.doi: dict[str, list[int]] = {}
        self.empty_lists: dict[str, int] = {}  # list property -> papers with it empty
        self.cited = array("q")
        self.citing = array("q")
        # other sources' records of registered versions (the metadata_conflict detector reads
        # them): (registered sha, other sha) -> [registered index, other canonical JSON, sources]
        self.claims: dict[tuple[str, str], tuple[int, str, list[str]]] = {}
        # Node ids are handed out in one sequence, densely, as the importer's ACTUAL ids: no
        # string id to map, the importer's costliest step with pith numbers as ids.
        self.nodes = 0
        self.edges: Any = None  # the paper edges' keys (citing index * papers + cited), sorted
        self.stamp: str | None = None  # the receipts' time: the log head's lock token

    def node(self) -> int:
        self.nodes += 1
        return self.nodes - 1

    def claim(self, registered: tuple[str, str, int], other: _Signed, source: str) -> None:
        key = (registered[0], other.sha)
        held = self.claims.setdefault(key, (registered[2], other.canonical_json, []))
        if source not in held[2]:
            held[2].append(source)


def _refused(
    stats: IngestStats,
    reporter: BulkReporter,
    strict: bool,
    path: Path,
    line: int,
    malformed: bool,
    reason: str,
) -> None:
    """Count and report a line left out: malformed (fatal with ``strict``) or skipped."""
    if malformed:
        stats.malformed += 1
        reporter.problem(path, line, "malformed", reason)
        if strict:
            raise MalformedLine(str(path), line, reason)
    else:
        stats.skipped[reason] += 1
        reporter.problem(path, line, "skipped", reason)


def _phase_papers(
    files: Sequence[tuple[Path, Format]],
    out: _Files,
    graph: _Graph,
    report: BulkReport,
    reporter: BulkReporter,
    key: SigningKey,
    now: datetime,
    pool: Any,
    strict: bool,
) -> Path:
    """Phase 1; returns the temporary file holding the Paper rows (length-prefixed, log order)."""
    stats = report.stats
    aliases_seen: dict[str, int] = {}  # kind:value -> node id
    pending = out.dir / "papers.pending"
    started, last = time.monotonic(), 0.0
    stamp = None
    out.header(
        "papers",
        [":ID", *(f"{n}{t}" for n, t in _COLUMNS),
         "created_at", "updated_at", "integrity_dirty", "count_cell", "is_latest:boolean",
         "citation_count:long", "reference_count:long"],
    )
    out.header("has_receipt", [":START_ID", ":END_ID"])
    out.header("aliases", [":ID", "kind", "value", "created_at"])
    out.header("alias_of", [":START_ID", ":END_ID"])
    out.header("log_entries", [":ID", "index:long", "leaf_hash", "leaf_type", "ref",
                               "pith_number", "leaf_json"])
    papers, by_version, versions_of = graph.papers, graph.by_version, graph.versions
    doi, empty_lists = graph.doi, graph.empty_lists
    with pending.open("w", encoding="utf-8", newline="") as held:
        receipts = out.writer("receipts")
        has_receipt = out.writer("has_receipt")
        alias_nodes = out.writer("aliases")
        alias_of = out.writer("alias_of")
        log = out.writer("log_entries")
        receipt_columns: tuple[str, ...] | None = None
        for path, fmt in files:
            if not fmt.has_papers:
                continue
            file = InputFile(path)
            for chunk in pool.imap(_paper_chunk, _blocks(file, fmt), chunksize=1):
                if chunk.now and receipt_columns is None:
                    receipt_columns, stamp = chunk.receipt_columns, chunk.now
                    out.header("receipts", [":ID", *receipt_columns])
                if chunk.now and chunk.receipt_columns != receipt_columns:
                    raise BulkImportError(f"{path}: the receipt row changed shape")
                held_text, receipt_text, has_receipt_text = [], [], []
                alias_text, alias_of_text, log_text = [], [], []
                for f in chunk.items:
                    if f.__class__ is not _Signed:
                        kind, line, reason = f
                        _refused(stats, reporter, strict, path, line, kind == "bad", reason)
                        continue
                    for warning in f.warnings:
                        stats.warnings += 1
                        reporter.problem(path, f.line, "warning", warning)
                    version = (f.source_id, f.version)
                    known = by_version.get(version)
                    if known is not None:
                        if known[0] == f.sha:
                            stats.papers_unchanged += 1
                        else:
                            graph.claim(known, f, f"{path.name}:{f.line}")
                            stats.papers_conflicting += 1
                            stats.skipped["version registered with other metadata"] += 1
                            reporter.problem(
                                path, f.line, "skipped",
                                f"{version[0]}v{version[1]} is registered as {known[1]} with "
                                "other metadata",
                            )
                        continue
                    index = len(papers)
                    pith = f.pith
                    node = graph.node()
                    receipt_node, log_node = graph.node(), graph.node()
                    by_version[version] = (f.sha, pith, index)
                    papers.append(_Paper(pith, node, f.source_id, f.version, f.submitted_at,
                                         f.primary_cat, f.cell))
                    held_versions = versions_of.get(f.source_id)
                    if held_versions is None:
                        versions_of[f.source_id] = [(f.version, index)]
                    else:
                        held_versions.append((f.version, index))
                    for name in f.empty_lists:
                        empty_lists[name] = empty_lists.get(name, 0) + 1
                    held_text.append(f"{index} {len(f.paper_text)}\n{f.paper_text}")
                    receipt_text.append(f"{receipt_node},{f.receipt_line}")
                    has_receipt_text.append(f"{node},{receipt_node}\n")
                    for aid, alias_line in f.aliases:
                        alias_node = aliases_seen.get(aid)
                        if alias_node is None:
                            alias_node = aliases_seen[aid] = graph.node()
                            alias_text.append(f"{alias_node},{alias_line}")
                        alias_of_text.append(f"{alias_node},{node}\n")
                    for value in f.dois:
                        doi.setdefault(value, []).append(index)
                    log_text.append(f"{log_node},{index},{f.log_text}\n")
                    stats.papers_new += 1
                held.write("".join(held_text))
                receipts.write("".join(receipt_text))
                has_receipt.write("".join(has_receipt_text))
                alias_nodes.write("".join(alias_text))
                alias_of.write("".join(alias_of_text))
                log.write("".join(log_text))
                now_t = time.monotonic()
                if now_t - last >= 2.0:
                    last = now_t
                    rate = stats.papers_seen / max(now_t - started, 1e-9)
                    reporter.progress("papers", f"{stats.papers_seen:,} papers ({rate:,.0f}/s)")
    if receipt_columns is None:
        out.header("receipts", [":ID"])
    # versions: is_latest and SUPERSEDES between consecutive registered versions
    supersedes = out.writer("supersedes")
    out.header("supersedes", [":START_ID", ":END_ID"])
    for sid, versions in graph.versions.items():
        versions.sort()
        graph.latest[sid] = versions[-1][1]
        for (_, older), (_, newer) in zip(versions, versions[1:], strict=False):
            supersedes.write(f"{papers[newer].node},{papers[older].node}\n")
    graph.stamp = stamp  # the log head is written after the citations leaves (phase 2)
    out.header("source_claims", [":ID", "paper_sha256", "canonical_sha256", "canonical_json",
                                 "sources:string[]"])
    out.header("claims_version_of", [":START_ID", ":END_ID"])
    claims, claims_of = out.writer("source_claims"), out.writer("claims_version_of")
    for (registered, other), (index, canonical, sources) in graph.claims.items():
        claim_node = graph.node()
        claims.write(_line([claim_node, registered, other, canonical, sources]))
        claims_of.write(f"{claim_node},{papers[index].node}\n")
    graph.cited = array("q", bytes(8 * len(papers)))
    graph.citing = array("q", bytes(8 * len(papers)))
    return pending


# -- phase 2 -------------------------------------------------------------------------------------

_EDGE_PARTS = 2  # the CITES file is written in this many parts, one per worker


def _citation_chunk(args: tuple[Format, int, bytes]) -> tuple[Any, ...]:
    """Parse and resolve one block of citation rows (in a worker forked after phase 1, so it
    holds the graph): the paper edges as ``citing * n + cited`` keys in row order, the rows
    among them with a position or raw text, the rows to works, and the problems."""
    fmt, number, block = args
    graph = _worker_graph
    assert graph is not None
    papers, latest, doi_of = graph.papers, graph.latest, graph.doi
    n = max(len(papers), 1)
    keys = array("q")
    valued: list[tuple[int, Any, Any]] = []  # (offset in keys, position, raw)
    to_work: list[tuple[int, str, str, Any, Any]] = []
    problems: list[tuple[int, str, str]] = []
    doi_target = _worker_doi_target
    citers: dict[int, None] = {}  # the citing papers, in row order
    if fmt is Format.CITATIONS_TSV:
        # Edge lists are nearly all of the rows: pairs of ids, no objects.
        for pair in parse_citation_tsv_pairs(block_lines(number, block), latest):
            if isinstance(pair, tuple):
                line, citing_id, cited_id = pair
                citing = latest.get(citing_id)
                if citing is None:
                    problems.append((line, "skipped", "citing paper is not registered"))
                    continue
                citers[citing] = None
                target = latest.get(cited_id)
                if target is not None:
                    keys.append(citing * n + target)
                else:
                    to_work.append((citing, "arxiv", cited_id, None, None))
            else:
                problems.append((pair.line, "malformed", pair.reason))
        return keys, valued, to_work, problems, list(citers)
    for item in parse_lines(fmt, block_lines(number, block)):
        if item.__class__ is CitationLine:
            c = item.citation
            citing = latest.get(c.citing)
            if citing is None:
                problems.append((item.line, "skipped", "citing paper is not registered"))
                continue
            citers[citing] = None
            kind = c.target_kind.value
            if kind == "arxiv":
                target = latest.get(c.target)
            else:
                if c.target not in doi_target:
                    found = [i for i in doi_of.get(c.target, ())
                             if latest.get(papers[i].source_id) == i]
                    doi_target[c.target] = (
                        min(found, key=lambda i: papers[i].pith) if found else None
                    )
                target = doi_target[c.target]
            if target is not None:
                if c.position is not None or c.raw is not None:
                    valued.append((len(keys), c.position, c.raw))
                keys.append(citing * n + target)
            else:
                to_work.append((citing, kind, c.target, c.position, c.raw))
        elif isinstance(item, BadLine):
            problems.append((item.line, "malformed", item.reason))
        elif isinstance(item, SkippedLine):
            problems.append((item.line, "skipped", item.reason))
    return keys, valued, to_work, problems, list(citers)


_worker_graph: _Graph | None = None
_worker_doi_target: dict[str, int | None] = {}


def _edge_part(args: tuple[int, int, str]) -> tuple[int, int]:
    """Write the CITES lines of unique edges ``start:end`` to ``path`` (in a worker forked after
    the edges are known): every edge with the four sort keys of its ends."""
    start, end, path = args
    edges = _worker_edges
    assert edges is not None
    keys, values, node, pith, sort_key, cat_key = edges
    n = max(len(node), 1)
    lines = []
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for offset in range(start, end):
            ci, ti = divmod(int(keys[offset]), n)
            c, t = pith[ci], pith[ti]
            value = values.get(offset)
            extra = ",," if value is None else f",{_field(value[0])},{_field(value[1])}"
            lines.append(
                f'{node[ci]},{node[ti]}{extra},"{c} {sort_key[ti]}","{t} {sort_key[ci]}",'
                f'"{c} {cat_key[ti]}","{t} {cat_key[ci]}"\n'
            )
            if len(lines) >= 8192:
                handle.write("".join(lines))
                written += len(lines)
                lines = []
        handle.write("".join(lines))
        written += len(lines)
    return start, written


_worker_edges: tuple[Any, ...] | None = None


def _escaped(text: str) -> str:
    return text.replace('"', '""')


def _phase_citations(
    files: Sequence[tuple[Path, Format]],
    out: _Files,
    graph: _Graph,
    report: BulkReport,
    reporter: BulkReporter,
    strict: bool,
    processes: int,
) -> None:
    """Phase 2: edges to papers (one per pair, last row's position/raw) and to works."""
    import numpy as np

    global _worker_graph, _worker_edges
    stats = report.stats
    papers = graph.papers
    n = max(len(papers), 1)
    context = multiprocessing.get_context("fork")
    key_parts: list[Any] = []
    valued: dict[int, tuple[Any, Any]] = {}  # offset in the concatenated keys -> (position, raw)
    to_work: dict[tuple[int, str, str], tuple[Any, Any]] = {}
    citing_order: dict[int, None] = {}  # citing paper indices, in input order
    started, last = time.monotonic(), 0.0
    offset = 0
    _worker_graph = graph
    try:
        with context.Pool(processes) as pool:
            for path, fmt in files:
                if fmt.has_papers:
                    continue
                file = InputFile(path)
                results = pool.imap(_citation_chunk, _blocks(file, fmt), chunksize=1)
                for keys, rows, works_of, problems, citers in results:
                    for ci in citers:
                        citing_order.setdefault(ci)
                    for line, kind, reason in problems:
                        _refused(stats, reporter, strict, path, line, kind == "malformed", reason)
                    for at, position, raw in rows:
                        valued[offset + at] = (position, raw)
                    if keys:
                        key_parts.append(np.frombuffer(keys, dtype=np.int64))
                    offset += len(keys)
                    stats.citations_written += len(keys)
                    for citing, kind, target, position, raw in works_of:
                        to_work[(citing, kind, target)] = (
                            (None, None) if position is None and raw is None else (position, raw)
                        )
                    stats.citations_unresolved += len(works_of)
                    now_t = time.monotonic()
                    if now_t - last >= 2.0:
                        last = now_t
                        reporter.progress(
                            "citations", f"{offset:,} edges ({offset / (now_t - started):,.0f}/s)"
                        )
    finally:
        _worker_graph = None
    # One edge per pair: the last row's position/raw (the transactional writer's SET).
    all_keys = np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64)
    unique, first_in_reverse = np.unique(all_keys[::-1], return_index=True)
    values: dict[int, tuple[Any, Any]] = {}  # index in unique -> (position, raw)
    if valued:
        is_last = np.zeros(len(all_keys), dtype=bool)
        is_last[len(all_keys) - 1 - first_in_reverse] = True
        rows = np.fromiter(sorted(valued), dtype=np.int64, count=len(valued))
        rows = rows[is_last[rows]]
        at = np.searchsorted(unique, all_keys[rows])
        values = {int(i): valued[int(row)] for row, i in zip(rows.tolist(), at.tolist(), strict=True)
                  if valued[int(row)] != (None, None)}
    graph.edges = unique
    citing_of, cited_of = np.divmod(unique, n)
    graph.cited = array("q", np.bincount(cited_of, minlength=len(papers)).astype(np.int64).tobytes())
    graph.citing = array("q", np.bincount(citing_of, minlength=len(papers)).astype(np.int64).tobytes())
    out.header("cites_papers", [":START_ID", ":END_ID", "position:long", "raw", "out_key",
                                "in_key", "out_cat_key", "in_cat_key"])
    sort_key = [_escaped(f"{p.submitted_at or '~'} {p.pith}") for p in papers]
    _worker_edges = (
        unique, values, [p.node for p in papers], [p.pith for p in papers], sort_key,
        [f"{_escaped(p.primary_cat or '')} {k}" for p, k in zip(papers, sort_key, strict=True)],
    )
    try:
        step = -(-len(unique) // _EDGE_PARTS)
        parts = [(i * step, min(len(unique), (i + 1) * step), str(out.dir / f"cites_papers.{i}.csv"))
                 for i in range(_EDGE_PARTS)]
        with context.Pool(processes) as pool:
            written = sum(w for _, w in pool.map(_edge_part, parts, chunksize=1))
    finally:
        _worker_edges = None
    out.parts["cites_papers"] = [Path(p) for _, _, p in parts]
    assert written == len(unique)
    out.header("works", [":ID", "kind", "value"])
    out.header("cites_works", [":START_ID", ":END_ID", "position:long", "raw", "out_key"])
    works = out.writer("works").write
    cites_works = out.writer("cites_works").write
    work_ids: dict[tuple[str, str], int] = {}
    citing_count = graph.citing
    for (ci, kind, value), (position, raw) in to_work.items():
        wkey = (kind, value)
        work_node = work_ids.get(wkey)
        if work_node is None:
            work_node = work_ids[wkey] = graph.node()
            works(_line([work_node, kind, value]))
        c = papers[ci]
        cites_works(_line([c.node, work_node, position, raw, f"{c.pith} ~ ~{kind}:{value}"]))
        citing_count[ci] += 1
    report.counts.update(
        papers=len(papers), citations=len(unique), unresolved=len(to_work), works=len(work_ids)
    )
    _citation_leaves(out, graph, list(citing_order), values, to_work, context, processes)


def _citation_leaves(
    out: _Files,
    graph: _Graph,
    citing_order: list[int],
    values: dict[int, tuple[Any, Any]],
    to_work: dict[tuple[int, str, str], tuple[Any, Any]],
    context: Any,
    processes: int,
) -> None:
    """The log after the receipts: the citations leaf of every citing paper in input order (as
    the transactional ingest's last pass appends them), then the log head."""
    global _worker_leaves
    papers = graph.papers
    works_of: dict[int, list[dict[str, Any]]] = {}
    for (ci, kind, value), (position, raw) in to_work.items():
        works_of.setdefault(ci, []).append(
            {"kind": kind, "target": value, "position": position, "raw": raw}
        )
    _worker_leaves = (graph.edges, values, works_of, papers)
    leaves: list[str] = []
    try:
        if citing_order:
            step = -(-len(citing_order) // max(processes, 1))
            parts = [citing_order[i : i + step] for i in range(0, len(citing_order), step)]
            with context.Pool(processes) as pool:
                leaves = [text for part in pool.map(_leaf_part, parts, chunksize=1) for text in part]
    finally:
        _worker_leaves = None
    log = out.writer("log_entries")
    index = len(papers)
    lines = []
    for text in leaves:
        lines.append(f"{graph.node()},{index},{text}\n")
        index += 1
    log.write("".join(lines))
    out.header("log_head", [":ID", "log_id", "size:long", "lock_token"])
    if index:
        out.writer("log_head").write(_line([graph.node(), "main", index, f"bulk {graph.stamp}"]))
    # The integrator's node at size 0 and no tiles, as a freshly migrated store holds them
    # (migration 0080) after a transactional ingest: nothing is tiled yet, and the integrator
    # (serve's start-up) tiles the log from leaf 0.
    out.header("log_integration", [":ID", "log_id", "size:long"])
    out.writer("log_integration").write(_line([graph.node(), "main", 0]))


def _leaf_part(citing: list[int]) -> list[str]:
    """The log entry fields (after id and index) of the citations leaves of ``citing`` (in a
    worker forked once the edges are known): each paper's outgoing citations, as the citation
    writer reads them back, digested by :func:`pith_graph.core.log.citations_leaf`."""
    from pith_graph.core.log import citations_leaf
    from pith_graph.store.log import leaf_rows

    held = _worker_leaves
    assert held is not None
    unique, values, works_of, papers = held
    n = max(len(papers), 1)
    no_citations = citations_leaf("", [])["citations_sha256"]  # the leaf of no citations
    out = []
    for ci in citing:
        lo = int(unique.searchsorted(ci * n)) if unique is not None else 0
        hi = int(unique.searchsorted((ci + 1) * n)) if unique is not None else 0
        cites = works_of.get(ci, [])[:]
        for offset in range(lo, hi):  # a paper target: arXiv is the one source kind registered
            position, raw = values.get(offset, (None, None))
            cites.append({"kind": "arxiv", "target": papers[int(unique[offset]) - ci * n].source_id,
                          "position": position, "raw": raw})
        pith = papers[ci].pith
        leaf = citations_leaf(pith, cites)
        if leaf["citations_sha256"] == no_citations:
            continue
        (row,) = leaf_rows([(f"citations:{pith}:{leaf['citations_sha256']}", leaf)])
        out.append(_line((row["leaf_hash"], row["leaf_type"], row["ref"], row["pith_number"],
                          row["leaf_json"]))[:-1])
    return out


_worker_leaves: tuple[Any, ...] | None = None


# -- phase 3 -------------------------------------------------------------------------------------


def _cell_key(latest: bool, versions: int, cell: tuple[int, str, str, tuple[str, ...]]) -> str:
    """A paper's aggregate cell key, as ``pith_graph.store.counts`` spells it in Cypher."""
    year, license_, primary, categories = cell
    return (f"{'true' if latest else 'false'}|{versions}|{year}|{license_}|{primary}|"
            + "".join(c + "," for c in categories))


def _phase_nodes(pending: Path, out: _Files, graph: _Graph) -> None:
    """Phase 3: the Paper file, with ``is_latest``, the counts and the aggregate cells (what
    :func:`pith_graph.store.counts.rebuild_cells` builds from a loaded graph)."""
    papers = graph.papers
    write = out.writer("papers").write
    latest = set(graph.latest.values())
    cell_of: list[str] = []
    cells: dict[str, list[Any]] = {}  # key -> [papers, citations, latest, versions, cell]
    for index, p in enumerate(papers):
        is_latest = index in latest
        versions = len(graph.versions[p.source_id])
        key = _cell_key(is_latest, versions, p.cell)
        cell_of.append(key)
        held = cells.get(key)
        if held is None:
            cells[key] = [1, graph.cited[index], is_latest, versions, p.cell]
        else:
            held[0] += 1
            held[1] += graph.cited[index]
    with pending.open("r", encoding="utf-8", newline="") as held_file:
        lines = []
        while True:
            head = held_file.readline()
            if not head:
                break
            index_text, length = head.split()
            index = int(index_text)
            text = held_file.read(int(length))
            lines.append(
                f"{papers[index].node},{text},{_quote(cell_of[index])},"
                f"{'true' if index in latest else 'false'},{graph.cited[index]},"
                f"{graph.citing[index]}\n"
            )
            if len(lines) >= 4096:
                write("".join(lines))
                lines = []
        write("".join(lines))
    pending.unlink()
    dims = ["latest:boolean", "versions:long", "year:long", "license", "primary",
            "categories:string[]"]
    out.header("paper_cells", [":ID", "key", *dims, "papers:long", "citations:long"])
    paper_cells = out.writer("paper_cells").write
    def dims_of(key: str) -> list[Any]:
        """The cell's dimensions, in the order of ``dims``."""
        _, _, is_latest, versions, (year, license_, primary, categories) = cells[key]
        return [is_latest, versions, year, license_, primary, categories]

    for key, (count, citations, *_) in cells.items():
        paper_cells(_line([graph.node(), key, *dims_of(key), count, citations]))
    # Citation-count cells: the papers of each cell by their citation count.
    by_count = Counter(zip(cell_of, graph.cited, strict=True))
    out.header("count_cells", [":ID", "key", *dims, "cell", "citation_count:long", "papers:long"])
    count_cells = out.writer("count_cells").write
    for (key, cited), count in by_count.items():
        count_cells(_line([graph.node(), f"{key}@{cited}", *dims_of(key), key, cited, count]))
    # Citation cells: the CITES edges between papers by the cited paper's cell and the citing
    # paper's year.
    import numpy as np

    by_cell: dict[tuple[str, int], int] = {}
    unique = graph.edges
    if unique is not None and len(unique):
        n = max(len(papers), 1)
        citing_of, cited_of = np.divmod(unique, n)
        cell_index = {key: i for i, key in enumerate(cells)}
        cited_cell = np.fromiter((cell_index[k] for k in cell_of), dtype=np.int64,
                                 count=len(papers))[cited_of]
        years = sorted({p.cell[0] for p in papers})
        year_index = {y: i for i, y in enumerate(years)}
        citing_year = np.fromiter((year_index[p.cell[0]] for p in papers), dtype=np.int64,
                                  count=len(papers))[citing_of]
        combined = cited_cell * len(years) + citing_year
        found, counts = np.unique(combined, return_counts=True)
        keys = list(cells)
        for value, count in zip(found.tolist(), counts.tolist(), strict=True):
            ci, yi = divmod(value, len(years))
            by_cell[(keys[ci], years[yi])] = count
    out.header("citation_cells", [":ID", "key", *dims, "cell", "citing_year:long", "n:long"])
    citation_cells = out.writer("citation_cells").write
    for (key, year), count in by_cell.items():
        citation_cells(_line([graph.node(), f"{key}#{year}", *dims_of(key), key, year, count]))


def write_import_files(
    files: Sequence[tuple[Path, Format]],
    directory: Path,
    key: SigningKey,
    now: datetime,
    reporter: BulkReporter,
    *,
    processes: int = 2,
    strict: bool = False,
) -> tuple[BulkReport, _Graph, _Files]:
    """Phases 1-3: the importer's CSV files in ``directory`` (the graph ``ingest`` would write)."""
    report = BulkReport()
    out = _Files(directory)
    graph = _Graph()
    ordered = order_files(files)
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    try:
        t0 = time.monotonic()
        with context.Pool(
            processes, initializer=_init_worker, initargs=(key.key_id, key.export_seed(), now)
        ) as pool:
            pending = _phase_papers(
                ordered, out, graph, report, reporter, key, now, pool, strict
            )
        _phase(report, reporter, "papers", t0, f"{report.stats.papers_new:,} papers signed")
        t0 = time.monotonic()
        _phase_citations(ordered, out, graph, report, reporter, strict, processes)
        _phase(report, reporter, "citations", t0,
               f"{report.counts['citations']:,} edges, {report.counts['unresolved']:,} to works")
        t0 = time.monotonic()
        _phase_nodes(pending, out, graph)
        _phase(report, reporter, "nodes", t0, f"{len(graph.papers):,} paper rows")
    finally:
        out.close()
    return report, graph, out


_IMPORT_STAGE = re.compile(r"^(?:\(\d+/\d+\) )?[A-Za-z ]+ COMPLETED in .+$", re.MULTILINE)


class _Steps:
    """Progress within a phase: each step with its own wall time."""

    def __init__(self, reporter: BulkReporter, phase: str) -> None:
        self.reporter, self.phase, self.t0 = reporter, phase, time.monotonic()

    def done(self, what: str) -> None:
        now = time.monotonic()
        self.reporter.progress(self.phase, f"{what} in {now - self.t0:.1f} s")
        self.t0 = now


def _phase(report: BulkReport, reporter: BulkReporter, name: str, t0: float, detail: str) -> None:
    seconds = time.monotonic() - t0
    report.phases.append((name, seconds, detail))
    reporter.phase(name, seconds, detail)


def _import_args(out: _Files) -> list[str]:
    nodes = [("Paper", "papers"), ("Receipt", "receipts"), ("Alias", "aliases"),
             ("LogEntry", "log_entries"), ("LogHead", "log_head"),
             ("LogIntegration", "log_integration"), ("Work", "works"),
             ("SourceClaim", "source_claims"), ("PaperCell", "paper_cells"),
             ("CitationCell", "citation_cells"), ("CitationCountCell", "count_cells")]
    rels = [("HAS_RECEIPT", "has_receipt"), ("ALIAS_OF", "alias_of"),
            ("SUPERSEDES", "supersedes"), ("CITES", "cites_papers"), ("CITES", "cites_works"),
            ("CLAIMS_VERSION_OF", "claims_version_of")]
    return [
        "database", "import", "full", "neo4j",
        *(f"--nodes={label}={out.arg(name)}" for label, name in nodes),
        *(f"--relationships={kind}={out.arg(name)}" for kind, name in rels),
        "--array-delimiter=U+001F",
        # Abstracts and comments hold newlines. (The v2 form, naming only the files with text,
        # fails in 5.26 on the papers file of the synthetic 100k registry with "Missing end for
        # quote" inside an abstract of several lines, and on real abstracts with "Weird input
        # data, found CR outside a text cell".)
        "--multiline-fields=true",
        "--threads=2",
        # Node ids are the dense sequence of _Graph.node: no id mapping to build.
        "--id-type=actual",
        f"--report-file={out.dir / 'import.report'}",
    ]


def bulk_import(
    files: Sequence[tuple[Path, Format]],
    neo4j_dir: Path,
    key: SigningKey,
    now: datetime,
    reporter: BulkReporter,
    *,
    processes: int = 2,
    strict: bool = False,
    heap: str = "2g",
    page_cache: str = "4g",
    database: str = "neo4j",
    check_empty: Callable[[Path], int] | None = None,
) -> BulkReport:
    """The whole bulk import into the local launcher's data directory ``neo4j_dir``."""
    from pith_graph.config import Settings
    from pith_graph.neo4j_local import LocalNeo4j, free_port, run_admin_tool
    from pith_graph.store.bulk_load import imported_counts, set_empty_lists
    from pith_graph.store.driver import open_driver
    from pith_graph.store.migrations import apply_schema_for_bulk_load

    store = neo4j_dir / "store"
    if store.exists():
        nodes = check_empty(neo4j_dir) if check_empty is not None else 1
        if nodes:
            raise StoreNotEmpty(
                f"the registry's store {store} holds {nodes:,} nodes: --bulk loads an empty "
                "registry only (use `pith-graph ingest` without --bulk to add to it)"
            )
    work = neo4j_dir.with_name(neo4j_dir.name + ".bulk")
    shutil.rmtree(work, ignore_errors=True)
    csv_dir = work / "csv"
    csv_dir.mkdir(parents=True)
    try:
        report, graph, out = write_import_files(
            files, csv_dir, key, now, reporter, processes=processes, strict=strict
        )
        t0 = time.monotonic()
        result = run_admin_tool(_import_args(out), work, heap=heap)
        for stage in _IMPORT_STAGE.findall(result.stdout):
            reporter.progress("import", " ".join(stage.split()))
        tail = [line for line in result.stdout.splitlines() if line.strip()][-6:]
        _phase(report, reporter, "import", t0, " ".join(t.strip() for t in tail[-5:-1]))
        shutil.rmtree(csv_dir)  # the store is whole: the files are not needed any more
        t0 = time.monotonic()
        step = _Steps(reporter, "schema")
        # Two threads per index population job (Neo4j's default is a quarter of the cores: one
        # here): the four CITES sort-key indexes are most of this phase (100k papers, one
        # statement a transaction: 27.5 s -> 20.3 s, bench/bulk_schema_ab.py).
        with LocalNeo4j(data_dir=work, port=free_port(), heap=heap, page_cache=page_cache,
                        index_population_workers=max(processes, 2)) as server:
            step.done("server started")
            settings = Settings(neo4j_uri=server.uri, neo4j_database=database)
            with open_driver(settings) as driver:
                def empty_lists() -> None:
                    """Set while the indexes populate: no index holds a list property."""
                    step.done("constraints and indexes created")
                    for name, papers_with_it in graph.empty_lists.items():
                        set_empty_lists(driver, database, name)
                        step.done(f"{name} = [] on {papers_with_it:,} papers")

                apply_schema_for_bulk_load(driver, database, while_populating=empty_lists)
                step.done("constraints and indexes online")
                counts = imported_counts(driver, database)
            step = _Steps(reporter, "schema")
        step.done("server stopped")
        if counts != report.counts:
            raise BulkImportError(f"the imported graph has {counts}, expected {report.counts}")
        _phase(report, reporter, "schema", t0, "constraints and indexes online, counts checked")
        t0 = time.monotonic()
        with contextlib.suppress(FileNotFoundError):
            (work / "launcher.json").unlink()
        old = neo4j_dir.with_name(neo4j_dir.name + ".replaced")
        shutil.rmtree(old, ignore_errors=True)
        neo4j_dir.mkdir(parents=True, exist_ok=True)
        if store.exists():  # an empty store (migrations only): replaced
            store.rename(old)
        (work / "store").rename(store)
        shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        _phase(report, reporter, "swap", t0, f"store in place at {store}")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return report

