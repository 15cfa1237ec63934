"""Bulk import benchmark: ``ingest --bulk`` of the synthetic registry of ``bench/scale/``.

    .venv/bin/python bench/bulk_bench.py N [--files DIR] [--keep]

Generates (once) the N-paper synthetic registry with ``bench/scale/synth.py`` (or reads
``DIR/papers.jsonl`` and ``DIR/citations.tsv``), loads it into an empty data directory with the
bulk importer, prints each phase's wall time and writes ``bench/results/bulk-N.json``. The
figures are end to end: parsing, canonicalising, hashing and signing every paper included.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "scale"))

import env
import synth

from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.bulk import BulkReporter, bulk_import
from pith_graph.ingest.reader import sniff_format


class _Print(BulkReporter):
    def phase(self, name: str, seconds: float, detail: str) -> None:
        print(f"{name:<10} {seconds:8.1f} s  {detail}", file=sys.stderr, flush=True)

    def progress(self, name: str, detail: str) -> None:
        print(f"  {name}: {detail}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--files", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the loaded store")
    args = parser.parse_args(argv)
    files_dir = args.files or env.DATA_ROOT / "scale-files" / str(args.n)
    if not (files_dir / "citations.tsv").exists():
        print(synth.generate(args.n, files_dir), file=sys.stderr)
    files = [(files_dir / name, sniff_format(files_dir / name))
             for name in ("papers.jsonl", "citations.tsv")]
    target = env.DATA_ROOT / f"bulk-{args.n}"
    shutil.rmtree(target, ignore_errors=True)
    started = time.monotonic()
    report = bulk_import(files, target / "neo4j", generate_signing_key("bench-bulk"),
                         datetime.now(UTC), _Print())
    total = time.monotonic() - started
    print(f"{'total':<10} {total:8.1f} s", file=sys.stderr)
    result = {
        "papers": args.n,
        "counts": report.counts,
        "phases": [{"phase": n, "seconds": round(s, 1), "detail": d} for n, s, d in report.phases],
        "total_s": round(total, 1),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = Path(__file__).resolve().parent / "results" / f"bulk-{args.n}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not args.keep:
        shutil.rmtree(target, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
