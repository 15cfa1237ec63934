"""The full shared data set (collected only where ../shared/data exists): every line parses, and
the smaller files go through the real pipeline into Neo4j. The whole set is ingested by the
benchmark (``make bench-ingest``)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.formats import BadLine, Format, parse_lines
from pith_graph.ingest.pipeline import Ingestor, IngestStats
from pith_graph.ingest.reader import InputFile, sniff_format
from pith_graph.store.graph_content import graph_content_hash, graph_counts

_REPO = Path(__file__).resolve().parents[2]
SHARED = next(
    (p for p in (_REPO.parent / "shared" / "data", Path("/work/shared/data")) if p.is_dir()), None
)

if SHARED is not None and os.environ.get("PITH_SKIP_SHARED_DATA") != "1":

    def test_every_shared_file_is_detected_and_has_no_malformed_line() -> None:
        assert SHARED is not None
        seen: dict[str, Counter[str]] = {}
        for path in sorted(SHARED.rglob("*.gz")):
            if "source" in path.parts:
                continue
            fmt = sniff_format(path)
            counts: Counter[str] = Counter()
            for item in parse_lines(fmt, InputFile(path).lines()):
                assert not isinstance(item, BadLine), f"{path}:{item.line}: {item.reason}"
                counts[type(item).__name__] += 1
            seen[path.name] = counts
        if "hepth_papers.jsonl.gz" in seen:
            assert seen["hepth_papers.jsonl.gz"]["PaperLine"] == 29555
        if "hepth_citations.tsv.gz" in seen:
            assert seen["hepth_citations.tsv.gz"]["CitationLine"] == 352807
        if "arxiv_abs_papers.jsonl.gz" in seen:
            assert sniff_format(SHARED / "arxiv_abs_sample" / "arxiv_abs_papers.jsonl.gz") is (
                Format.ARXIV_METADATA
            )

    def test_the_smaller_shared_files_ingest_with_every_line_accounted_for_and_rerun_is_a_no_op(
        clean_graph: Driver, settings: Settings
    ) -> None:
        """Every shared file but the big hep-th pair, through the real pipeline into Neo4j."""
        assert SHARED is not None
        files = [
            (p, sniff_format(p))
            for p in sorted(SHARED.rglob("*.gz"))
            if "source" not in p.parts and "hepth" not in p.parts and "hepph" not in p.parts
        ]
        expected: Counter[str] = Counter()
        for path, fmt in files:
            for item in parse_lines(fmt, InputFile(path).lines()):
                expected[type(item).__name__] += 1
        key = generate_signing_key("shared-data-test")
        db = settings.neo4j_database

        def run() -> tuple[IngestStats, list[tuple[str, str]]]:
            problems: list[tuple[str, str]] = []

            class Collect:
                def start_file(self, file: InputFile, fmt: Format) -> None: ...
                def progress(self, file: InputFile, stats: IngestStats) -> None: ...
                def end_file(self, file: InputFile, stats: IngestStats) -> None: ...

                def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
                    problems.append((kind, f"{file.name}:{line}: {reason}"))

            stats = Ingestor(clean_graph, db, key, Collect(), clock=lambda: datetime.now(UTC)).run(
                files
            )
            return stats, problems

        stats, problems = run()
        assert stats.malformed == 0 and expected["BadLine"] == 0
        assert stats.papers_new + stats.papers_unchanged + stats.papers_conflicting == (
            expected["PaperLine"]
        )
        assert stats.papers_new > 1200  # arxiv-browse, Kaggle, unarXive papers
        edges = stats.citations_written + stats.citations_unresolved
        assert edges + stats.skipped["citing paper is not registered"] == expected["CitationLine"]
        assert sum(stats.skipped.values()) == len([p for p in problems if p[0] == "skipped"])
        counts = graph_counts(clean_graph, db)
        assert counts["papers"] == stats.papers_new
        # a bib list naming the same work twice gives one CITES edge (MERGE), hence <=
        assert 0 < counts["unresolved"] <= stats.citations_unresolved
        before = graph_content_hash(clean_graph, db)

        again, _ = run()
        assert again.papers_new == 0 and again.malformed == 0
        assert graph_content_hash(clean_graph, db) == before
