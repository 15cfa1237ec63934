"""Every line of the full shared data set parses (collected only where ../shared/data exists)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from pith_graph.ingest.formats import BadLine, Format, parse_lines
from pith_graph.ingest.reader import InputFile, sniff_format

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
