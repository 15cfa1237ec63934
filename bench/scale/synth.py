"""A synthetic registry grown from the real hep-th graph, for the growth benchmark.

    .venv/bin/python bench/scale/synth.py N OUT_DIR [--seed 8]

Writes ``OUT_DIR/papers.jsonl`` (arXiv-metadata JSON lines, the format of the shared hep-th
papers file) and ``OUT_DIR/citations.tsv`` (the SNAP cit-HepTh TSV format) for N papers:

- **ids** are generated, new style (``YYMM.NNNNN`` from 1501 on, about 8,000 a month), so they
  never collide with the real ones and sort by date like real ids;
- **metadata shapes** are the real ones: each synthetic paper copies a random real hep-th record
  (title, authors, abstract, comments, journal-ref, categories, *number of versions*) with its own
  id and dates, so sizes of properties and versions per paper follow the real distribution;
- **degrees**: each paper draws an out-degree from the real out-degree distribution and an
  in-degree from the real in-degree distribution (both over the papers of cit-HepTh, zeros
  included); edges pair the out-stubs with the in-stubs at random (configuration model),
  dropping self-loops and repeats (well under 1 %), so both distributions are kept.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import env

_PER_MONTH = 8000


def _real(data: Path) -> tuple[list[dict], list[int], list[int]]:
    """Real records, and the out- and in-degree of every paper of the citation graph."""
    with gzip.open(data / "hepth" / "hepth_papers.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    out_deg: collections.Counter[str] = collections.Counter()
    in_deg: collections.Counter[str] = collections.Counter()
    nodes: set[str] = set()
    with gzip.open(data / "hepth" / "hepth_citations.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith(("#", "citing")):
                continue
            citing, cited = line.split("\t")[:2]
            out_deg[citing] += 1
            in_deg[cited] += 1
            nodes.update((citing, cited))
    return records, [out_deg[n] for n in nodes], [in_deg[n] for n in nodes]


def synthetic_id(i: int) -> tuple[str, int, int]:
    """The i-th id (0-based), and its year and month."""
    month_index, number = divmod(i, _PER_MONTH)
    year, month = 2015 + month_index // 12, month_index % 12 + 1
    return f"{year % 100:02d}{month:02d}.{number + 1:05d}", year, month


def _record(template: dict, i: int, rng: random.Random) -> dict:
    arxiv_id, year, month = synthetic_id(i)
    record = dict(template)
    record["id"] = arxiv_id
    record["doi"] = None
    versions = []
    day = 1 + rng.randrange(28)
    for n, v in enumerate(template.get("versions") or [{"version": "v1"}]):
        d = min(28, day + 3 * n)
        stamp = f"{year}-{month:02d}-{d:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00"
        versions.append({"version": v.get("version", f"v{n + 1}"), "created_iso": stamp + "+00:00",
                         "created": stamp})
    record["versions"] = versions
    record["submitted_date"] = versions[0]["created_iso"][:10]
    record["update_date"] = versions[-1]["created_iso"][:10]
    for drop in ("snap_id", "in_citation_graph", "source_file", "subj_class"):
        record.pop(drop, None)
    return record


def generate(n: int, out: Path, seed: int = 8) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    records, out_degrees, in_degrees = _real(env.shared_data())
    outs = [rng.choice(out_degrees) for _ in range(n)]
    ins = [rng.choice(in_degrees) for _ in range(n)]
    # Make the stub counts equal by trimming the larger side at random (the means are equal).
    out_stubs = [i for i, d in enumerate(outs) for _ in range(d)]
    in_stubs = [i for i, d in enumerate(ins) for _ in range(d)]
    rng.shuffle(out_stubs)
    rng.shuffle(in_stubs)
    m = min(len(out_stubs), len(in_stubs))
    with open(out / "papers.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(_record(rng.choice(records), i, rng), ensure_ascii=False) + "\n" for i in range(n))
    seen: set[tuple[int, int]] = set()
    edges = 0
    with open(out / "citations.tsv", "w", encoding="utf-8") as f:
        f.write(f"# synthetic from cit-HepTh degrees, seed {seed}: citing -> cited\n")
        f.write("citing_arxiv_id\tcited_arxiv_id\n")
        for a, b in zip(out_stubs[:m], in_stubs[:m], strict=True):
            if a == b or (a, b) in seen:
                continue
            seen.add((a, b))
            f.write(f"{synthetic_id(a)[0]}\t{synthetic_id(b)[0]}\n")
            edges += 1
    return {"papers": n, "edges": edges, "stubs": m}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[1])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    print(generate(args.n, args.out, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
