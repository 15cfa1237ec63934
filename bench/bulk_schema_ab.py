"""Bulk import, the schema phase: all constraints and indexes in ONE transaction vs one statement at a time, on copies of one imported store.

    .venv/bin/python bench/bulk_schema_ab.py [skip]

Reads the 100k synthetic registry (bench/.data/scale-files/100000, from bench/scale/synth.py),
runs the bulk phases papers..import once into $TMPDIR/bulk-schema-ab ("skip": reuse it), then times the
schema statements both ways and prints the statements slower than 1 s. Figures: bench/README.md.
"""
import shutil, sys, tempfile, time
from datetime import UTC, datetime
from pathlib import Path
from pith_graph.core.signing import generate_signing_key
from pith_graph.ingest.bulk import BulkReporter, write_import_files, _import_args
from pith_graph.ingest.reader import sniff_format
from pith_graph.neo4j_local import LocalNeo4j, free_port, run_admin_tool
from pith_graph.config import Settings
from pith_graph.store.driver import open_driver
from pith_graph.store.migrations import load_migrations, _SCHEMA_STATEMENT

class P(BulkReporter):
    def phase(self, n, s, d): print(f"{n:<10} {s:8.1f} s {d}", flush=True)

src = Path(__file__).resolve().parent / ".data" / "scale-files" / "100000"
work = Path(tempfile.gettempdir()) / "bulk-schema-ab"; shutil.rmtree(work, ignore_errors=True); (work/"csv").mkdir(parents=True)
files = [(src/n, sniff_format(src/n)) for n in ("papers.jsonl", "citations.tsv")]
if sys.argv[1:] != ["skip"]:
    t=time.monotonic()
    report, graph, out = write_import_files(files, work/"csv", generate_signing_key("ab"), datetime.now(UTC), P())
    t=time.monotonic(); r = run_admin_tool(_import_args(out), work, heap="1g"); print("import", time.monotonic()-t, flush=True)
    shutil.rmtree(work/"csv")
stmts = [st for m in load_migrations() for st in m.statements if _SCHEMA_STATEMENT.match(st)]
for mode in ("one-tx", "per-statement"):
    copy = work.with_name(f"bulk-schema-ab-{mode}"); shutil.rmtree(copy, ignore_errors=True); shutil.copytree(work, copy)
    with LocalNeo4j(data_dir=copy, port=free_port(), heap="1g", page_cache="1g") as s:
        with open_driver(Settings(neo4j_uri=s.uri)) as driver, driver.session() as session:
            t=time.monotonic()
            if mode == "one-tx":
                with session.begin_transaction() as tx:
                    for st in stmts: tx.run(st).consume()
                    tx.commit()
                print(mode, "commit", round(time.monotonic()-t,1), flush=True)
            else:
                for st in stmts:
                    t1=time.monotonic(); session.run(st).consume(); dt=time.monotonic()-t1
                    if dt>1: print(f"  {dt:6.1f} {st[:90]!r}", flush=True)
            session.run("CALL db.awaitIndexes(7200)").consume()
            print(mode, "total", round(time.monotonic()-t,1), flush=True)
    shutil.rmtree(copy, ignore_errors=True)
