"""The five read workloads, as request bodies for ours and for the peer, over the same papers.

Each workload is a list of paired requests built from random papers of the loaded graph: the
body our ``/graphql`` gets and the body the peer (``@neo4j/graphql``, ``bench/peer/``) gets for the
same question. Where the peer's generated schema cannot express the question, its body is the
nearest it can ask and :data:`PEER_NOTES` says what differs.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver

DATABASE = "neo4j"
_NEW_STYLE = re.compile(r"^\d{4}\.\d{4,5}$")


@dataclass
class Workload:
    name: str
    title: str
    ours: list[dict[str, Any]] = field(default_factory=list)
    peer: list[dict[str, Any]] = field(default_factory=list)


WORKLOADS = ("resolve", "record", "neighborhood", "references", "resolve_many")

TITLES = {
    "resolve": "`resolve`, random alias (pith short / arXiv new / arXiv old / DOI)",
    "record": "full record by pith number",
    "neighborhood": "2-hop `citationNeighborhood`, limit 100",
    "references": "page of 50 references with titles and aliases",
    "resolve_many": "`resolveMany` of 1,000 aliases",
}

PEER_NOTES = {
    "resolve": "The peer has no alias parser: the client must normalise each alias into the "
    "`(kind, value)` of its `Alias` node itself (done beforehand, untimed) and choose the latest "
    "version (`sort: version DESC, limit: 1`); prefixes of other lengths, URLs and "
    "ambiguity reports cannot be asked.",
    "record": "The peer returns the stored pieces (all paper properties, the stored canonical "
    "JSON, receipt, aliases, claims); it cannot compute the record document (verification "
    "status, graph snapshot, links) that ours returns.",
    "neighborhood": "Not expressible: no global limit across levels, no de-duplication, "
    "distances, truncation flag or edge list. The nearest query nests `references`/`citations` "
    "two levels deep with per-field limits (level 1: 100 each way, level 2: 3 each way: on "
    "hep-th about 170 nodes against our 100); its answer is a tree with repeats, not the "
    "neighborhood.",
    "references": "Registered references only (`referencesConnection`, sorted by submission "
    "date): unregistered works are another relationship field, and one connection cannot page "
    "over both; cursors are offsets (`arrayconnection:N`), not keysets.",
    "resolve_many": "Client-normalised aliases (see `resolve`), grouped by kind into one "
    "`aliases(where: {OR: [{kind, value IN …}, …]})`; the client matches the answers back to "
    "its "
    "inputs and picks latest versions.",
}

_PAPER_BRIEF = "pithNumber title source { id version }"

_Q_RESOLVE = (
    "query($a: String!) { resolve(alias: $a) { status code paper { " + _PAPER_BRIEF + " } } }"
)
_P_RESOLVE = (
    "query($k: String!, $v: String!) { aliases(where: {kind: {eq: $k}, value: {eq: $v}}) { "
    "kind value papers(sort: [{version: DESC}], limit: 1) { pithNumber title sourceId version } } }"
)

_Q_RECORD = """query($a: String!) { resolve(alias: $a) { status paper {
  pithNumber shortPithNumber pithBody canonicalSha256 source { kind id version } title abstract
  license primaryCat crossCats categories submittedAt year authors authorsText doi journalRef
  comments isLatest createdAt updatedAt
  receipt { kind keyId algorithm signedAt signatureB64 signedMessage canonicalSha256 }
  aliases { kind value } claims { claimId kind text status }
  record } } }"""
_P_RECORD = """query($p: String!) { papers(where: {pithNumber: {eq: $p}}) {
  pithNumber pithBody canonicalSha256 sourceKind sourceId version title abstract license
  primaryCat crossCats categories submittedAt year authors authorsText doi journalRef comments
  isLatest createdAt updatedAt canonicalJson
  receipt { kind keyId algorithm signedAt signatureB64 signedMessage canonicalSha256 }
  aliases { kind value } claims { claimId kind text status } } }"""

_Q_NEIGHBORHOOD = """query($a: String!) { citationNeighborhood(alias: $a, depth: 2, direction: BOTH,
  limit: 100) { truncated start { pithNumber title } nodes { distance paper { pithNumber title
  submittedAt } } edges { source target } } }"""
_NB_L2 = "pithNumber title submittedAt"
_P_NEIGHBORHOOD = (
    "query($p: String!) { papers(where: {pithNumber: {eq: $p}}) { pithNumber title "
    "references(limit: 100, sort: [{submittedAt: ASC}]) { pithNumber title submittedAt "
    f"references(limit: 3, sort: [{{submittedAt: ASC}}]) {{ {_NB_L2} }} "
    f"citations(limit: 3, sort: [{{submittedAt: ASC}}]) {{ {_NB_L2} }} }} "
    "citations(limit: 100, sort: [{submittedAt: ASC}]) { pithNumber title submittedAt "
    f"references(limit: 3, sort: [{{submittedAt: ASC}}]) {{ {_NB_L2} }} "
    f"citations(limit: 3, sort: [{{submittedAt: ASC}}]) {{ {_NB_L2} }} }} }} }}"
)

_Q_REFERENCES = """query($a: String!) { resolve(alias: $a) { paper { references(first: 50) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor resolved raw position
  node { pithNumber title aliases { kind value } } work { kind value } } } } } }"""
_P_REFERENCES = """query($p: String!) { papers(where: {pithNumber: {eq: $p}}) {
  referencesConnection(first: 50, sort: [{node: {submittedAt: ASC}}]) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor properties { position raw }
  node { pithNumber title aliases { kind value } } } } } }"""

_Q_RESOLVE_MANY = """query($a: [String!]!) { resolveMany(aliases: $a) { alias status code
  paper { pithNumber source { id version } } candidates { pithNumber } } }"""
_P_RESOLVE_MANY = """query($w: [AliasWhere!]!) { aliases(where: {OR: $w}) { kind value
  papers { pithNumber sourceId version isLatest } } }"""


@dataclass(frozen=True)
class AliasCase:
    """One alias as a user types it (for ours) and as its Alias node (for the peer)."""

    text: str
    kind: str
    value: str


_SAMPLE = """
MATCH (p:Paper) WHERE p.is_latest
WITH p, rand() AS r ORDER BY r LIMIT $n
RETURN p.pith_number AS pith, p.source_id AS source_id,
       COUNT { (p)-[:CITES]->() } AS refs,
       [(a:Alias)-[:ALIAS_OF]->(p) | [a.kind, a.value]] AS aliases
"""

_NEW_STYLE_PAPERS = """
MATCH (p:Paper) WHERE p.is_latest AND p.source_id =~ '\\\\d{4}\\\\.\\\\d{4,5}'
RETURN p.pith_number AS pith, p.source_id AS source_id, 0 AS refs,
       [(a:Alias)-[:ALIAS_OF]->(p) | [a.kind, a.value]] AS aliases
"""

_MANY_REFERENCES = """
MATCH (p:Paper) WHERE p.is_latest AND COUNT { (p)-[:CITES]->() } >= 50
WITH p, rand() AS r ORDER BY r LIMIT $n
RETURN p.pith_number AS pith
"""

_WITH_NEIGHBOURS = """
MATCH (p:Paper) WHERE p.is_latest AND COUNT { (p)-[:CITES]-() } >= 5
WITH p, rand() AS r ORDER BY r LIMIT $n
RETURN p.pith_number AS pith
"""


def _alias_of(kind: str, value: str) -> str:
    """What a user would type for an Alias node."""
    if kind.startswith("pith_short"):
        return "pith:" + value
    if kind == "doi":
        return "doi:" + value
    return value


def alias_cases(driver: Driver, rng: random.Random, n: int = 4000) -> list[AliasCase]:
    """Random aliases, a quarter each: pith short, arXiv new style, arXiv old style, DOI."""
    rows = driver.execute_query(_SAMPLE, n=n, database_=DATABASE, routing_="r").records
    new_rows = driver.execute_query(_NEW_STYLE_PAPERS, database_=DATABASE, routing_="r").records
    groups: dict[str, list[AliasCase]] = {"pith": [], "new": [], "old": [], "doi": []}
    for row in [*rows, *new_rows]:
        for kind, value in row["aliases"]:
            case = AliasCase(_alias_of(kind, value), kind, value)
            if kind == "pith_short_8":
                groups["pith"].append(case)
            elif kind == "arxiv":
                groups["new" if _NEW_STYLE.match(value) else "old"].append(case)
            elif kind == "doi":
                groups["doi"].append(case)
    per_group = max(1, n // 4)
    cases: list[AliasCase] = []
    for items in groups.values():
        items = list(dict.fromkeys(items))
        rng.shuffle(items)
        cases += (items * (per_group // max(1, len(items)) + 1))[:per_group] if items else []
    rng.shuffle(cases)
    return cases


def _body(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return {"query": " ".join(query.split()), "variables": variables}


def _peer_where(cases: Sequence[AliasCase]) -> list[dict[str, Any]]:
    by_kind: dict[str, list[str]] = {}
    for case in cases:
        by_kind.setdefault(case.kind, []).append(case.value)
    return [{"kind": {"eq": k}, "value": {"in": v}} for k, v in sorted(by_kind.items())]


def build(driver: Driver, seed: int = 8, n_bodies: int = 400) -> dict[str, Workload]:
    """All five workloads; ours and the peer get the same papers and aliases, in the same order."""
    rng = random.Random(seed)
    cases = alias_cases(driver, rng)
    records = driver.execute_query(_SAMPLE, n=n_bodies, database_=DATABASE, routing_="r").records
    piths = [r["pith"] for r in records]
    many_refs = [
        r["pith"]
        for r in driver.execute_query(
            _MANY_REFERENCES, n=n_bodies, database_=DATABASE, routing_="r"
        ).records
    ]
    hubs = [
        r["pith"]
        for r in driver.execute_query(
            _WITH_NEIGHBOURS, n=n_bodies, database_=DATABASE, routing_="r"
        ).records
    ]
    out = {name: Workload(name, TITLES[name]) for name in WORKLOADS}
    for case in cases[:n_bodies]:
        out["resolve"].ours.append(_body(_Q_RESOLVE, {"a": case.text}))
        out["resolve"].peer.append(_body(_P_RESOLVE, {"k": case.kind, "v": case.value}))
    for pith in piths:
        out["record"].ours.append(_body(_Q_RECORD, {"a": pith}))
        out["record"].peer.append(_body(_P_RECORD, {"p": pith}))
    for pith in hubs:
        out["neighborhood"].ours.append(_body(_Q_NEIGHBORHOOD, {"a": pith}))
        out["neighborhood"].peer.append(_body(_P_NEIGHBORHOOD, {"p": pith}))
    for pith in many_refs:
        out["references"].ours.append(_body(_Q_REFERENCES, {"a": pith}))
        out["references"].peer.append(_body(_P_REFERENCES, {"p": pith}))
    for _ in range(40):
        batch = rng.sample(cases, min(1000, len(cases)))
        out["resolve_many"].ours.append(_body(_Q_RESOLVE_MANY, {"a": [c.text for c in batch]}))
        out["resolve_many"].peer.append(_body(_P_RESOLVE_MANY, {"w": _peer_where(batch)}))
    return out


def write_bodies(bodies: Sequence[dict[str, Any]], path: Any) -> None:
    """One compact JSON document per line: what the wrk script picks from."""
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(body, separators=(",", ":"), ensure_ascii=False) + "\n" for body in bodies)
