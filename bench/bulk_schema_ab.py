"""Bulk import, the schema phase: how the constraints and indexes of a store just loaded by the
offline importer are built fastest, on copies of one imported store.

    .venv/bin/python bench/bulk_schema_ab.py [N] [--skip-import] [--modes M,M]

Reads the N-paper synthetic registry (default 100000, ``bench/.data/scale-files/N`` from
``bench/scale/synth.py``), runs the bulk phases papers..import once into
``$TMPDIR/bulk-schema-ab`` (``--skip-import``: reuse it), then, on a fresh copy per mode, times
the schema statements of every migration and the wait until the indexes are online:

* ``per-statement``: one statement a transaction, Neo4j's default index population workers
  (a quarter of the cores: one on this 2-core machine);
* ``per-statement-w2``: the same with two workers per population job;
* ``one-tx-w2``: every statement in ONE transaction (one population job, one store scan for
  all the indexes) with two workers: what ``ingest --bulk`` does
  (:func:`pith_graph.store.migrations.apply_schema_for_bulk_load`).

Prints wall and CPU seconds (of the server process) per mode and writes
``bench/results/bulk-schema-ab-N.json``. Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import LiteralString, cast

from pith_graph.config import Settings
from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.bulk import BulkReporter, _import_args, write_import_files
from pith_graph.ingest.reader import sniff_format
from pith_graph.neo4j_local import LocalNeo4j, free_port, run_admin_tool
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import _SCHEMA_STATEMENT, load_migrations

MODES = {"per-statement": (False, None), "per-statement-w2": (False, 2), "one-tx-w2": (True, 2)}


class _Print(BulkReporter):
    def phase(self, name: str, seconds: float, detail: str) -> None:
        print(f"{name:<10} {seconds:8.1f} s {detail}", flush=True)

    def progress(self, name: str, detail: str) -> None:
        pass

    def problem(self, file: Path, line: int, kind: str, reason: str) -> None:
        pass


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a live process (the server), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args(argv)
    src = Path(__file__).resolve().parent / ".data" / "scale-files" / str(args.n)
    work = Path(tempfile.gettempdir()) / "bulk-schema-ab"
    if not args.skip_import:
        shutil.rmtree(work, ignore_errors=True)
        (work / "csv").mkdir(parents=True)
        files = [(src / n, sniff_format(src / n)) for n in ("papers.jsonl", "citations.tsv")]
        _, _, out = write_import_files(
            files, work / "csv", generate_signing_key("ab"), datetime.now(UTC), _Print()
        )
        t0 = time.monotonic()
        run_admin_tool(_import_args(out), work, heap="2g")
        print(f"import     {time.monotonic() - t0:8.1f} s", flush=True)
        shutil.rmtree(work / "csv")
    statements = [
        cast(LiteralString, st)
        for m in load_migrations()
        for st in m.statements
        if _SCHEMA_STATEMENT.match(st)
    ]
    results = []
    for mode in args.modes.split(","):
        one_tx, workers = MODES[mode]
        copy = work.with_name(f"bulk-schema-ab-{mode}")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(work, copy)
        with LocalNeo4j(data_dir=copy, port=free_port(), heap="2g", page_cache="2g",
                        index_population_workers=workers) as server:
            assert server.pid is not None
            with open_driver(Settings(neo4j_uri=server.uri)) as driver, driver.session() as session:
                cpu0, t0 = _cpu_of(server.pid), time.monotonic()
                if one_tx:
                    with session.begin_transaction() as tx:
                        for st in statements:
                            tx.run(st).consume()
                        tx.commit()
                else:
                    for st in statements:
                        session.run(st).consume()
                session.run("CALL db.awaitIndexes(7200)").consume()
                wall, cpu = time.monotonic() - t0, _cpu_of(server.pid) - cpu0
        print(f"{mode:<18} {wall:7.1f} s wall {cpu:7.1f} s CPU", flush=True)
        results.append({"mode": mode, "wall_s": round(wall, 1), "server_cpu_s": round(cpu, 1)})
        shutil.rmtree(copy, ignore_errors=True)
    out_file = Path(__file__).resolve().parent / "results" / f"bulk-schema-ab-{args.n}.json"
    out_file.write_text(json.dumps({
        "papers": args.n, "statements": len(statements), "modes": results,
        "load_average_end": [round(x, 1) for x in os.getloadavg()],
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
