"""``pith-graph harvest arxiv``: register arXiv's new and revised papers over OAI-PMH.

Exit codes:

- 0: the run completed (every record registered, found unchanged, reported deleted or skipped
  with a stated reason);
- 1: completed, but malformed records were reported and skipped;
- 2: usage error (a bad date, endpoint or option);
- 3: the endpoint failed after every retry, or answered an OAI-PMH error; the state is kept and
  the next run resumes where this one stopped;
- 4: the database or the signing key is unavailable;
- 5: another harvest of the same source and set is running.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

from pith_graph.config import Settings

EXIT_OK, EXIT_MALFORMED, EXIT_USAGE, EXIT_ENDPOINT, EXIT_UNAVAILABLE, EXIT_BUSY = 0, 1, 2, 3, 4, 5

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?")
_FIRST_DAY = date(1991, 8, 1)  # arXiv's first month; OAI datestamps cannot be older


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from pith_graph.ingest.harvest.harvester import ARXIV_ENDPOINT, ARXIV_LEGACY_ENDPOINT
    from pith_graph.ingest.harvest.records import METADATA_PREFIXES

    parser = subparsers.add_parser(
        "harvest",
        help="register new and revised papers from an OAI-PMH endpoint (arXiv)",
        description="Harvest an OAI-PMH source into the registry.",
    )
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    arxiv = sources.add_parser(
        "arxiv",
        help="arXiv over OAI-PMH (ListRecords, arXivRaw)",
        description="ListRecords from arXiv's OAI-PMH endpoint; every record goes through the "
        "registration path of `ingest` (canonicalise, hash, sign, one write per page). The "
        "resumption token and the last datestamp are kept in the graph: a run killed at any point "
        "resumes where it stopped, and --from defaults to the last datestamp harvested. Exit "
        "codes: 0 ok, 1 malformed records skipped, 2 usage error, 3 endpoint failed (resumable), "
        "4 database or signing key unavailable, 5 another harvest is running.",
    )
    arxiv.add_argument(
        "--from", dest="from_", metavar="DATE",
        help="first datestamp, YYYY-MM-DD (default: the last datestamp harvested; the first run "
        "harvests everything)",
    )
    arxiv.add_argument("--until", metavar="DATE", help="last datestamp, YYYY-MM-DD")
    arxiv.add_argument("--set", dest="set_spec", metavar="SET", help="OAI set, e.g. physics:hep-th or cs")
    arxiv.add_argument(
        "--endpoint", metavar="URL",
        help=f"OAI-PMH base URL (default: PITH_HARVEST_ENDPOINT or {ARXIV_ENDPOINT}; arXiv's "
        f"older endpoint is {ARXIV_LEGACY_ENDPOINT})",
    )
    arxiv.add_argument(
        "--metadata-prefix", default="arXivRaw", choices=METADATA_PREFIXES,
        help="arXivRaw (default: every version with its date) or arXiv (no versions: only papers "
        "never revised are registered, as v1 at T00:00:00Z)",
    )
    arxiv.add_argument(
        "--delay", type=float, metavar="SECONDS",
        help="pause between requests (default: PITH_HARVEST_DELAY or 3)",
    )
    arxiv.add_argument("--retries", type=int, default=8, help="retries of a failed request")
    arxiv.add_argument(
        "--backoff", type=float, default=2.0, metavar="SECONDS",
        help="first retry's wait; doubled at each retry (a Retry-After header wins)",
    )
    arxiv.add_argument("--verbose", action="store_true", help="list every skipped record")
    arxiv.add_argument(
        "--no-integrity",
        dest="integrity",
        action="store_false",
        help="do not run the integrity detectors on what was harvested (pith-graph integrity run)",
    )
    arxiv.set_defaults(func=_harvest)


def parse_oai_date(text: str, today: date | None = None) -> str:
    """A ``--from``/``--until`` value: ``YYYY-MM-DD`` (or ``…Thh:mm:ssZ``), between arXiv's first
    month and tomorrow; raises ValueError saying why not."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date like 2024-01-31")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
        if match[4] is not None:
            datetime(day.year, day.month, day.day, int(match[4]), int(match[5]), int(match[6]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date: {exc}") from None
    latest = (today or datetime.now(UTC).date()) + timedelta(days=1)
    if not _FIRST_DAY <= day <= latest:
        raise ValueError(f"{text!r} is outside {_FIRST_DAY}..{latest}")
    return text.strip()


class ConsoleHarvestReporter:
    """Pages and problems on stderr, the summary on stdout."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, verbose: bool = False):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.verbose = verbose
        self.printed: dict[str, int] = {}
        self.started = time.monotonic()

    def page(self, number: int, stats: object) -> None:
        from pith_graph.ingest.harvest.harvester import HarvestStats

        assert isinstance(stats, HarvestStats)
        p = stats.papers
        elapsed = max(time.monotonic() - self.started, 1e-9)
        print(
            f"harvest: page {number}: {stats.records} records ({stats.records / elapsed:,.1f}/s): "
            f"{p.papers_new} new, {p.papers_unchanged} unchanged, {p.papers_conflicting} "
            f"conflicting, {stats.deleted} deleted",
            file=self.err,
            flush=True,
        )

    def problem(self, identifier: str, kind: str, reason: str) -> None:
        count = self.printed.get(kind, 0) + 1
        self.printed[kind] = count
        if kind == "malformed" or self.verbose or count <= 20:
            print(f"{identifier}: {kind}: {reason}", file=self.err, flush=True)
        elif count == 21:
            print(f"harvest: further '{kind}' records are counted in the summary (--verbose lists all)",
                  file=self.err, flush=True)

    def note(self, message: str) -> None:
        print(f"harvest: {message}", file=self.err, flush=True)

    def summary(self, stats: object, papers_in_graph: int) -> None:
        from pith_graph.ingest.harvest.harvester import HarvestStats

        assert isinstance(stats, HarvestStats)
        p = stats.papers
        lines = [
            f"harvest:  from {stats.from_ or 'the beginning'}{' (resumed)' if stats.resumed else ''}; "
            f"{stats.pages} pages, {stats.records} records, {stats.requests} requests, "
            f"{time.monotonic() - self.started:.1f} s",
            f"papers:   {p.papers_new} new, {p.papers_unchanged} unchanged, "
            f"{p.papers_conflicting} conflicting (graph: {papers_in_graph})",
            f"deleted:  {stats.deleted} (reported; their papers stay registered)",
            f"rejected: {p.malformed} malformed, {sum(p.skipped.values())} skipped",
        ]
        lines += [f"  skipped: {n} x {reason}" for reason, n in sorted(p.skipped.items())]
        if p.warnings:
            lines.append(f"warnings: {p.warnings} (repaired or left-out fields)")
        lines.append(f"last datestamp: {stats.last_datestamp or '-'} (the next run's default --from)")
        print("\n".join(lines), file=self.out, flush=True)


def _harvest(args: argparse.Namespace) -> int:
    from pith_graph.ingest.harvest.harvester import HarvestRequest

    settings = Settings.from_env()
    try:
        from_ = parse_oai_date(args.from_) if args.from_ else None
        until = parse_oai_date(args.until) if args.until else None
    except ValueError as exc:
        print(f"pith-graph harvest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if from_ and until and from_[:10] > until[:10]:
        print(f"pith-graph harvest: --from {from_} is after --until {until}", file=sys.stderr)
        return EXIT_USAGE
    endpoint = args.endpoint or settings.harvest_endpoint
    if not re.fullmatch(r"https?://[^\s/?#]+[^\s?#]*", endpoint):
        print(f"pith-graph harvest: --endpoint {endpoint!r} is not an http(s) URL", file=sys.stderr)
        return EXIT_USAGE
    if args.set_spec is not None and not re.fullmatch(r"[A-Za-z0-9_.:!~*'()-]{1,100}", args.set_spec):
        print(f"pith-graph harvest: --set {args.set_spec!r} is not an OAI set spec", file=sys.stderr)
        return EXIT_USAGE
    delay = settings.harvest_delay if args.delay is None else args.delay
    if not 0 <= delay <= 3600 or not 0 <= args.retries <= 100 or not 0 <= args.backoff <= 3600:
        print("pith-graph harvest: --delay/--backoff must be 0..3600 s, --retries 0..100",
              file=sys.stderr)
        return EXIT_USAGE
    request = HarvestRequest(
        endpoint=endpoint,
        metadata_prefix=args.metadata_prefix,
        from_=from_,
        until=until,
        set_spec=args.set_spec,
    )
    reporter = ConsoleHarvestReporter(verbose=args.verbose)
    return run_harvest(
        settings, request, reporter, delay=delay, retries=args.retries, backoff=args.backoff,
        integrity=args.integrity,
    )


def run_harvest(
    settings: Settings,
    request: object,
    reporter: ConsoleHarvestReporter,
    *,
    delay: float,
    retries: int = 8,
    backoff: float = 2.0,
    integrity: bool = True,
) -> int:
    """Run one harvest on ``settings``' database; the exit code. (``serve`` schedules this.)

    Then, unless ``integrity`` is false, the integrity detectors run on what it changed (the
    papers it registered and those it recorded another source's claim on), as after ``ingest``.
    """
    from neo4j.exceptions import ServiceUnavailable

    from pith_graph import keystore
    from pith_graph.cli._neo4j import connected_settings
    from pith_graph.cli.ingest import _signing_key
    from pith_graph.ingest.harvest.client import OaiEndpointError, PoliteSickle, user_agent
    from pith_graph.ingest.harvest.harvester import HarvestBusy, Harvester, HarvestRequest
    from pith_graph.store import graph_content as store
    from pith_graph.store.driver import open_driver
    from pith_graph.store.errors import StoreUnavailable
    from pith_graph.store.migrations import apply_migrations

    assert isinstance(request, HarvestRequest)
    try:
        key = _signing_key(settings.data_dir)
    except keystore.KeyStoreError as exc:
        print(f"pith-graph harvest: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    client = PoliteSickle(
        request.endpoint,
        agent=user_agent(settings.public_base_url, settings.harvest_contact),
        delay=delay,
        max_retries=retries,
        backoff=backoff,
    )
    try:
        with connected_settings(settings, quiet=True) as ready, open_driver(ready) as driver:
            apply_migrations(driver, ready.neo4j_database)
            harvester = Harvester(
                driver, ready.neo4j_database, key, reporter, client, clock=lambda: datetime.now(UTC)
            )
            try:
                stats = harvester.run(request)
            except HarvestBusy as exc:
                print(f"pith-graph harvest: {exc}", file=sys.stderr)
                return EXIT_BUSY
            except OaiEndpointError as exc:
                print(f"pith-graph harvest: {exc}; the next run resumes here", file=sys.stderr)
                return EXIT_ENDPOINT
            papers = store.graph_counts(driver, ready.neo4j_database)["papers"]
            findings = (
                _integrity(ready)
                if integrity and (stats.written or stats.papers.papers_conflicting)
                else []
            )
    except (ServiceUnavailable, StoreUnavailable) as exc:
        print(f"pith-graph harvest: Neo4j unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    reporter.summary(stats, papers)
    if findings:
        print("\n".join(findings), file=reporter.out, flush=True)
    return EXIT_MALFORMED if stats.papers.malformed else EXIT_OK


def _integrity(settings: Settings) -> list[str]:
    """The integrity detectors on the papers changed since their last run (what was harvested)."""
    from pith_graph.cli.integrity import ConsoleRunProgress, run_detectors, summary_lines

    return summary_lines(run_detectors(settings, ConsoleRunProgress(interval=5.0)))


class HarvestSchedule:
    """``serve``'s background harvest of arXiv every ``PITH_HARVEST_INTERVAL`` seconds.

    One daemon thread in the serving process (the supervisor when there are several workers):
    a run starts right after start-up, then every interval after the previous run ended. A
    failed run is reported and the next one resumes it; a run that finds another harvest
    holding the lease (a manual ``pith-graph harvest``) waits for the next interval.
    """

    def __init__(self, settings: Settings) -> None:
        import threading

        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="harvest-schedule", daemon=True)
        self.runs: list[int] = []

    def start(self) -> HarvestSchedule:
        print(
            f"pith-graph serve: harvesting {self.settings.harvest_endpoint} every "
            f"{self.settings.harvest_interval:g} s",
            file=sys.stderr,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        from pith_graph.ingest.harvest.harvester import HarvestRequest

        while not self._stop.is_set():
            try:
                code = run_harvest(
                    self.settings,
                    HarvestRequest(endpoint=self.settings.harvest_endpoint),
                    ConsoleHarvestReporter(),
                    delay=self.settings.harvest_delay,
                )
            except Exception as exc:
                print(f"pith-graph serve: scheduled harvest failed: {exc!r}", file=sys.stderr)
                code = -1
            self.runs.append(code)
            self._stop.wait(self.settings.harvest_interval)
