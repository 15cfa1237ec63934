"""Cut the demo sample under pith_graph/demo/ from the shared data (standard library only).

    python3 scripts/cut_demo_sample.py [--data ../shared/data] [--size 2500]

- ``hepth_papers.jsonl.gz`` / ``hepth_citations.tsv.gz``: a breadth-first neighborhood of
  ``hep-th/9711200`` (Maldacena, the most-cited paper of cit-HepTh) in the undirected citation
  graph, ``--size`` papers, neighbours visited in id order (deterministic), with every edge
  among them;
- ``arxiv_abs_papers.jsonl.gz``: the arxiv-browse records as they are (DOIs, several versions,
  older per-version snapshots).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from collections import defaultdict, deque
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "pith_graph" / "demo"
SEED = "hep-th/9711200"


def _gzip_lines(path: Path, lines: list[str]) -> None:
    # mtime=0 keeps the bytes stable from one cut to the next.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write("".join(lines).encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--size", type=int, default=2500)
    args = parser.parse_args()
    data: Path = args.data
    edges: list[tuple[str, str, str]] = []
    neighbours: dict[str, set[str]] = defaultdict(set)
    with gzip.open(data / "hepth" / "hepth_citations.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith(("#", "citing_arxiv_id")):
                continue
            citing, cited = line.split("\t")[:2]
            edges.append((citing, cited, line))
            neighbours[citing].add(cited)
            neighbours[cited].add(citing)
    chosen = {SEED}
    queue = deque([SEED])
    while queue and len(chosen) < args.size:
        for other in sorted(neighbours[queue.popleft()]):
            if other not in chosen and len(chosen) < args.size:
                chosen.add(other)
                queue.append(other)
    papers = []
    with gzip.open(data / "hepth" / "hepth_papers.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if json.loads(line)["id"] in chosen:
                papers.append(line)
    header = "citing_arxiv_id\tcited_arxiv_id\tciting_snap_id\tcited_snap_id\n"
    kept = [line for citing, cited, line in edges if citing in chosen and cited in chosen]
    OUT.mkdir(parents=True, exist_ok=True)
    _gzip_lines(OUT / "hepth_papers.jsonl.gz", papers)
    _gzip_lines(OUT / "hepth_citations.tsv.gz", [header, *kept])
    shutil.copyfile(
        data / "arxiv_abs_sample" / "arxiv_abs_papers.jsonl.gz", OUT / "arxiv_abs_papers.jsonl.gz"
    )
    print(f"hep-th: {len(papers)} papers, {len(kept)} edges; arxiv_abs copied")


if __name__ == "__main__":
    main()
