"""Growth benchmark: ingest and read costs of synthetic registries of 30k, 300k and 1M papers.

    .venv/bin/python bench/scale/scale_bench.py --sizes 30000,300000[,1000000] [--duration 5]

For each size: generate the graph (:mod:`synth`, cached in ``bench/.data/scale-files/N``), load it
with the bulk importer (``pith-graph ingest --bulk``; ``--transactional``: start an empty Neo4j and
ingest it with ``Ingestor``, ``pith-graph ingest``) and time it, checkpoint and
measure the store on disk, then start our API and measure p50/p99 (wrk, concurrency 1) of:
``resolve`` of a random alias, the full record by pith number, a 2-hop neighborhood (limit 100)
and the 1,000th page of the largest citation list (a keyset cursor taken straight from the
database); and the dashboard queries (:mod:`dashboard_workloads`: ``papers``, ``aggregate``,
``citationsByYear``, ``related``, ``citationPath``). Writes ``bench/results/scale-latest.{md,json}``.
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
from typing import Any

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench
import dashboard_workloads
import env
import synth
import workloads

from pith_graph.graphql.cursors import encode_cursor
from pith_graph.ingest.reader import sniff_format
from pith_graph.store import graph_content as ingest_store

_LARGEST_CITED = """
MATCH (p:Paper) WITH p, COUNT { (p)<-[:CITES]-(:Paper) } AS n ORDER BY n DESC LIMIT 1
RETURN p.pith_number AS pith, n
"""
# The sort key of the row just before the wanted page: citations sort on (submitted_at,
# pith_number) ascending, so this is the cursor a client holds after `pages - 1` pages.
_KEY_AT = """
MATCH (p:Paper {pith_number: $pith})<-[:CITES]-(q:Paper)
WITH q ORDER BY q.submitted_at, q.pith_number SKIP $skip LIMIT 1
RETURN q.submitted_at AS s, q.pith_number AS t
"""

_Q_PAGE = """query($a: String!, $after: String, $first: Int!) { resolve(alias: $a) { paper {
  citations(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { pithNumber title } } } } } }"""


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _page_bodies(db: env.Database) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Page 1,000 of the largest citation list; the page size is what gives it 1,000 pages."""
    top = db.driver.execute_query(_LARGEST_CITED, database_=env.DATABASE, routing_="r").records[0]
    first = max(1, min(20, top["n"] // 1000))
    skip = 999 * first - 1
    key = db.driver.execute_query(
        _KEY_AT, pith=top["pith"], skip=skip, database_=env.DATABASE, routing_="r"
    ).records
    after = encode_cursor([key[0]["s"], key[0]["t"]]) if key else None
    body = {"query": " ".join(_Q_PAGE.split()),
            "variables": {"a": top["pith"], "after": after, "first": first}}
    return [body], {"citations": top["n"], "page_size": first, "page": 1000 if key else 1}


def _bulk_load(files: list[tuple[Path, Any]], neo4j_dir: Path, n: int) -> dict[str, Any]:
    from bulk_bench import PhaseLog, results

    from pith_graph.core.signing import generate_signing_key
    from pith_graph.ingest.bulk import bulk_import

    log = PhaseLog("  bulk ")
    started = time.perf_counter()
    report = bulk_import(files, neo4j_dir, generate_signing_key("bench"), datetime.now(UTC),
                         log, heap=os.environ.get("PITH_NEO4J_HEAP", "1g"))
    seconds = time.perf_counter() - started
    results(n, report, seconds, log, store=str(neo4j_dir))  # bench/results/bulk-N.{json,md}
    edges = report.counts["citations"] + report.counts["unresolved"]
    return {"ingest_s": round(seconds, 1), "ingest": "bulk",
            "paper_versions": report.stats.papers_new, "edges": edges,
            "papers_per_s": round(report.stats.papers_new / seconds, 1),
            "edges_per_s": round(edges / seconds, 1), "graph": report.counts}


def measure_size(
    n: int, duration: float, keep: bool, *, bulk: bool = True, only: tuple[str, ...] = ()
) -> dict[str, Any]:
    files_dir = env.DATA_ROOT / "scale-files" / str(n)
    if not (files_dir / "citations.tsv").exists():
        started = time.perf_counter()
        info = synth.generate(n, files_dir)
        print(f"[{n}] generated {info} in {time.perf_counter() - started:.0f} s", file=sys.stderr,
              flush=True)
    files = [(files_dir / name, sniff_format(files_dir / name))
             for name in ("papers.jsonl", "citations.tsv")]
    name = f"scale-{n}"
    store = env.DATA_ROOT / name
    saved = store / "ingest.json"
    if not saved.exists():  # a store with its ingest figures is reused (--keep), else rebuilt
        shutil.rmtree(store, ignore_errors=True)
    row: dict[str, Any] = {"papers": n}
    if bulk and not saved.exists():
        row.update(_bulk_load(files, store, n))
        saved.write_text(json.dumps(row))
    with env.database(name) as db:
        if saved.exists():
            row.update(json.loads(saved.read_text()))
        else:
            seconds, stats = env.ingest(db.driver, files)
            counts = ingest_store.graph_counts(db.driver, env.DATABASE)
            edges = stats.citations_written + stats.citations_unresolved
            row.update({
                "ingest_s": round(seconds, 1), "paper_versions": stats.papers_new,
                "edges": edges, "papers_per_s": round(n / seconds, 1),
                "edges_per_s": round(edges / seconds, 1), "graph": counts,
            })
            saved.write_text(json.dumps(row))
        print(f"[{n}] ingest {row}", file=sys.stderr, flush=True)
        general = not only or bool({"resolve", "record", "neighborhood", "page_1000"} & set(only))
        loads = workloads.build(db.driver, n_bodies=200) if general else {}
        page_bodies, page_info = _page_bodies(db) if general else ([], {})
        row["page"] = page_info
        work = Path(tempfile.mkdtemp(prefix=f"pith-scale-{n}-"))
        server = api_bench.start_ours(db, work / "ours.log")
        try:
            cases = {**({"resolve": loads["resolve"].ours, "record": loads["record"].ours,
                         "neighborhood": loads["neighborhood"].ours, "page_1000": page_bodies}
                        if general else {}),
                     **dashboard_workloads.build(db.driver)}
            for case, bodies in cases.items():
                if only and case not in only:
                    continue
                path = work / f"{case}.jsonl"
                workloads.write_bodies(bodies, path)
                api_bench.check_answers(server, bodies)
                api_bench.run_wrk(server.url, path, 1, min(2.0, duration), 10**9)
                m = api_bench.run_wrk(server.url, path, 1, duration, 10**9)
                row[case] = {"p50_ms": m["p50_ms"], "p99_ms": m["p99_ms"], "rps": m["rps"],
                             "errors": m["errors"]}
                print(f"[{n}] {case}: {m}", file=sys.stderr, flush=True)
        finally:
            server.stop()
    # Measured after the clean stop, which checkpoints (Community has no db.checkpoint()).
    row["store_bytes"] = _du(store / "store" / "data" / "databases")
    row["txlog_bytes"] = _du(store / "store" / "data" / "transactions")
    if not keep:
        shutil.rmtree(env.DATA_ROOT / name, ignore_errors=True)
    return row


def markdown(document: dict[str, Any]) -> str:
    lines = [
        f"# Growth benchmark — {document['meta']['date']}",
        "",
        f"`{document['meta']['command']}`. Synthetic graphs grown from cit-HepTh "
        "(bench/scale/synth.py); latencies through our API with wrk at concurrency 1, "
        f"{document['meta']['duration_s']:g} s each. Machine: "
        f"{document['meta']['cpus']} CPUs, shared.",
        "",
        "| papers | paper versions | edges | ingest | papers/s | edges/s | store (+ tx logs) "
        "| resolve p50/p99 | record p50/p99 | 2-hop p50/p99 | page 1,000 p50/p99 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in document["results"]:
        def lat(case: str, r: dict[str, Any] = r) -> str:
            m = r.get(case)
            return f"{m['p50_ms']:.1f} / {m['p99_ms']:.1f} ms" if m else "–"

        lines.append(
            f"| {r['papers']:,} | {r['paper_versions']:,} | {r['edges']:,} "
            f"| {r['ingest_s']:,.0f} s "
            f"| {r['papers_per_s']:,.0f} | {r['edges_per_s']:,.0f} "
            f"| {r['store_bytes'] / 2**30:.2f} GiB (+ {r.get('txlog_bytes', 0) / 2**30:.2f}) "
            f"| {lat('resolve')} | {lat('record')} "
            f"| {lat('neighborhood')} | {lat('page_1000')} |"
        )
    lines += [
        "",
        "Dashboard queries (bench/scale/dashboard_workloads.py), p50 / p99:",
        "",
        "| papers | " + " | ".join(dashboard_workloads.CASES) + " |",
        "| ---: | " + " | ".join("---:" for _ in dashboard_workloads.CASES) + " |",
    ]
    for r in document["results"]:
        cells = []
        for case in dashboard_workloads.CASES:
            m = r.get(case)
            cells.append(f"{m['p50_ms']:.1f} / {m['p99_ms']:.1f} ms" if m else "–")
        lines.append(f"| {r['papers']:,} | " + " | ".join(cells) + " |")
    pages = "; ".join(f"{r['papers']:,}: {r['page']['citations']:,} citations, page "
                      f"{r['page']['page']} of size {r['page']['page_size']}"
                      for r in document["results"] if r.get("page"))
    lines += ["", f"Largest citation list paged: {pages}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("--sizes", default="30000,300000")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--keep", action="store_true", help="keep the stores in bench/.data")
    parser.add_argument("--out", type=Path, default=api_bench.RESULTS)
    parser.add_argument("--transactional", action="store_true",
                        help="build the stores with `pith-graph ingest` instead of --bulk")
    parser.add_argument("--only", default="", help="comma-separated cases to measure (default all)")
    args = parser.parse_args(argv)
    only = tuple(c for c in args.only.split(",") if c)
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        results.append(measure_size(n, args.duration, args.keep, bulk=not args.transactional,
                                    only=only))
        document = {
            "meta": {"date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "command": f"make bench-scale BENCH_SCALE_SIZES={args.sizes}",
                     "duration_s": args.duration, "cpus": api_bench.os.cpu_count()},
            "results": results,
        }
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "scale-latest.json").write_text(json.dumps(document, indent=1) + "\n")
        (args.out / "scale-latest.md").write_text(markdown(document))
    print(markdown(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
