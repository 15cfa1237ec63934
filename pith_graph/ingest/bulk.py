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
3. ``nodes``: the Paper file, now that ``is_latest`` and the counts are known, and the works.
4. ``import``: ``org.neo4j.cli.AdminTool database import full`` on the launcher's classpath,
   into a temporary store.
5. ``schema``: the temporary store is started on a free port, every migration's constraints and
   indexes are created (:func:`~pith_graph.store.migrations.apply_schema_for_bulk_load`), empty
   lists the importer cannot write are set, and the counts are checked against phase 1 and 2.
6. ``swap``: the temporary store is renamed into place.

A run interrupted at any point leaves the registry's store absent (or as it was: empty) or whole;
the next run starts from a clean temporary directory. Only an empty registry is loaded (exit 2
otherwise): the offline importer cannot add to a database.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

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
from pith_graph.ingest.pipeline import IngestStats, order_files
from pith_graph.ingest.reader import InputFile
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
_CHUNK_LINES = 2000


class BulkImportError(IngestError):
    """The importer or the check after it failed; the registry's store is left as it was."""


class StoreNotEmpty(IngestError):
    """The registry already holds data: the offline importer loads an empty database only."""


class BulkReporter:
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


def _line(values: Sequence[Any]) -> str:
    return ",".join(_field(v) for v in values) + "\n"


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
_worker_key: SigningKey | None = None
_worker_now: datetime | None = None


def _init_worker(key_id: str, seed: bytes, now: datetime) -> None:
    global _worker_key, _worker_now
    _worker_key = signing_key_from_seed(key_id, seed)
    _worker_now = now


@dataclass(frozen=True, slots=True)
class _Formatted:
    """One signed paper as the main process needs it: keys, and its CSV fragments."""

    line: int
    warnings: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]
    receipt_columns: tuple[str, ...]
    source_id: str
    version: int
    sha: str
    pith: str
    submitted_at: str | None
    primary_cat: str | None
    now: str
    paper_text: str  # the Paper line up to (without) is_latest and the counts, no newline
    canonical_json: str  # kept as a source claim if this version is registered with other content
    receipt_text: str  # the receipt's property fields
    aliases: tuple[tuple[str, str], ...]
    log_text: str  # the log entry's fields after its id and index
    empty_lists: tuple[str, ...]


def _format(line: int, warnings: tuple[str, ...], row: dict[str, Any]) -> _Formatted:
    paper, receipt, leaf = row["paper"], row["receipt"], row["log_leaf"]
    columns = _COLUMNS
    unknown = set(paper) - {n for n, _ in columns}
    if unknown:
        raise BulkImportError(f"line {line}: paper properties {sorted(unknown)} are not in the model")
    seen: set[tuple[str, str]] = set()
    aliases = []
    for alias in row["aliases"]:
        key = (alias["kind"], alias["value"])
        if key not in seen:
            seen.add(key)
            aliases.append(key)
    return _Formatted(
        line=line,
        warnings=warnings,
        columns=tuple(columns),
        receipt_columns=tuple(receipt),
        source_id=paper["source_id"],
        version=paper["version"],
        sha=row["canonical_sha256"],
        pith=paper["pith_number"],
        submitted_at=paper.get("submitted_at"),
        primary_cat=paper.get("primary_cat"),
        now=row["now"],
        paper_text=_line([paper.get(n) for n, _ in columns]
                         + [row["now"], row["now"], f"bulk {row['now']}"])[:-1],
        canonical_json=paper["canonical_json"],
        receipt_text=_line(list(receipt.values()))[:-1],
        aliases=tuple(aliases),
        log_text=_line([leaf["leaf_hash"], leaf["leaf_type"], leaf["ref"], leaf["pith_number"],
                        leaf["leaf_json"]])[:-1],
        empty_lists=tuple(n for n, t in columns
                          if t == ":string[]" and n in paper and not paper[n]),
    )


def _paper_chunk(args: tuple[Format, list[tuple[int, str]]]) -> list[tuple[Any, ...]]:
    """Parse, hash, sign and format one chunk of lines (in a worker process)."""
    fmt, lines = args
    assert _worker_key is not None and _worker_now is not None
    out: list[tuple[Any, ...]] = []
    for item in parse_lines(fmt, lines):
        if isinstance(item, PaperLine):
            (row,) = registration_rows([prepare(item.paper)], _worker_key, _worker_now)
            out.append(("paper", item.line, _format(item.line, item.warnings, row)))
        elif isinstance(item, BadLine):
            out.append(("bad", item.line, item.reason))
        elif isinstance(item, SkippedLine):
            out.append(("skip", item.line, item.reason))
    return out


def _chunks(file: InputFile, fmt: Format) -> Iterator[tuple[Format, list[tuple[int, str]]]]:
    chunk: list[tuple[int, str]] = []
    for pair in file.lines():
        chunk.append(pair)
        if len(chunk) >= _CHUNK_LINES:
            yield fmt, chunk
            chunk = []
    if chunk:
        yield fmt, chunk


# -- the import files --------------------------------------------------------------------------


class _Files:
    """The import directory: one header file and one data file per node label / relationship."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.open: dict[str, IO[str]] = {}
        self.headers: dict[str, str] = {}

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
        data = self.dir / f"{name}.csv"
        if not data.exists():
            data.write_text("", encoding="utf-8")
        return f"{self.dir / f'{name}.header.csv'},{data}"


@dataclass
class _Paper:
    pith: str
    source_id: str
    version: int
    submitted_at: str | None
    primary_cat: str | None


class _Graph:
    """What phases 1 and 2 learnt, in compact arrays (one index per new paper, in log order)."""

    def __init__(self) -> None:
        self.papers: list[_Paper] = []
        self.by_version: dict[tuple[str, int], tuple[str, str]] = {}  # -> (sha, pith)
        self.versions: dict[str, list[tuple[int, int]]] = {}  # source id -> [(version, index)]
        self.latest: dict[str, int] = {}
        self.doi: dict[str, list[int]] = {}
        self.empty_lists: dict[str, list[str]] = {}
        self.cited = array("q")
        self.citing = array("q")
        # other sources' records of registered versions (the metadata_conflict detector reads
        # them): (registered sha, other sha) -> [registered pith, other canonical JSON, sources]
        self.claims: dict[tuple[str, str], tuple[str, str, list[str]]] = {}

    def claim(self, registered: tuple[str, str], other: _Formatted, source: str) -> None:
        key = (registered[0], other.sha)
        held = self.claims.setdefault(key, (registered[1], other.canonical_json, []))
        if source not in held[2]:
            held[2].append(source)


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
    columns: tuple[tuple[str, str], ...] | None = None
    aliases_seen: set[tuple[str, str]] = set()
    pending = out.dir / "papers.pending"
    started, last = time.monotonic(), 0.0
    stamp = None
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
            for results in pool.imap(_paper_chunk, _chunks(file, fmt), chunksize=1):
                for result in results:
                    kind, line = result[0], result[1]
                    if kind == "bad":
                        stats.malformed += 1
                        reporter.problem(path, line, "malformed", result[2])
                        if strict:
                            raise MalformedLine(str(path), line, result[2])
                        continue
                    if kind == "skip":
                        stats.skipped[result[2]] += 1
                        reporter.problem(path, line, "skipped", result[2])
                        continue
                    f: _Formatted = result[2]
                    for warning in f.warnings:
                        stats.warnings += 1
                        reporter.problem(path, line, "warning", warning)
                    version = (f.source_id, f.version)
                    known = graph.by_version.get(version)
                    if known is not None:
                        if known[0] == f.sha:
                            stats.papers_unchanged += 1
                        else:
                            graph.claim(known, f, f"{path.name}:{line}")
                            stats.papers_conflicting += 1
                            stats.skipped["version registered with other metadata"] += 1
                            reporter.problem(
                                path, line, "skipped",
                                f"{version[0]}v{version[1]} is registered as {known[1]} with "
                                "other metadata",
                            )
                        continue
                    if columns is None:
                        columns, receipt_columns, stamp = f.columns, f.receipt_columns, f.now
                        out.header(
                            "papers",
                            [f"{n}{t}" if n != "pith_number" else "pith_number:ID(Paper)"
                             for n, t in columns]
                            + ["created_at", "updated_at", "integrity_dirty", "is_latest:boolean",
                               "citation_count:long", "reference_count:long"],
                        )
                        out.header("receipts", [":ID(Receipt)", *receipt_columns])
                        out.header("has_receipt", [":START_ID(Paper)", ":END_ID(Receipt)"])
                        out.header("aliases", [":ID(Alias)", "kind", "value", "created_at"])
                        out.header("alias_of", [":START_ID(Alias)", ":END_ID(Paper)"])
                        out.header("log_entries", [":ID(LogEntry)", "index:long", "leaf_hash",
                                                   "leaf_type", "ref", "pith_number", "leaf_json"])
                    if f.columns != columns or f.receipt_columns != receipt_columns:
                        raise BulkImportError(f"{path}:{line}: the paper row changed shape")
                    index = len(graph.papers)
                    pith = f.pith
                    quoted = _quote(pith)
                    graph.by_version[version] = (f.sha, pith)
                    graph.papers.append(_Paper(pith, f.source_id, f.version, f.submitted_at,
                                               f.primary_cat))
                    graph.versions.setdefault(f.source_id, []).append((f.version, index))
                    for name in f.empty_lists:
                        graph.empty_lists.setdefault(name, []).append(pith)
                    held.write(f"{index} {len(f.paper_text)}\n{f.paper_text}")
                    receipts.write(f"{quoted},{f.receipt_text}\n")
                    has_receipt.write(f"{quoted},{quoted}\n")
                    for akey in f.aliases:
                        aid = _quote(f"{akey[0]}:{akey[1]}")
                        if akey not in aliases_seen:
                            aliases_seen.add(akey)
                            alias_nodes.write(_line([f"{akey[0]}:{akey[1]}", akey[0], akey[1],
                                                     f.now]))
                        alias_of.write(f"{aid},{quoted}\n")
                        if akey[0] == "doi":
                            graph.doi.setdefault(akey[1], []).append(index)
                    log.write(f"{index},{index},{f.log_text}\n")
                    stats.papers_new += 1
                now_t = time.monotonic()
                if now_t - last >= 2.0:
                    last = now_t
                    rate = stats.papers_seen / max(now_t - started, 1e-9)
                    reporter.progress("papers", f"{stats.papers_seen:,} papers ({rate:,.0f}/s)")
    # versions: is_latest and SUPERSEDES between consecutive registered versions
    supersedes = out.writer("supersedes")
    out.header("supersedes", [":START_ID(Paper)", ":END_ID(Paper)"])
    for sid, versions in graph.versions.items():
        versions.sort()
        graph.latest[sid] = versions[-1][1]
        for (_, older), (_, newer) in zip(versions, versions[1:], strict=False):
            supersedes.write(_line([graph.papers[newer].pith, graph.papers[older].pith]))
    out.header("log_head", [":ID(LogHead)", "log_id", "size:long", "lock_token"])
    if graph.papers:
        out.writer("log_head").write(_line(["main", "main", len(graph.papers), f"bulk {stamp}"]))
    # No (:LogIntegration) node and no tiles: like after a transactional ingest, nothing is tiled
    # yet, and the integrator (serve's start-up) creates the node and tiles the log from leaf 0.
    out.header("source_claims", [":ID(SourceClaim)", "paper_sha256", "canonical_sha256",
                                 "canonical_json", "sources:string[]"])
    out.header("claims_version_of", [":START_ID(SourceClaim)", ":END_ID(Paper)"])
    claims, claims_of = out.writer("source_claims"), out.writer("claims_version_of")
    for (registered, other), (pith, canonical, sources) in graph.claims.items():
        cid = f"{registered}:{other}"
        claims.write(_line([cid, registered, other, canonical, sources]))
        claims_of.write(_line([cid, pith]))
    graph.cited = array("q", bytes(8 * len(graph.papers)))
    graph.citing = array("q", bytes(8 * len(graph.papers)))
    return pending


def _sort_key(p: _Paper) -> str:
    return f"{p.submitted_at or '~'} {p.pith}"


def _phase_citations(
    files: Sequence[tuple[Path, Format]],
    out: _Files,
    graph: _Graph,
    report: BulkReport,
    reporter: BulkReporter,
    strict: bool,
) -> None:
    """Phase 2: edges to papers (one per pair, last row's position/raw) and to works."""
    stats = report.stats
    papers = graph.papers
    # one edge per (citing, cited) pair, keyed citing * n + cited (a small int, not a tuple)
    n = max(len(papers), 1)
    to_paper: dict[int, tuple[Any, Any]] = {}
    nothing = (None, None)
    to_work: dict[tuple[int, str, str], tuple[Any, Any]] = {}
    started, last = time.monotonic(), 0.0
    seen_rows = 0
    doi_target: dict[str, int | None] = {}
    for path, fmt in files:
        if fmt.has_papers:
            continue
        for item in parse_lines(fmt, InputFile(path).lines()):
            seen_rows += 1
            if isinstance(item, CitationLine):
                c = item.citation
                citing = graph.latest.get(c.citing)
                if citing is None:
                    stats.skipped["citing paper is not registered"] += 1
                    reporter.problem(path, item.line, "skipped", "citing paper is not registered")
                    continue
                kind = c.target_kind.value
                if kind == "arxiv":
                    target = graph.latest.get(c.target)
                else:
                    if c.target not in doi_target:
                        latest = [i for i in graph.doi.get(c.target, ())
                                  if graph.latest.get(papers[i].source_id) == i]
                        doi_target[c.target] = (
                            min(latest, key=lambda i: papers[i].pith) if latest else None
                        )
                    target = doi_target[c.target]
                value = nothing if c.position is None and c.raw is None else (c.position, c.raw)
                if target is not None:
                    to_paper[citing * n + target] = value
                    stats.citations_written += 1
                else:
                    to_work[(citing, kind, c.target)] = value
                    stats.citations_unresolved += 1
            elif isinstance(item, BadLine):
                stats.malformed += 1
                reporter.problem(path, item.line, "malformed", item.reason)
                if strict:
                    raise MalformedLine(str(path), item.line, item.reason)
            elif isinstance(item, SkippedLine):
                stats.skipped[item.reason] += 1
                reporter.problem(path, item.line, "skipped", item.reason)
            now_t = time.monotonic()
            if now_t - last >= 2.0 and seen_rows % 4096 == 0:
                last = now_t
                reporter.progress(
                    "citations",
                    f"{seen_rows:,} rows ({seen_rows / max(now_t - started, 1e-9):,.0f}/s)",
                )
    out.header("cites_papers", [":START_ID(Paper)", ":END_ID(Paper)", "position:long", "raw",
                                "out_key", "in_key", "out_cat_key", "in_cat_key"])
    write = out.writer("cites_papers").write
    cited, citing_count = graph.cited, graph.citing
    for pair, (position, raw) in to_paper.items():
        ci, ti = divmod(pair, n)
        c, t = papers[ci], papers[ti]
        write(_line([
            c.pith, t.pith, position, raw,
            f"{c.pith} {_sort_key(t)}",
            f"{t.pith} {_sort_key(c)}",
            f"{c.pith} {t.primary_cat or ''} {_sort_key(t)}",
            f"{t.pith} {c.primary_cat or ''} {_sort_key(c)}",
        ]))
        cited[ti] += 1
        citing_count[ci] += 1
    out.header("works", [":ID(Work)", "kind", "value"])
    out.header("cites_works", [":START_ID(Paper)", ":END_ID(Work)", "position:long", "raw",
                               "out_key"])
    works = out.writer("works").write
    cites_works = out.writer("cites_works").write
    work_ids: set[tuple[str, str]] = set()
    for (ci, kind, value), (position, raw) in to_work.items():
        wkey = (kind, value)
        if wkey not in work_ids:
            work_ids.add(wkey)
            works(_line([f"{kind}:{value}", kind, value]))
        c = papers[ci]
        cites_works(_line([c.pith, f"{kind}:{value}", position, raw,
                           f"{c.pith} ~ ~{kind}:{value}"]))
        citing_count[ci] += 1
    report.counts.update(
        papers=len(papers), citations=len(to_paper), unresolved=len(to_work), works=len(work_ids)
    )


def _phase_nodes(pending: Path, out: _Files, graph: _Graph) -> None:
    """Phase 3: the Paper file, with ``is_latest`` and the counts."""
    write = out.writer("papers").write
    latest = set(graph.latest.values())
    with pending.open("r", encoding="utf-8", newline="") as held:
        while True:
            head = held.readline()
            if not head:
                break
            index_text, length = head.split()
            index = int(index_text)
            text = held.read(int(length))
            write(text + "," + ",".join([
                "true" if index in latest else "false",
                str(graph.cited[index]),
                str(graph.citing[index]),
            ]) + "\n")
    pending.unlink()


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
        _phase_citations(ordered, out, graph, report, reporter, strict)
        _phase(report, reporter, "citations", t0,
               f"{report.counts['citations']:,} edges, {report.counts['unresolved']:,} to works")
        t0 = time.monotonic()
        _phase_nodes(pending, out, graph)
        _phase(report, reporter, "nodes", t0, f"{len(graph.papers):,} paper rows")
    finally:
        out.close()
    return report, graph, out


def _phase(report: BulkReport, reporter: BulkReporter, name: str, t0: float, detail: str) -> None:
    seconds = time.monotonic() - t0
    report.phases.append((name, seconds, detail))
    reporter.phase(name, seconds, detail)


def _import_args(out: _Files) -> list[str]:
    nodes = [("Paper", "papers"), ("Receipt", "receipts"), ("Alias", "aliases"),
             ("LogEntry", "log_entries"), ("LogHead", "log_head"), ("Work", "works"),
             ("SourceClaim", "source_claims")]
    rels = [("HAS_RECEIPT", "has_receipt"), ("ALIAS_OF", "alias_of"),
            ("SUPERSEDES", "supersedes"), ("CITES", "cites_papers"), ("CITES", "cites_works"),
            ("CLAIMS_VERSION_OF", "claims_version_of")]
    return [
        "database", "import", "full", "neo4j",
        *(f"--nodes={label}={out.arg(name)}" for label, name in nodes),
        *(f"--relationships={kind}={out.arg(name)}" for kind, name in rels),
        "--array-delimiter=U+001F",
        # Abstracts and comments hold newlines. (The v2 form naming only the papers file fails on
        # real abstracts in 5.26: "Weird input data, found CR outside a text cell".)
        "--multiline-fields=true",
        "--threads=2",
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
    heap: str = "1g",
    database: str = "neo4j",
    check_empty: Callable[[Path], int] | None = None,
) -> BulkReport:
    """The whole bulk import into the local launcher's data directory ``neo4j_dir``."""
    from pith_graph.config import Settings
    from pith_graph.neo4j_local import LocalNeo4j, free_port, run_admin_tool
    from pith_graph.store.bulk_load import set_empty_lists
    from pith_graph.store.counts import rebuild_cells
    from pith_graph.store.driver import open_driver
    from pith_graph.store.graph_content import graph_counts
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
        tail = [line for line in result.stdout.splitlines() if line.strip()][-6:]
        _phase(report, reporter, "import", t0, " ".join(t.strip() for t in tail[-5:-1]))
        t0 = time.monotonic()
        with LocalNeo4j(data_dir=work, port=free_port(), heap="1g", page_cache="1g") as server:
            settings = Settings(neo4j_uri=server.uri, neo4j_database=database)
            with open_driver(settings) as driver:
                apply_schema_for_bulk_load(driver, database)
                for name, piths in graph.empty_lists.items():
                    set_empty_lists(driver, database, name, piths)
                rebuild_cells(driver, database)
                counts = graph_counts(driver, database)
        if counts != report.counts:
            raise BulkImportError(f"the imported graph has {counts}, expected {report.counts}")
        _phase(report, reporter, "schema", t0, "constraints and indexes online, counts checked")
        t0 = time.monotonic()
        shutil.rmtree(csv_dir)
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

