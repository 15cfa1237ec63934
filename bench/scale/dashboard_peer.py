"""The dashboard queries the peer (``@neo4j/graphql``, ``bench/peer/``) can express, against ours,
on a store the growth benchmark kept (``scale_bench.py --keep``).

    .venv/bin/python bench/scale/dashboard_peer.py N [--duration 5]

The peer's generated schema has no grouping, no per-year histogram, no two-hop scoring and no path
search, so of the dashboard queries it expresses only two, field for field:

- ``papers_top``: the 20 most cited latest papers of one year, one category or the registry
  (the peer sorts on the stored ``citation_count`` property, exposed as ``citationCount``);
- ``aggregate_total``: how many latest papers one year holds (the peer's ``papersConnection``
  ``totalCount``; ours: ``aggregate(...) { total }``).

Same papers, same order, wrk at concurrency 1. Writes ``bench/results/dashboards-peer-N.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench
import env
import workloads

_SAMPLE = """
MATCH (p:Paper) WHERE p.citation_count > 0 AND rand() < 0.01
RETURN p.year AS year, p.primary_cat AS cat LIMIT 200
"""
_Q_TOP = """query($f: PaperFilter) { papers(filter: $f, first: 20) {
  edges { node { pithNumber title citationCount referenceCount } } } }"""
_P_TOP = """query($w: PaperWhere) { papers(where: $w, sort: [{citationCount: DESC}, {pithNumber: DESC}],
  limit: 20) { pithNumber title citationCount referenceCount } }"""
_Q_TOTAL = """query($f: PaperFilter) { aggregate(filter: $f, groupBy: YEAR) { total } }"""
_P_TOTAL = """query($w: PaperWhere) { papersConnection(where: $w) { totalCount } }"""


def _body(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return {"query": " ".join(query.split()), "variables": variables}


def bodies(rows: list[dict[str, Any]]) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    out: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {
        "papers_top": ([], []), "aggregate_total": ([], [])}
    for i, row in enumerate(rows):
        ours: dict[str, Any] | None
        peer: dict[str, Any]
        if i % 3 == 0:
            ours, peer = {"yearFrom": row["year"], "yearTo": row["year"]}, {"year": {"eq": row["year"]}}
        elif i % 3 == 1:
            ours, peer = {"categories": [row["cat"]]}, {"categories": {"includes": row["cat"]}}
        else:
            ours, peer = None, {}
        peer = {**peer, "isLatest": {"eq": True}}
        out["papers_top"][0].append(_body(_Q_TOP, {"f": ours}))
        out["papers_top"][1].append(_body(_P_TOP, {"w": peer}))
        out["aggregate_total"][0].append(
            _body(_Q_TOTAL, {"f": {"yearFrom": row["year"], "yearTo": row["year"]}}))
        out["aggregate_total"][1].append(
            _body(_P_TOTAL, {"w": {"year": {"eq": row["year"]}, "isLatest": {"eq": True}}}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"papers": args.n, "duration_s": args.duration,
                              "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    with env.database(f"scale-{args.n}") as db:
        rows = [dict(r) for r in db.driver.execute_query(_SAMPLE, database_=env.DATABASE).records]
        random.Random(8).shuffle(rows)
        cases = bodies(rows)
        work = Path(tempfile.mkdtemp(prefix="pith-dash-peer-"))
        for side, start in (("ours", api_bench.start_ours), ("peer", api_bench.start_peer)):
            server = start(db, work / f"{side}.log")
            try:
                for case, pair in cases.items():
                    path = work / f"{side}-{case}.jsonl"
                    chosen = pair[0] if side == "ours" else pair[1]
                    workloads.write_bodies(chosen, path)
                    api_bench.check_answers(server, chosen)
                    api_bench.run_wrk(server.url, path, 1, min(2.0, args.duration), 10**9)
                    m = api_bench.run_wrk(server.url, path, 1, args.duration, 10**9)
                    result.setdefault(case, {})[side] = {
                        "p50_ms": m["p50_ms"], "p99_ms": m["p99_ms"], "rps": m["rps"],
                        "errors": m["errors"]}
                    print(f"[{args.n}] {side} {case}: {m}", file=sys.stderr, flush=True)
            finally:
                server.stop()
    lines = [f"# Dashboard queries, ours vs the peer — {result['date']}", "",
             f"`.venv/bin/python bench/scale/dashboard_peer.py {args.n}`: {args.n:,} synthetic "
             f"papers, wrk at concurrency 1, {args.duration:g} s per case (shared 2-core machine).",
             "", "| case | ours p50 / p99 | peer p50 / p99 | peer p50 ÷ ours p50 |",
             "| --- | ---: | ---: | ---: |"]
    for case in cases:
        o, p = result[case]["ours"], result[case]["peer"]
        lines.append(f"| {case} | {o['p50_ms']:.1f} / {o['p99_ms']:.1f} ms "
                     f"| {p['p50_ms']:.1f} / {p['p99_ms']:.1f} ms | {p['p50_ms'] / o['p50_ms']:.1f} |")
    out = api_bench.RESULTS
    (out / f"dashboards-peer-{args.n}.json").write_text(json.dumps(result, indent=1) + "\n")
    (out / f"dashboards-peer-{args.n}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
