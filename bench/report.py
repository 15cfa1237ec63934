"""The Markdown table of an API benchmark run (``bench/results/latest.json`` -> ``latest.md``).

    .venv/bin/python bench/report.py bench/results/latest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

_TARGETS = ("ours", "floor", "peer")


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.2f}×"


def _cell(m: dict[str, Any] | None, key: str, fmt: str) -> str:
    if m is None:
        return "–"
    if not m["requests"]:  # every request outlasted the run
        return "0 ⌛" if key == "rps" else f"> {m['seconds']:.0f} s"
    value = format(m[key], fmt)
    return value + (" ⚠" if key == "rps" and m.get("errors") else "")


def markdown(document: dict[str, Any]) -> str:
    meta, rows = document["meta"], document["results"]
    by_key = {(r["workload"], r["concurrency"], r["target"]): r for r in rows}
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    levels = sorted({r["concurrency"] for r in rows})
    lines = [
        f"# API benchmark — {meta['date']}",
        "",
        f"`{meta['command']}`: {meta['duration_s']:g} s per run after {meta['warmup_s']:g} s of "
        "warm-up (runs at c > 1 stretched to 3 × c × the request's latency alone, at most "
        f"{meta.get('max_duration_s', meta['duration_s']):g} s); ours, the floor and the peer "
        "back to back for each row. Graph: "
        + ", ".join(f"{k} {v:,}" for k, v in meta["graph"].items())
        + f". Machine: {meta['machine']['cpus']} CPUs (shared; 1-min load average "
        f"{meta['machine']['load_avg_1m_at_end']:.1f} at the end), Python "
        f"{meta['machine']['python']}; peer: {meta['peer']}.",
        "",
        f"**ours** = `pith-graph serve --workers {meta.get('ours_workers', 1)}` (uvicorn; "
        "the peer is one Node.js process) over HTTP; **floor** = the same "
        "Cypher our API ran for those requests (captured), through the Python driver, no HTTP or "
        "GraphQL; **peer** = the Neo4j GraphQL Library over the same database "
        "(`bench/peer/`). Throughput in requests/s, latencies in ms. ⚠ = some requests failed; "
        "⌛ = no request completed within the run.",
        "",
        "| workload | c | ours req/s | floor req/s | peer req/s | ours/floor | ours/peer "
        "| p50 ours | p50 floor | p50 peer | p99 ours | p99 floor | p99 peer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for w in workloads:
        for c in levels:
            m = {t: by_key.get((w, c, t)) for t in _TARGETS}
            if not any(m.values()):
                continue
            rps = {t: (m[t] or {}).get("rps") for t in _TARGETS}
            lines.append(
                f"| {meta['titles'].get(w, w)} | {c} | "
                + " | ".join(_cell(m[t], "rps", ",.1f") for t in _TARGETS)
                + f" | {_ratio(rps['ours'], rps['floor'])} | {_ratio(rps['ours'], rps['peer'])} | "
                + " | ".join(_cell(m[t], "p50_ms", ".2f") for t in _TARGETS)
                + " | "
                + " | ".join(_cell(m[t], "p99_ms", ".2f") for t in _TARGETS)
                + " |"
            )
    lines += ["", "## What the peer could not ask", ""]
    for w in workloads:
        note = meta.get("peer_notes", {}).get(w)
        if note:
            lines.append(f"- **{meta['titles'].get(w, w)}**: {note}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text())))
