"""The harvest use case: OAI-PMH ``ListRecords`` pages → the ingest's registration path.

Per page: parse the records (:mod:`.records`), register the papers through the ingest's own
batch path (:meth:`~pith_graph.ingest.pipeline.Ingestor.write_papers`: canonicalise, hash, drop
the known versions, sign, then one write), and only then save the next page's resumption token
in the graph (:mod:`pith_graph.store.harvest_state`). A run killed at any point therefore
resumes at a page whose papers are written or not, never after a page that is not: no gaps, and
the writes are idempotent, so no duplicates. When the stored token has expired, or the endpoint
no longer knows it, the run starts again from its own ``from`` (what was written is found
unchanged). A completed run stores the newest datestamp it saw: the next run's default
``from`` (inclusive, so a day harvested while arXiv was still announcing it is read again).

What a record does: a new version of a known paper registers a new pith number and becomes the
latest (the writer re-links versions); a version registered with the same canonical record is
unchanged; one registered with other metadata keeps its number and is reported; a deleted
record (``status="deleted"``) is reported and its papers stay registered (a pith number is
never withdrawn).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from neo4j import Driver
from sickle import oaiexceptions

from pith_graph.core.receipts import format_receipt_time
from pith_graph.core.signing import SigningKey
from pith_graph.ingest.errors import IngestError
from pith_graph.ingest.formats import BadLine, Format, PaperLine, SkippedLine
from pith_graph.ingest.harvest.client import OaiEndpointError, PoliteSickle
from pith_graph.ingest.harvest.records import METADATA_PREFIXES, page_records, parse_record
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile
from pith_graph.store import harvest_state as state_store

__all__ = [
    "ARXIV_ENDPOINT",
    "ARXIV_LEGACY_ENDPOINT",
    "HarvestBusy",
    "HarvestRequest",
    "HarvestStats",
    "Harvester",
    "harvest_id",
]

ARXIV_ENDPOINT = "https://oaipmh.arxiv.org/oai"
ARXIV_LEGACY_ENDPOINT = "http://export.arxiv.org/oai2"


class HarvestBusy(IngestError):
    """Another harvest of the same source holds the lease (or took it over from this one)."""


@dataclass(frozen=True, slots=True)
class HarvestRequest:
    endpoint: str = ARXIV_ENDPOINT
    metadata_prefix: str = "arXivRaw"
    from_: str | None = None
    until: str | None = None
    set_spec: str | None = None


@dataclass
class HarvestStats:
    """What one run did; ``papers`` is the ingest's account of the registrations."""

    papers: IngestStats
    pages: int = 0
    records: int = 0
    deleted: int = 0
    requests: int = 0
    resumed: bool = False
    from_: str | None = None
    last_datestamp: str | None = None
    written: list[str] = field(default_factory=list)


class HarvestReporter(Protocol):
    def page(self, number: int, stats: HarvestStats) -> None: ...
    def problem(self, identifier: str, kind: str, reason: str) -> None: ...
    def note(self, message: str) -> None: ...


def harvest_id(set_spec: str | None) -> str:
    """The state node's key: one per source and set."""
    return f"arxiv:{set_spec}" if set_spec else "arxiv"


def _max(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


class _Problems:
    """The ingest's reporter for harvested pages: line numbers name records of the run."""

    def __init__(self, reporter: HarvestReporter) -> None:
        self.reporter = reporter
        self.identifiers: dict[int, str] = {}

    def start_file(self, file: InputFile, fmt: Format) -> None: ...
    def progress(self, file: InputFile, stats: IngestStats) -> None: ...
    def end_file(self, file: InputFile, stats: IngestStats) -> None: ...

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        self.reporter.problem(self.identifiers.get(line, f"record {line}"), kind, reason)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _dead_local_owner(owner: Any) -> bool:
    """A lease held by a process of this host that is gone (a killed run)."""
    if not isinstance(owner, str) or owner.count(":") < 2:
        return False
    host, pid_text, _ = owner.rsplit(":", 2)
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # an earlier process that had our pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Harvester:
    """One harvest run of one source (``run`` may be called once)."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        key: SigningKey,
        reporter: HarvestReporter,
        client: PoliteSickle,
        *,
        clock: Callable[[], datetime],
        lease_seconds: float = 900.0,
        batch_size: int = 5000,
    ) -> None:
        self.driver = driver
        self.database = database
        self.reporter = reporter
        self.client = client
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.owner = _owner()
        self._problems = _Problems(reporter)
        self.ingestor = Ingestor(
            driver, database, key, self._problems, clock=clock, batch_size=batch_size,
            keep_written=True,
        )
        self.stats = HarvestStats(papers=self.ingestor.stats)
        client.on_retry = lambda reason, wait: reporter.note(f"retrying in {wait:g} s: {reason}")

    def _times(self) -> dict[str, str]:
        now = self.clock()
        return {
            "now": format_receipt_time(now),
            "lease_until": format_receipt_time(now + timedelta(seconds=self.lease_seconds)),
        }

    def run(self, request: HarvestRequest) -> HarvestStats:
        if request.metadata_prefix not in METADATA_PREFIXES:
            raise ValueError(f"metadata prefix {request.metadata_prefix!r}: use {METADATA_PREFIXES}")
        hid = harvest_id(request.set_spec)
        state = self._claim(hid)
        try:
            self._run(hid, state, request)
        except BaseException:
            try:
                state_store.release_lease(self.driver, self.database, hid, self.owner)
            except Exception:
                pass
            raise
        finally:
            self.ingestor.close()
            self.stats.requests = self.client.requests_made
        self.stats.written = list(self.ingestor.written or [])
        return self.stats

    def _claim(self, hid: str) -> dict[str, Any]:
        current = state_store.read_state(self.driver, self.database, hid) or {}
        holder = current.get("lease_owner")
        takeover = [holder] if isinstance(holder, str) and _dead_local_owner(holder) else []
        state = state_store.claim_lease(
            self.driver, self.database, hid, self.owner, takeover=takeover, **self._times()
        )
        if state is None:
            raise HarvestBusy(
                f"another harvest of {hid} is running ({holder}, lease until "
                f"{current.get('lease_until')}); try again when it has finished"
            )
        return state

    def _resumable(self, state: dict[str, Any], request: HarvestRequest) -> bool:
        if state.get("run_endpoint") is None:
            return False
        same = (
            state.get("run_endpoint") == request.endpoint
            and state.get("run_prefix") == request.metadata_prefix
            and state.get("run_set") == request.set_spec
            and state.get("run_until") == request.until
        )
        return same and request.from_ in (None, state.get("run_from"))

    def _run(self, hid: str, state: dict[str, Any], request: HarvestRequest) -> None:
        stats = self.stats
        token: str | None = None
        if self._resumable(state, request):
            stats.resumed = True
            run_from = state.get("run_from")
            token = state.get("resumption_token")
            stats.pages = int(state.get("run_pages") or 0)
            max_datestamp = state.get("run_max_datestamp")
            if token is None and stats.pages > 0:
                # Killed after saving the last page and before completing: nothing is left.
                self._complete(hid, state, max_datestamp)
                return
            expires = state.get("token_expires")
            if token and expires and expires < format_receipt_time(self.clock()):
                self.reporter.note(f"the stored resumption token expired at {expires}")
                token = None
            if token is None:
                stats.pages, max_datestamp = 0, None
            self.reporter.note(
                f"resuming the run from {run_from or 'the beginning'}"
                + (f" after page {stats.pages}" if token else ", at its first page")
            )
        else:
            run_from = request.from_ if request.from_ is not None else state.get("last_datestamp")
            max_datestamp = None
            if not state_store.start_run(
                self.driver,
                self.database,
                hid,
                self.owner,
                endpoint=request.endpoint,
                prefix=request.metadata_prefix,
                set_spec=request.set_spec,
                from_=run_from,
                until=request.until,
                **self._times(),
            ):
                raise HarvestBusy(f"the lease on {hid} was taken over by another harvest")
        stats.from_ = run_from
        first = {"metadataPrefix": request.metadata_prefix}
        for name, value in (("from", run_from), ("until", request.until), ("set", request.set_spec)):
            if value:
                first[name] = value
        for root, next_token, next_expires in self._pages(first, token):
            max_datestamp = _max(max_datestamp, self._page(root))
            stats.pages += 1
            if not state_store.save_page(
                self.driver,
                self.database,
                hid,
                self.owner,
                token=next_token,
                expires=next_expires,
                max_datestamp=max_datestamp,
                pages=stats.pages,
                **self._times(),
            ):
                raise HarvestBusy(f"the lease on {hid} was taken over by another harvest")
            self.reporter.page(stats.pages, stats)
        self._complete(hid, state, max_datestamp)

    def _complete(self, hid: str, state: dict[str, Any], max_datestamp: str | None) -> None:
        last = _max(state.get("last_datestamp"), max_datestamp)
        self.stats.last_datestamp = last
        state_store.complete_run(
            self.driver, self.database, hid, self.owner, last_datestamp=last,
            now=self._times()["now"],
        )

    def _pages(
        self, first: dict[str, str], token: str | None
    ) -> Iterator[tuple[Any, str | None, str | None]]:
        """Each page's root element with the token (and its expiry) of the page after it."""
        params = {"resumptionToken": token} if token else dict(first)
        try:
            pages = self.client.ListRecords(**params)
        except oaiexceptions.NoRecordsMatch:
            return
        except oaiexceptions.BadResumptionToken:
            if not token:
                raise OaiEndpointError("the endpoint refused a request without a token") from None
            self.reporter.note("the endpoint no longer knows the stored resumption token")
            yield from self._pages(first, None)
            return
        except oaiexceptions.OAIError as exc:
            raise OaiEndpointError(f"OAI-PMH error {type(exc).__name__}: {exc}") from exc
        while True:
            try:
                response = next(pages)
            except StopIteration:
                return
            except oaiexceptions.OAIError as exc:
                raise OaiEndpointError(f"OAI-PMH error {type(exc).__name__}: {exc}") from exc
            nxt = pages.resumption_token
            next_token = nxt.token if nxt is not None and nxt.token else None
            expires = nxt.expiration_date if next_token else None
            yield response.xml, next_token, expires

    def _page(self, root: Any) -> str | None:
        """Register one page's papers; the newest datestamp on it."""
        stats = self.stats
        papers: list[PaperLine] = []
        newest: str | None = None
        self._problems.identifiers.clear()
        for record in page_records(root):
            stats.records += 1
            seq = stats.records
            self._problems.identifiers[seq] = record.identifier
            if record.datestamp:
                newest = _max(newest, record.datestamp)
            if record.deleted:
                stats.deleted += 1
                self.reporter.problem(
                    record.identifier,
                    "deleted",
                    f"deleted upstream (datestamp {record.datestamp}); "
                    "whatever was registered from it stays registered",
                )
                continue
            item = parse_record(record, seq)
            if isinstance(item, PaperLine):
                for warning in item.warnings:
                    stats.papers.warnings += 1
                    self.reporter.problem(record.identifier, "warning", warning)
                papers.append(item)
            elif isinstance(item, BadLine):
                stats.papers.malformed += 1
                self.reporter.problem(record.identifier, "malformed", item.reason)
            elif isinstance(item, SkippedLine):
                stats.papers.skipped[item.reason] += 1
                self.reporter.problem(record.identifier, "skipped", item.reason)
        if papers:
            self.ingestor.write_papers(Path("oai"), papers)
        return newest
