"""The Paper type: every v1 record field, the record document, references and citations."""

from __future__ import annotations

from typing import Any

import pytest
from _api_client import GraphQLClient
from _api_seed import CENTRE, FOUNDING_PITH, SeededGraph, founding_record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PAPER = """
query($alias: String!) {
  resolve(alias: $alias) {
    paper {
      pithNumber shortPithNumber canonicalSha256 source { kind id version } title abstract
      license primaryCat crossCats submittedAt year authors authorsText isLatest
      canonicalRecord attestationState verificationStatus graphSnapshot events links
      receipt { keyId signatureB64 canonicalSha256 publicKeyFingerprint }
      aliases { kind value createdAt }
      claims { claimId }
      record
    }
  }
}
"""


def test_founding_record_fields_match_the_reference(seeded: SeededGraph, gql: GraphQLClient) -> None:
    paper = gql(PAPER, {"alias": FOUNDING_PITH})["resolve"]["paper"]
    reference = founding_record()
    assert paper["canonicalSha256"] == reference["canonical_sha256"]
    assert paper["canonicalRecord"] == reference["canonical_record"]
    assert paper["receipt"]["signatureB64"] == reference["receipt"]["signature_b64"]
    assert paper["shortPithNumber"] == reference["short_pith_number"]
    assert paper["title"] == reference["paper"]["title"]
    assert {(a["kind"], a["value"]) for a in paper["aliases"]} == {
        (a["alias_kind"], a["alias_value"]) for a in reference["aliases"]
    }
    record = paper["record"]
    assert list(record) == list(reference)
    for key in ("pith_number", "short_pith_number", "canonical_sha256", "canonical_record", "receipt", "source", "paper"):
        assert record[key] == reference[key], key
    assert paper["events"] == [] and paper["claims"] == []
    assert paper["verificationStatus"] == record["verification_status"]
    assert paper["graphSnapshot"] == record["graph_snapshot"]


CITATIONS = """
query($alias: String!, $first: Int!, $after: String, $order: SortOrder!, $year: Int, $cats: [String!]) {
  resolve(alias: $alias) {
    paper {
      citations(first: $first, after: $after, order: $order, year: $year, categories: $cats) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor resolved position node { pithNumber submittedAt year primaryCat } }
        facets { byPrimaryCategory { value count } byYear { value count } }
      }
    }
  }
}
"""


def _citations(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    base = {"alias": CENTRE, "first": 50, "after": None, "order": "SUBMITTED_ASC", "year": None, "cats": None}
    data = gql(CITATIONS, {**base, **variables})
    result: dict[str, Any] = data["resolve"]["paper"]["citations"]
    return result


def test_citations_page_with_keyset_cursors(seeded: SeededGraph, gql: GraphQLClient) -> None:
    seen, after = [], None
    while True:
        page = _citations(gql, first=60, after=after)
        seen += [(e["node"]["submittedAt"], e["node"]["pithNumber"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == 200
    assert seen == sorted(seen) and len(set(seen)) == 200


def test_citations_sorted_descending(seeded: SeededGraph, gql: GraphQLClient) -> None:
    page = _citations(gql, first=10, order="SUBMITTED_DESC")
    dates = [e["node"]["submittedAt"] for e in page["edges"]]
    assert dates == sorted(dates, reverse=True)


def test_citations_filtered_by_year_with_facets(seeded: SeededGraph, gql: GraphQLClient) -> None:
    page = _citations(gql, year=1998)
    by_year = {f["value"]: f["count"] for f in page["facets"]["byYear"]}
    assert page["totalCount"] == by_year["1998"] > 0
    assert {e["node"]["year"] for e in page["edges"]} == {1998}
    assert sum(f["count"] for f in page["facets"]["byPrimaryCategory"]) == 200


def test_citations_filtered_by_category(seeded: SeededGraph, gql: GraphQLClient) -> None:
    page = _citations(gql, cats=["gr-qc"])
    assert all(e["node"]["primaryCat"] == "gr-qc" for e in page["edges"])


def test_bad_cursor_is_bad_input(seeded: SeededGraph, gql: GraphQLClient) -> None:
    base = {"alias": CENTRE, "first": 5, "after": "not-a-cursor", "order": "SUBMITTED_ASC", "year": None, "cats": None}
    error = gql.error(CITATIONS, base)
    assert error["extensions"]["code"] == "BAD_INPUT"


def test_unresolved_references_listed_with_raw_identifier(seeded: SeededGraph, gql: GraphQLClient) -> None:
    records, _, _ = seeded.driver.execute_query(
        "MATCH (p:Paper)-[:CITES]->(:Work) WITH DISTINCT p ORDER BY p.pith_number "
        "RETURN p.pith_number AS pith LIMIT 1"
    )
    data = gql(
        """query($a: String!) { resolve(alias: $a) { paper { references(first: 500) {
             totalCount edges { resolved raw work { kind value } node { pithNumber } } } } } }""",
        {"a": records[0]["pith"]},
    )
    edges = data["resolve"]["paper"]["references"]["edges"]
    unresolved = [e for e in edges if not e["resolved"]]
    assert unresolved
    assert all(e["node"] is None and e["work"]["kind"] == "arxiv" and e["work"]["value"] for e in unresolved)


NEIGHBORHOOD = """
query($alias: String!, $depth: Int!, $direction: Direction!, $limit: Int!) {
  citationNeighborhood(alias: $alias, depth: $depth, direction: $direction, limit: $limit) {
    start { pithNumber }
    nodes { distance paper { pithNumber } }
    edges { source target }
    truncated
  }
}
"""


def test_neighborhood_two_hops_truncates_deterministically(seeded: SeededGraph, gql: GraphQLClient) -> None:
    args = {"alias": CENTRE, "depth": 2, "direction": "BOTH", "limit": 120}
    a = gql(NEIGHBORHOOD, args)["citationNeighborhood"]
    b = gql(NEIGHBORHOOD, args)["citationNeighborhood"]
    assert a == b
    assert a["truncated"] and len(a["nodes"]) == 120
    assert {n["distance"] for n in a["nodes"]} <= {1, 2}


def test_neighborhood_depth_is_bounded(seeded: SeededGraph, gql: GraphQLClient) -> None:
    error = gql.error(NEIGHBORHOOD, {"alias": CENTRE, "depth": 4, "direction": "OUT", "limit": 10})
    assert error["extensions"]["code"] == "BAD_INPUT"


def test_neighborhood_of_unknown_alias_is_not_found(seeded: SeededGraph, gql: GraphQLClient) -> None:
    error = gql.error(NEIGHBORHOOD, {"alias": "hep-th/9901999", "depth": 1, "direction": "OUT", "limit": 10})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_search_titles_paginates(seeded: SeededGraph, gql: GraphQLClient) -> None:
    query = """query($t: String!, $after: String) { search(title: $t, first: 3, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { score node { title } } } }"""
    first = gql(query, {"t": "black hole", "after": None})["search"]
    assert first["totalCount"] > 3 and len(first["edges"]) == 3
    second = gql(query, {"t": "black hole", "after": first["pageInfo"]["endCursor"]})["search"]
    assert {e["node"]["title"] for e in first["edges"]}.isdisjoint(e["node"]["title"] for e in second["edges"])


FACETS = """
query($alias: String!, $year: Int) {
  resolve(alias: $alias) { paper { citations(first: 3, year: $year) {
    totalCount
    facets { byPrimaryCategory { value count } byYear { value count } }
    ... on CitationConnection { filteredFacets { byYear { value count } } }
  } } }
}
"""


def test_facets_of_the_whole_list_beside_the_filtered_ones(seeded: SeededGraph, gql: GraphQLClient) -> None:
    whole = gql(FACETS, {"alias": CENTRE, "year": None})["resolve"]["paper"]["citations"]
    filtered = gql(FACETS, {"alias": CENTRE, "year": 1998})["resolve"]["paper"]["citations"]
    assert filtered["facets"] == whole["facets"]  # filters ignored
    assert whole["filteredFacets"]["byYear"] == whole["facets"]["byYear"]
    by_year = {f["value"]: f["count"] for f in whole["facets"]["byYear"]}
    assert filtered["filteredFacets"]["byYear"] == [{"value": "1998", "count": by_year["1998"]}]
    assert filtered["totalCount"] == by_year["1998"] and whole["totalCount"] == 200


def test_lists_read_abstracts_only_when_selected(seeded: SeededGraph, gql: GraphQLClient) -> None:
    query = """query($a: String!) { resolve(alias: $a) { paper { abstract canonicalRecord
      citations(first: 2) { edges { node { title abstract canonicalRecord } } } } } }"""
    paper = gql(query, {"a": CENTRE})["resolve"]["paper"]
    assert paper["abstract"] and isinstance(paper["canonicalRecord"], dict)
    for edge in paper["citations"]["edges"]:
        assert edge["node"]["abstract"] and edge["node"]["canonicalRecord"]


def test_a_page_lists_the_same_aliases_a_paper_has(seeded: SeededGraph, gql: GraphQLClient) -> None:
    # A page selecting its papers' aliases reads them with the page (one query); a paper
    # resolved on its own reads them with its receipt and claims. Both must say the same.
    query = """query($a: String!) { resolve(alias: $a) { paper { citations(first: 20) {
      edges { node { pithNumber aliases { kind value createdAt } } } } } } }"""
    edges = gql(query, {"a": CENTRE})["resolve"]["paper"]["citations"]["edges"]
    assert len(edges) == 20
    one_by_one = """query($a: String!) { resolve(alias: $a) { paper { aliases { kind value createdAt } } } }"""
    for edge in edges:
        alone = gql(one_by_one, {"a": edge["node"]["pithNumber"]})["resolve"]["paper"]["aliases"]
        assert edge["node"]["aliases"] == alone and alone


def test_neighborhood_papers_carry_the_fields_asked_for(
    seeded: SeededGraph, gql: GraphQLClient
) -> None:
    query = """query($a: String!) { citationNeighborhood(alias: $a, depth: 1, limit: 10) {
      start { title %s } nodes { paper { pithNumber title %s } } } }"""
    brief = gql(query % ("", ""), {"a": CENTRE})["citationNeighborhood"]
    listed = gql(query % ("authors", "authors categories"), {"a": CENTRE})["citationNeighborhood"]
    assert brief["start"]["title"] == listed["start"]["title"] and listed["start"]["authors"]
    assert [n["paper"]["title"] for n in brief["nodes"]] == [n["paper"]["title"] for n in listed["nodes"]]
    assert all(n["paper"]["authors"] and n["paper"]["categories"] for n in listed["nodes"])


SEARCH_COUNT = "query($t: String!) { search(title: $t, first: 50) { totalCount edges { node { title } } } }"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NOT black", "not black"),
        ("black AND hole", "black and hole"),
        ("black OR hole", "black or hole"),
        ("AND", "and"),
        ("black NOT", "black not"),
        ("OR black TO holes", "or black to holes"),
        ("black && holes || !strings", "black holes strings"),
    ],
)
def test_search_keywords_are_words(seeded: SeededGraph, gql: GraphQLClient, text: str, words: str) -> None:
    found = gql(SEARCH_COUNT, {"t": text})["search"]
    assert found["totalCount"] == gql(SEARCH_COUNT, {"t": words})["search"]["totalCount"]
    if "black" in words:
        assert found["totalCount"] > 0
        assert any("black" in e["node"]["title"].lower() for e in found["edges"])


def test_search_text_is_bounded(seeded: SeededGraph, gql: GraphQLClient) -> None:
    error = gql.error(SEARCH_COUNT, {"t": "black " * 400})
    assert error["extensions"]["code"] == "BAD_INPUT" and "1000" in error["message"]
    assert len(error["message"]) < 400


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(["AND", "OR", "NOT", "TO", "&&", "||", "!", "(", ")", "[", "]", "{", "}",
                             "*", "?", "~", "^", ":", "\\", "/", '"', "+", "-", "black", "hole", " "]),
            max_size=12,
        ).map("".join),
        st.lists(st.sampled_from(["AND", "OR", "NOT", "black", "hole", "TO", "[a", "b]"]), max_size=8).map(" ".join),
    )
)
def test_search_never_fails_internally(seeded: SeededGraph, gql: GraphQLClient, text: str) -> None:
    body = gql.raw(SEARCH_COUNT, {"t": text})
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] == "BAD_INPUT", (text, error)
    if not body.get("errors"):
        assert body["data"]["search"]["totalCount"] >= 0
