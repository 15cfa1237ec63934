"""The pure decision of alias resolution: latest version, ambiguity, year check."""

from __future__ import annotations

from typing import Any

from pith_graph.core.aliases import parse_alias
from pith_graph.service.resolution import ResolveStatus, _Lookup, decide, lookup_key


def paper(pith: str, source_id: str, version: int, year: int = 1997) -> dict[str, Any]:
    return {"pith_number": pith, "source_id": source_id, "version": version, "year": year}


def test_unversioned_arxiv_id_picks_the_latest_version() -> None:
    query = parse_alias("hep-th/9711200")
    found = decide("hep-th/9711200", query, [paper("pith:1997:A", "hep-th/9711200", 1), paper("pith:1997:C", "hep-th/9711200", 3), paper("pith:1997:B", "hep-th/9711200", 2)])
    assert found.status is ResolveStatus.FOUND and found.paper is not None
    assert found.paper["version"] == 3


def test_prefix_naming_two_papers_is_ambiguous_and_lists_them() -> None:
    query = parse_alias("pith:ABCDEFGH")
    result = decide("pith:ABCDEFGH", query, [paper("pith:1997:ABCDEFGHZ", "x/1", 1), paper("pith:1997:ABCDEFGHA", "x/2", 1)])
    assert result.status is ResolveStatus.AMBIGUOUS and result.code == "AMBIGUOUS_ALIAS"
    assert [c["pith_number"] for c in result.candidates] == ["pith:1997:ABCDEFGHA", "pith:1997:ABCDEFGHZ"]


def test_doi_of_two_different_papers_is_ambiguous() -> None:
    query = parse_alias("10.1000/shared")
    result = decide("10.1000/shared", query, [paper("pith:1997:A", "hep-th/9711200", 2), paper("pith:1997:B", "hep-th/9711200", 1), paper("pith:1998:C", "hep-th/9802150", 1)])
    assert result.status is ResolveStatus.AMBIGUOUS
    assert [c["pith_number"] for c in result.candidates] == ["pith:1997:A", "pith:1998:C"]


def test_full_pith_number_with_the_wrong_year_is_not_found() -> None:
    body = "XTYU6EUZWRI6EBU2PYG3UUWNUO"
    query = parse_alias(f"pith:2025:{body}")
    result = decide("x", query, [paper(f"pith:2026:{body}", "2603.13419", 2, year=2026)])
    assert result.status is ResolveStatus.NOT_FOUND and result.code == "NOT_FOUND"


def test_lookup_keys_by_alias_kind() -> None:
    assert lookup_key(parse_alias("arXiv:2603.13419v2")) == {"kind": "alias", "alias_kind": "arxiv_version", "value": "2603.13419v2"}
    assert lookup_key(parse_alias("https://doi.org/10.48550/ARXIV.2603.13419"))["alias_kind"] == "doi"
    assert lookup_key(parse_alias("xtyu6euz"))["kind"] == "pith_prefix"


def test_a_batch_asks_each_distinct_key_once_and_answers_every_alias_in_order() -> None:
    body = "XTYU6EUZWRI6EBU2PYG3UUWNUO"
    aliases = ["2603.13419", "arXiv:2603.13419", "nope", f"pith:2026:{body}", body, "2603.13419", "nope"]
    lookup = _Lookup(aliases)
    assert lookup.keys == [lookup_key(parse_alias("2603.13419")), lookup_key(parse_alias(body))]
    found = [[paper("pith:2026:" + body, "2603.13419", 2, year=2026)], []]
    answers = lookup.decide(found)
    assert [a.alias for a in answers] == aliases
    assert [a.status for a in answers] == [ResolveStatus.FOUND, ResolveStatus.FOUND, ResolveStatus.INVALID, ResolveStatus.NOT_FOUND, ResolveStatus.NOT_FOUND, ResolveStatus.FOUND, ResolveStatus.INVALID]
    assert answers[0] == decide("2603.13419", parse_alias("2603.13419"), found[0])
    assert answers[2].reason and "'nope'" in answers[2].reason


def test_a_batch_refuses_what_is_not_a_string_as_one_alias() -> None:
    (answer,) = _Lookup([12]).decide([])  # type: ignore[list-item]
    assert answer.status is ResolveStatus.INVALID and answer.code == "INVALID_ALIAS"
