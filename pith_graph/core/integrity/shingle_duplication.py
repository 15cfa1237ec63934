"""``shingle_duplication``: near-duplicate title + abstract across the registry.

Method (documented constants below):

- text: title + " " + abstract, lower-cased, every run of non-alphanumeric characters one space;
- shingles: the set of consecutive word **3-grams** (``SHINGLE_WORDS``);
- a ``datasketch`` MinHash of ``NUM_PERM`` = 128 permutations (seed ``SEED``) per paper, indexed in
  a ``datasketch.MinHashLSH`` tuned for Jaccard ``THRESHOLD`` = 0.8: each paper is compared only
  with the candidates sharing an LSH band (no all-pairs comparison);
- each candidate's **exact** Jaccard similarity of the two shingle sets is computed, and a pair at
  or above ``THRESHOLD`` is a finding; ``threshold_with_margin`` carries the similarity, the
  threshold and the margin.

Only the latest version of each arXiv id is indexed, and two papers with the same arXiv id are
never a pair: versions of one paper are not duplicates of each other. Texts with fewer than
``MIN_SHINGLES`` shingles are too short to judge. Advisory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from pith_graph.core.integrity.finding import Finding, Severity, VerdictClass

__all__ = [
    "NAME",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "VERSION",
    "DuplicateIndex",
    "Text",
    "detect",
    "jaccard",
    "shingles",
    "signature",
]

NAME = "shingle_duplication"
VERSION = "1.0.0"
SHINGLE_WORDS = 3
NUM_PERM = 128
SEED = 1
THRESHOLD = 0.8
MIN_SHINGLES = 8
_SPLIT = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Text:
    pith: str
    arxiv_id: str
    title: str
    abstract: str


def shingles(title: str, abstract: str) -> frozenset[str]:
    words = [w for w in _SPLIT.split(f"{title} {abstract}".lower()) if w]
    n = SHINGLE_WORDS
    return frozenset(" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 0)))


def signature(grams: Iterable[str]) -> list[int]:
    """The MinHash hash values (each < 2**32, so they fit a Neo4j integer)."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    m.update_batch([g.encode("utf-8") for g in grams])
    return [int(v) for v in m.hashvalues]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


class DuplicateIndex:
    """A MinHashLSH over signatures, keyed by pith number, remembering each key's arXiv id."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._arxiv: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._arxiv)

    def add(self, pith: str, arxiv_id: str, hashvalues: list[int]) -> None:
        if pith in self._arxiv or len(hashvalues) != NUM_PERM:
            return
        self._lsh.insert(pith, _minhash(hashvalues))
        self._arxiv[pith] = arxiv_id

    def candidates(self, pith: str, arxiv_id: str, hashvalues: list[int]) -> list[str]:
        """Indexed papers sharing a band with this signature (not itself, not its arXiv id)."""
        if len(hashvalues) != NUM_PERM:
            return []
        found = self._lsh.query(_minhash(hashvalues))
        return sorted(k for k in found if k != pith and self._arxiv.get(k) != arxiv_id)


def _minhash(hashvalues: list[int]) -> MinHash:
    import numpy as np

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=np.array(hashvalues, dtype=np.uint64))


def detect(
    subjects: Iterable[Text],
    candidates: Mapping[str, list[str]],
    texts: Mapping[str, Text],
) -> list[Finding]:
    """Findings of each subject against its LSH candidates (``texts`` holds both sides)."""
    out = []
    for s in subjects:
        mine = shingles(s.title, s.abstract)
        if len(mine) < MIN_SHINGLES:
            continue
        for other_pith in candidates.get(s.pith, []):
            other = texts.get(other_pith)
            if other is None or other.arxiv_id == s.arxiv_id:
                continue
            theirs = shingles(other.title, other.abstract)
            if len(theirs) < MIN_SHINGLES:
                continue
            similarity = round(jaccard(mine, theirs), 4)
            if similarity < THRESHOLD:
                continue
            out.append(
                Finding(
                    subject=s.pith,
                    detector=NAME,
                    detector_version=VERSION,
                    finding_type="near_duplicate_text",
                    severity=Severity.ADVISORY,
                    verdict_class=VerdictClass.THRESHOLD_WITH_MARGIN,
                    evidence={
                        "pith_number": s.pith,
                        "arxiv_id": s.arxiv_id,
                        "duplicate_pith_number": other.pith,
                        "duplicate_arxiv_id": other.arxiv_id,
                        # Decimal strings: a float's JSON spelling differs between languages.
                        "similarity": f"{similarity:.4f}",
                        "threshold": f"{THRESHOLD:.4f}",
                        "margin": f"{similarity - THRESHOLD:.4f}",
                        "method": f"jaccard of word {SHINGLE_WORDS}-shingles of title+abstract; "
                        f"MinHash LSH ({NUM_PERM} permutations) candidates",
                    },
                    note=f"title and abstract {similarity:.0%} similar to {other.arxiv_id} "
                    f"(threshold {THRESHOLD:.0%})",
                )
            )
    return out
