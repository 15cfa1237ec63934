"""``pith-graph demo load``: load the bundled demo sample (see ``pith_graph/demo/README.md``).

The sample goes through ``pith-graph ingest`` (papers, then citations) and the founding record
through ``pith-graph record import`` (verify, then write).
``pith-graph serve`` calls :func:`load_demo_if_empty` before it starts when ``PITH_LOAD_DEMO=1``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pith_graph.config import Settings

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
DEMO_FILES = ("hepth_papers.jsonl.gz", "arxiv_abs_papers.jsonl.gz", "hepth_citations.tsv.gz")
FOUNDING_RECORD = DEMO_DIR / "seed-2603.13419v2.json"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("demo", help="the bundled demo sample")
    commands = parser.add_subparsers(dest="demo_command", metavar="DEMO_COMMAND", required=True)
    load = commands.add_parser(
        "load",
        help="load the demo sample and the founding record",
        description="Ingest the demo sample (2,500 hep-th papers with their citations, 1,187 "
        "arXiv records with DOIs and versions) and import the founding record. Idempotent. "
        "Without --force nothing is loaded into a graph that already has papers.",
    )
    load.add_argument("--force", action="store_true", help="load even if the graph has papers")
    load.set_defaults(func=_load)


def _load(args: argparse.Namespace) -> int:
    from pith_graph.cli._neo4j import connected_settings

    with connected_settings(Settings.from_env()) as ready:
        return load_demo_if_empty(ready, force=args.force)


def load_demo_if_empty(settings: Settings, *, force: bool = False) -> int:
    """Load the demo into the graph at ``settings.neo4j_uri`` unless it has a paper already.

    Prints what it did; returns the exit code of the ingest (0 when nothing was to do).
    """
    from pith_graph.cli._progress import ConsoleReporter
    from pith_graph.cli.ingest import run_ingest
    from pith_graph.ingest.reader import sniff_format
    from pith_graph.store.driver import open_driver
    from pith_graph.store.graph_content import graph_counts
    from pith_graph.store.migrations import apply_migrations

    with open_driver(settings) as driver:
        apply_migrations(driver, settings.neo4j_database)
        papers = graph_counts(driver, settings.neo4j_database)["papers"]
    if papers and not force:
        print(f"pith-graph demo: the graph has {papers} papers already; demo not loaded", file=sys.stderr)
        return 0
    print(f"pith-graph demo: loading the demo sample from {DEMO_DIR}", file=sys.stderr)
    files = [(DEMO_DIR / name, sniff_format(DEMO_DIR / name)) for name in DEMO_FILES]
    options = argparse.Namespace(
        strict=False, batch_size=5000, edge_batch_size=20000, integrity=False
    )
    code = run_ingest(settings, files, ConsoleReporter(), options)
    _import_founding_record(settings)
    _run_integrity(settings)
    return code


def _run_integrity(settings: Settings) -> None:
    """The detectors over everything just loaded (the founding record included)."""
    from pith_graph.cli.integrity import ConsoleRunProgress, run_detectors, summary_lines

    report = run_detectors(settings, ConsoleRunProgress())
    print("pith-graph demo: " + "\n".join(summary_lines(report)), file=sys.stderr)


def _import_founding_record(settings: Settings) -> None:
    # Through `record import` (verify, then write): one import path for the demo and everyone.
    from pith_graph.cli.record_import import import_record_file

    code = import_record_file(settings, str(FOUNDING_RECORD))
    print(f"pith-graph demo: founding record import exited with {code}", file=sys.stderr)
