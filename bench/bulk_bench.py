"""Bulk import benchmark: ``ingest --bulk`` of the synthetic registry of ``bench/scale/``.

    .venv/bin/python bench/bulk_bench.py N [--files DIR] [--keep]

Generates (once) the N-paper synthetic registry with ``bench/scale/synth.py`` (or reads
``DIR/papers.jsonl`` and ``DIR/citations.tsv``), loads it into an empty data directory with the
bulk importer, prints each phase's wall and CPU time (and the steps of the import and schema
phases) and writes ``bench/results/bulk-N.json`` and ``.md``. The
figures are end to end: parsing, canonicalising, hashing and signing every paper included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "scale"))

import env
import synth

from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.bulk import BulkReport, BulkReporter, bulk_import
from pith_graph.ingest.reader import sniff_format


def _cpu() -> float:
    """CPU seconds of this process and its finished children (workers, importer, server): the
    figure a loaded machine does not inflate."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class PhaseLog(BulkReporter):
    """Prints each phase (wall and CPU seconds) and each step within it; keeps them."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix, self.cpu, self.steps = prefix, _cpu(), []
        self.phase_cpu: dict[str, float] = {}

    def phase(self, name: str, seconds: float, detail: str) -> None:
        cpu = _cpu()
        self.phase_cpu[name], self.cpu = cpu - self.cpu, cpu
        print(f"{self.prefix}{name:<10} {seconds:8.1f} s  cpu {self.phase_cpu[name]:8.1f} s  "
              f"{detail}", file=sys.stderr, flush=True)

    def progress(self, name: str, detail: str) -> None:
        if name in ("import", "schema"):  # the steps (the papers/citations lines are rates)
            self.steps.append(f"{name}: {detail}")
        print(f"{self.prefix}  {name}: {detail}", file=sys.stderr, flush=True)


def results(n: int, report: BulkReport, total: float, log: PhaseLog, **extra: object) -> dict:
    """``bench/results/bulk-N.json`` and ``.md``: the phase table."""
    result = {
        "papers": n,
        "counts": report.counts,
        "phases": [{"phase": name, "seconds": round(s, 1),
                    "cpu_s": round(log.phase_cpu.get(name, 0.0), 1), "detail": d}
                   for name, s, d in report.phases],
        "steps": log.steps,
        "total_s": round(total, 1),
        "cpu_s": round(sum(log.phase_cpu.values()), 1),
        "load_average_end": [round(x, 1) for x in os.getloadavg()],
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, cwd=Path(__file__).parent).stdout.strip(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }
    out = Path(__file__).resolve().parent / "results" / f"bulk-{n}"
    out.parent.mkdir(exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [f"| {p['phase']} | {p['seconds']:,.1f} | {p['cpu_s']:,.1f} | {p['detail']} |"
            for p in result["phases"]]
    out.with_suffix(".md").write_text("\n".join([
        f"# ingest --bulk, {n:,} papers ({result['measured_at']}, commit {result['commit']})",
        "",
        f"Graph: {report.counts}. Load average at the end: {result['load_average_end']}.",
        "",
        "| phase | wall s | CPU s | detail |",
        "|---|---:|---:|---|",
        *rows,
        f"| **total** | **{total:,.1f}** | **{result['cpu_s']:,.1f}** | |",
        "",
        "Steps:",
        "",
        *(f"- {step}" for step in log.steps),
        "",
    ]))
    return result


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
    log = PhaseLog()
    started = time.monotonic()
    report = bulk_import(files, target / "neo4j", generate_signing_key("bench-bulk"),
                         datetime.now(UTC), log)
    total = time.monotonic() - started
    print(f"{'total':<10} {total:8.1f} s", file=sys.stderr)
    print(json.dumps(results(args.n, report, total, log), indent=2))
    if not args.keep:
        shutil.rmtree(target, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
