"""resolve / resolveMany: every alias form, latest version, not found, ambiguous, invalid."""

from __future__ import annotations

import pytest
from _api_client import GraphQLClient
from _api_seed import CENTRE, FOUNDING_PITH, SeededGraph

RESOLVE = """
query($alias: String!) {
  resolve(alias: $alias) {
    alias status code reason
    paper { pithNumber source { id version } isLatest }
    candidates { pithNumber }
  }
}
"""

BODY = FOUNDING_PITH.split(":")[2]


@pytest.mark.parametrize(
    "alias",
    [
        FOUNDING_PITH,
        FOUNDING_PITH.lower(),
        BODY,
        f"pith:{BODY[:8]}",
        BODY[:8].lower(),
        f"pith:{BODY[:12]}",
        "2603.13419",
        "2603.13419v2",
        "arXiv:2603.13419",
        "https://arxiv.org/abs/2603.13419v2",
        "https://arxiv.org/pdf/2603.13419.pdf",
        "10.48550/arXiv.2603.13419",
        "doi:10.48550/ARXIV.2603.13419",
        "https://doi.org/10.48550/arxiv.2603.13419",
    ],
)
def test_every_form_of_the_founding_record_resolves(
    seeded: SeededGraph, gql: GraphQLClient, alias: str
) -> None:
    result = gql(RESOLVE, {"alias": alias})["resolve"]
    assert result["status"] == "FOUND", result
    assert result["paper"]["pithNumber"] == FOUNDING_PITH
    assert result["code"] is None


@pytest.mark.parametrize("alias", [CENTRE, f"{CENTRE}v3", f"arXiv:{CENTRE}", f"https://arxiv.org/abs/{CENTRE}"])
def test_old_style_arxiv_ids_resolve(seeded: SeededGraph, gql: GraphQLClient, alias: str) -> None:
    result = gql(RESOLVE, {"alias": alias})["resolve"]
    assert result["status"] == "FOUND"
    assert result["paper"]["source"]["id"] == CENTRE


def test_unknown_alias_is_not_found(seeded: SeededGraph, gql: GraphQLClient) -> None:
    result = gql(RESOLVE, {"alias": "hep-th/9901999"})["resolve"]
    assert (result["status"], result["code"], result["paper"]) == ("NOT_FOUND", "NOT_FOUND", None)


def test_version_not_registered_is_not_found(seeded: SeededGraph, gql: GraphQLClient) -> None:
    assert gql(RESOLVE, {"alias": "2603.13419v1"})["resolve"]["status"] == "NOT_FOUND"


@pytest.mark.parametrize("alias", ["", "pith:ABC", "hello world", "doi:11.2/x", "pith:2026:" + "1" * 26])
def test_malformed_alias_is_invalid_with_reason(
    seeded: SeededGraph, gql: GraphQLClient, alias: str
) -> None:
    result = gql(RESOLVE, {"alias": alias})["resolve"]
    assert result["status"] == "INVALID"
    assert result["code"] == "INVALID_ALIAS"
    assert result["reason"]


def test_resolve_many_answers_in_input_order(seeded: SeededGraph, gql: GraphQLClient) -> None:
    aliases = ["2603.13419", "nonsense!", CENTRE, "hep-th/9901999", FOUNDING_PITH]
    data = gql(
        "query($a: [String!]!) { resolveMany(aliases: $a) { alias status paper { pithNumber } } }",
        {"a": aliases},
    )
    results = data["resolveMany"]
    assert [r["alias"] for r in results] == aliases
    assert [r["status"] for r in results] == ["FOUND", "INVALID", "FOUND", "NOT_FOUND", "FOUND"]


def test_resolve_many_refuses_more_than_1000(seeded: SeededGraph, gql: GraphQLClient) -> None:
    error = gql.error(
        "query($a: [String!]!) { resolveMany(aliases: $a) { status } }", {"a": ["x"] * 1001}
    )
    assert error["extensions"]["code"] == "BAD_INPUT"


def test_resolve_many_accepts_1000(seeded: SeededGraph, gql: GraphQLClient) -> None:
    data = gql(
        "query($a: [String!]!) { resolveMany(aliases: $a) { status } }",
        {"a": [CENTRE] * 500 + ["hep-th/9901999"] * 500},
    )
    assert len(data["resolveMany"]) == 1000


LISTED = """
fragment Listed on Paper { authors license }
query($a: [String!]!, $p: String!) {
  brief: resolveMany(aliases: $a) { paper { pithNumber title source { id version } } }
  spread: resolveMany(aliases: $a) { paper { pithNumber ...Listed } }
  inline: resolveMany(aliases: $a) { paper { ... on Paper { doi categories crossCats } } }
  alone: resolve(alias: $p) { paper { pithNumber title authors license doi categories crossCats } }
}
"""


def test_a_lookup_reads_whatever_fields_the_selection_names(
    seeded: SeededGraph, gql: GraphQLClient
) -> None:
    # A selection of names and titles only is answered from a brief read; any other field,
    # also inside fragments, makes the lookup read the listing properties.
    data = gql(LISTED, {"a": [FOUNDING_PITH], "p": FOUNDING_PITH})
    alone = data["alone"]["paper"]
    assert alone["authors"] and alone["license"] and alone["categories"]
    assert data["brief"][0]["paper"]["title"] == alone["title"]
    assert data["spread"][0]["paper"]["authors"] == alone["authors"]
    assert data["spread"][0]["paper"]["license"] == alone["license"]
    inline = data["inline"][0]["paper"]
    assert (inline["doi"], inline["categories"], inline["crossCats"]) == (
        alone["doi"], alone["categories"], alone["crossCats"])


def test_brief_and_listing_reads_agree_on_the_brief_fields(
    seeded: SeededGraph, gql: GraphQLClient
) -> None:
    brief = "pithNumber shortPithNumber pithBody canonicalSha256 source { kind id version } title primaryCat submittedAt year isLatest"
    query = f"""query($a: [String!]!) {{
      brief: resolveMany(aliases: $a) {{ paper {{ {brief} }} }}
      listed: resolveMany(aliases: $a) {{ paper {{ {brief} authors }} }} }}"""
    aliases = [FOUNDING_PITH, CENTRE]
    data = gql(query, {"a": aliases})
    for short, listed in zip(data["brief"], data["listed"], strict=True):
        assert short["paper"] and listed["paper"]["authors"]
        assert short["paper"] == {k: v for k, v in listed["paper"].items() if k != "authors"}
