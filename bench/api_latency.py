"""Latency of the read API on the demo data: `resolve` and a 2-hop `citationNeighborhood`.

Targets a running server (``--url http://127.0.0.1:8000/graphql``, e.g. ``make serve``) or, without
``--url``, starts ``pith-graph serve`` itself on a free port with the demo data
(``PITH_LOAD_DEMO=1``; ``NEO4J_URI`` is passed through, otherwise the local launcher is used) and
stops it afterwards.

Requests are sent one at a time over one keep-alive HTTP connection; each kind runs
``--requests`` times after ``--warmup`` unmeasured ones. The baseline, measured in the same run, is
the cheapest GraphQL request (``{ __typename }``: HTTP + GraphQL, no database), so the ratios say
what the database work adds on this machine, whatever its speed. Aliases are sampled from the demo
(a title search), in every form: arXiv id, full pith number, 8-character pith prefix.

    .venv/bin/python bench/api_latency.py --url http://127.0.0.1:8000/graphql --requests 300
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

RESOLVE = "query($a: String!) { resolve(alias: $a) { status paper { pithNumber title } } }"
NEIGHBORHOOD = """query($a: String!, $limit: Int!) {
  citationNeighborhood(alias: $a, depth: 2, direction: BOTH, limit: $limit) {
    truncated nodes { distance paper { pithNumber title } } edges { source target } } }"""
SAMPLE = """{ search(title: "black hole", first: 60) { edges { node {
  pithNumber source { id } } } } }"""
CENTRE = "hep-th/9711200"


class Client:
    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path or "/graphql"
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80)

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}})
        self.conn.request("POST", self.path, body, {"content-type": "application/json"})
        response = self.conn.getresponse()
        data: dict[str, Any] = json.loads(response.read())
        if response.status != 200 or data.get("errors"):
            raise SystemExit(f"request failed ({response.status}): {data}")
        return data

    def timed(self, query: str, variables: dict[str, Any] | None = None) -> float:
        start = time.perf_counter()
        self.post(query, variables)
        return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(timeout: float) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PITH_LOAD_DEMO": "1", "PITH_HOST": "127.0.0.1", "PITH_PORT": str(port)}
    env.setdefault("PITH_DATA_DIR", str(ROOT / ".pith-bench"))
    process = subprocess.Popen(
        [sys.executable, "-m", "pith_graph.cli", "serve", "--log-level", "warning"], env=env, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"pith-graph serve exited with {process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise SystemExit(f"the server was not ready within {timeout:.0f} s")
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=120)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _run(client: Client, name: str, calls: list[tuple[str, dict[str, Any]]], n: int, warmup: int) -> dict[str, float]:
    for i in range(warmup):
        client.post(*calls[i % len(calls)])
    times = [client.timed(*calls[i % len(calls)]) for i in range(n)]
    result = {
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": _percentile(times, 0.99) * 1000,
        "mean_ms": statistics.fmean(times) * 1000,
    }
    print(f"{name:<44} n={n:<5} p50 {result['p50_ms']:7.2f} ms   p99 {result['p99_ms']:7.2f} ms")
    return result


def measure(url: str, n: int, warmup: int) -> dict[str, dict[str, float]]:
    client = Client(url)
    sample = client.post(SAMPLE)["data"]["search"]["edges"]
    if not sample:
        raise SystemExit("no demo papers found: is the demo data loaded? (make serve loads it)")
    aliases = []
    for edge in sample:
        pith, arxiv = edge["node"]["pithNumber"], edge["node"]["source"]["id"]
        aliases += [arxiv, pith, "pith:" + pith.split(":")[2][:8]]
    arxiv_ids = [e["node"]["source"]["id"] for e in sample]
    results = {
        "baseline { __typename }": _run(client, "baseline { __typename }", [("{ __typename }", {})], n, warmup),
        "resolve": _run(client, "resolve (arXiv id, pith number, prefix)", [(RESOLVE, {"a": a}) for a in aliases], n, warmup),
        "neighborhood_centre": _run(
            client, f"citationNeighborhood {CENTRE} d=2 limit=50",
            [(NEIGHBORHOOD, {"a": CENTRE, "limit": 50})], n, warmup),
        "neighborhood_sampled": _run(
            client, "citationNeighborhood sampled d=2 limit=100",
            [(NEIGHBORHOOD, {"a": a, "limit": 100}) for a in arxiv_ids], n, warmup),
    }
    floor = results["baseline { __typename }"]["p50_ms"]
    for name, r in results.items():
        print(f"ratio p50 / baseline p50: {name:<28} {r['p50_ms'] / floor:6.1f}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="GraphQL endpoint of a running server (default: start one)")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per kind")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per kind")
    parser.add_argument("--start-timeout", type=float, default=1800.0, help="seconds to wait for readiness")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.url:
        results = measure(args.url, args.requests, args.warmup)
    else:
        with _server(args.start_timeout) as url:
            results = measure(url, args.requests, args.warmup)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
