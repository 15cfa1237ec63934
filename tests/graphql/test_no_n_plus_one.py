"""No N+1: papers with references, aliases and receipts cost a fixed number of store queries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _api_client import CountingDriver, GraphQLClient, counted_client
from _api_seed import SeededGraph

from pith_graph.config import Settings
from pith_graph.store._run import Statements, watching_statements

QUERY = """
query($a: [String!]!) {
  resolveMany(aliases: $a) {
    paper {
      pithNumber
      receipt { keyId signatureB64 }
      aliases { kind value }
      references(first: 5) {
        totalCount
        edges { resolved node { pithNumber receipt { keyId } aliases { value } } }
      }
      citations(first: 3) { totalCount edges { node { title } } }
    }
  }
}
"""


@pytest.fixture(scope="module")
def counted(seeded: SeededGraph, settings: Settings) -> Iterator[tuple[GraphQLClient, CountingDriver]]:
    with counted_client(settings) as (client, counting):
        yield GraphQLClient(client), counting


def _queries_for(counted: tuple[GraphQLClient, CountingDriver], aliases: list[str]) -> int:
    gql, counting = counted
    counting.queries.clear()
    data = gql(QUERY, {"a": aliases})
    assert all(r["paper"] is not None for r in data["resolveMany"])
    return len(counting.request_queries)


def test_fifty_papers_cost_as_many_queries_as_five(
    seeded: SeededGraph, counted: tuple[GraphQLClient, CountingDriver]
) -> None:
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper) WHERE EXISTS { (p)-[:CITES]->(:Paper) } "
        "RETURN p.pith_number AS p ORDER BY p.pith_number LIMIT 50"
    )
    piths = [r["p"] for r in records]
    assert len(piths) == 50
    five = _queries_for(counted, piths[:5])
    fifty = _queries_for(counted, piths)
    assert fifty == five <= 4, (five, fifty)
    print(f"N+1 check: 50 papers with references, aliases, receipts: {fifty} Cypher queries")


def test_resolve_many_of_1000_aliases_is_one_round_trip(
    seeded: SeededGraph, counted: tuple[GraphQLClient, CountingDriver]
) -> None:
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper) RETURN p.pith_number AS p, p.source_id AS s ORDER BY p.pith_number LIMIT 200"
    )
    forms = [f(r) for r in records for f in (
        lambda r: r["p"], lambda r: r["s"], lambda r: "pith:" + r["p"].split(":")[2][:10].lower(),
        lambda r: f"https://arxiv.org/abs/{r['s']}", lambda r: "hep-th/9901999",
    )]
    assert len(forms) == 1000
    gql, counting = counted
    counting.queries.clear()
    data = gql("query($a: [String!]!) { resolveMany(aliases: $a) { status paper { pithNumber title } } }", {"a": forms})
    assert len(counting.request_queries) == 1
    statuses = [r["status"] for r in data["resolveMany"]]
    assert statuses.count("FOUND") >= 750 and statuses.count("NOT_FOUND") >= 200


RECORD = """
query($a: [String!]!) {
  resolveMany(aliases: $a) {
    paper {
      pithNumber title abstract authors license
      receipt { keyId } aliases { kind value } claims { claimId }
      record
    }
  }
}
"""


def test_whole_records_cost_two_queries_however_many(
    seeded: SeededGraph, counted: tuple[GraphQLClient, CountingDriver]
) -> None:
    # The lookup reads every property (the selection builds records), then one query reads the
    # events, graph facts, receipts, aliases and claims of all papers and the registry's
    # integrity runs: two in all, however many papers.
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper) RETURN p.pith_number AS p ORDER BY p.pith_number LIMIT 20"
    )
    gql, counting = counted
    for piths in ([r["p"] for r in records[:1]], [r["p"] for r in records]):
        counting.queries.clear()
        data = gql(RECORD, {"a": piths})
        assert all(r["paper"]["record"]["pith_number"] == r["paper"]["pithNumber"] for r in data["resolveMany"])
        assert all(r["paper"]["abstract"] for r in data["resolveMany"])
        assert len(counting.request_queries) == 2, (len(piths), counting.request_queries)


class _Overlap(Statements):
    """Statements, and the most that were in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = self.most = 0

    def started(self, query: str, params: dict[str, Any], routing: str) -> None:
        super().started(query, params, routing)
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)

    def finished(self) -> None:
        self.in_flight -= 1


def _a_citing_paper(seeded: SeededGraph) -> str:
    """The pith number of the first seeded paper that cites a registered paper."""
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper) WHERE EXISTS { (p)-[:CITES]->(:Paper) } "
        "RETURN p.pith_number AS p ORDER BY p.pith_number LIMIT 1"
    )
    return str(records[0]["p"])


def test_a_page_of_a_paper_named_by_its_pith_number_is_read_beside_the_lookup(
    seeded: SeededGraph, counted: tuple[GraphQLClient, CountingDriver]
) -> None:
    pith = _a_citing_paper(seeded)
    gql, _ = counted
    query = """query($a: String!) { resolve(alias: $a) { paper { references(first: 5) {
      totalCount edges { node { title aliases { value } } } } } } }"""
    with watching_statements(_Overlap()) as overlap:
        data = gql(query, {"a": pith})
    assert data["resolve"]["paper"]["references"]["edges"]
    asked = [q for q in overlap.queries if ":Log" not in q]
    assert len(asked) == 2 and overlap.most >= 2, (asked, overlap.most)


_PLAIN = """query($a: String!) { resolve(alias: $a) { status paper {
  pithNumber abstract receipt { keyId } aliases { kind value } claims { claimId }
  verificationStatus references(first: 3) { totalCount edges { node { pithNumber aliases { value } } } }
} } }"""
_FRAGMENTS = """query($a: String!) { resolve(alias: $a) { status paper { ...Whole } } }
fragment Whole on Paper { pithNumber ... on Paper { abstract receipt { keyId } }
  aliases { kind value } ...More }
fragment More on Paper { claims { claimId } ... { verificationStatus }
  references(first: 3) { ...Page } }
fragment Page on CitationConnection { totalCount edges { node { pithNumber ... on Paper { aliases { value } } } } }"""


def test_fragments_select_what_the_same_fields_written_out_select(
    seeded: SeededGraph, counted: tuple[GraphQLClient, CountingDriver]
) -> None:
    # The store projection, the record's status and the prefetched page are chosen from the
    # selection: spread or inline fragments must choose them as the fields written out do.
    pith = _a_citing_paper(seeded)
    gql, counting = counted
    answers, counts = [], []
    for query in (_PLAIN, _FRAGMENTS, _PLAIN):
        counting.queries.clear()
        answers.append(gql(query, {"a": pith}))
        counts.append(len(counting.request_queries))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["resolve"]["paper"]["abstract"]
    assert answers[0]["resolve"]["paper"]["references"]["edges"]
    assert counts[0] == counts[1] == counts[2], counts
