"""Bulk import, the schema phase: every constraint and index in ONE transaction vs one statement
at a time, on copies of one imported store.

    .venv/bin/python bench/bulk_schema_ab.py [skip]

Reads the 100k synthetic registry (``bench/.data/scale-files/100000``, from
``bench/scale/synth.py``), runs the bulk phases papers..import once into
``$TMPDIR/bulk-schema-ab`` (``skip``: reuse it), then times the schema statements both ways and
prints the statements slower than 1 s. Figures: bench/README.md.
"""

from __future__ import annotations

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


class _Print(BulkReporter):
    def phase(self, name: str, seconds: float, detail: str) -> None:
        print(f"{name:<10} {seconds:8.1f} s {detail}", flush=True)


def main(argv: list[str]) -> int:
    src = Path(__file__).resolve().parent / ".data" / "scale-files" / "100000"
    work = Path(tempfile.gettempdir()) / "bulk-schema-ab"
    if argv != ["skip"]:
        shutil.rmtree(work, ignore_errors=True)
        (work / "csv").mkdir(parents=True)
        files = [(src / n, sniff_format(src / n)) for n in ("papers.jsonl", "citations.tsv")]
        _, _, out = write_import_files(
            files, work / "csv", generate_signing_key("ab"), datetime.now(UTC), _Print()
        )
        t0 = time.monotonic()
        run_admin_tool(_import_args(out), work, heap="1g")
        print(f"import     {time.monotonic() - t0:8.1f} s", flush=True)
        shutil.rmtree(work / "csv")
    statements = [
        cast(LiteralString, st)
        for m in load_migrations()
        for st in m.statements
        if _SCHEMA_STATEMENT.match(st)
    ]
    for mode in ("one-tx", "per-statement"):
        copy = work.with_name(f"bulk-schema-ab-{mode}")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(work, copy)
        with LocalNeo4j(data_dir=copy, port=free_port(), heap="1g", page_cache="1g") as server:
            with open_driver(Settings(neo4j_uri=server.uri)) as driver, driver.session() as session:
                t0 = time.monotonic()
                if mode == "one-tx":
                    with session.begin_transaction() as tx:
                        for st in statements:
                            tx.run(st).consume()
                        tx.commit()
                else:
                    for st in statements:
                        t1 = time.monotonic()
                        session.run(st).consume()
                        if time.monotonic() - t1 > 1:
                            print(f"  {time.monotonic() - t1:6.1f} {st[:90]!r}", flush=True)
                session.run("CALL db.awaitIndexes(7200)").consume()
                print(f"{mode} total {time.monotonic() - t0:.1f} s", flush=True)
        shutil.rmtree(copy, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
