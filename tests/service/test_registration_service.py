"""The write services against the real Neo4j: idempotence, races, versions, import, claims."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from _api_seed import CLOCK, FOUNDING_PITH, TEST_KEY, founding_record
from neo4j import Driver

from pith_graph.config import Settings
from pith_graph.core.trust import default_trust_store
from pith_graph.service.claims import add_claims
from pith_graph.service.errors import BadInput, NotFound
from pith_graph.service.importing import import_record
from pith_graph.service.references import add_references
from pith_graph.service.registration import register_paper, register_papers
from pith_graph.service.resolution import resolve_aliases_sync


def meta(version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "source": {"kind": "arxiv", "id": "2611.00001", "version": version},
        "title": "A test paper about registries",
        "abstract": "We register papers.",
        "submitted_at": "2026-11-01T10:00:00Z",
        "primary_cat": "cs.DL",
        "cross_cats": [],
        "authors": ["Ada Lovelace"],
        **extra,
    }


def counts(driver: Driver) -> dict[str, int]:
    records, _, _ = driver.execute_query(
        "RETURN COUNT { (:Paper) } AS papers, COUNT { (:Receipt) } AS receipts, "
        "COUNT { (:Alias) } AS aliases, COUNT { ()-[:ALIAS_OF]->() } AS links, "
        "COUNT { (:Claim) } AS claims, COUNT { (:Work) } AS works"
    )
    return dict(records[0])


def clock() -> Any:
    return CLOCK


def test_same_content_twice_gives_one_paper(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    first = register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    before = counts(clean_graph)
    assert register_paper(clean_graph, db, TEST_KEY, meta(), clock) == first
    assert counts(clean_graph) == before == {**before, "papers": 1, "receipts": 1}


def test_racing_registrations_make_one_node(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    with ThreadPoolExecutor(8) as pool:
        piths = list(pool.map(lambda _: register_paper(clean_graph, db, TEST_KEY, meta(), clock), range(8)))
    assert len(set(piths)) == 1
    c = counts(clean_graph)
    assert (c["papers"], c["receipts"]) == (1, 1)


def test_other_metadata_for_a_registered_version_is_refused(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    with pytest.raises(BadInput, match="other metadata"):
        register_paper(clean_graph, db, TEST_KEY, meta(title="Changed"), clock)


def test_malformed_batch_writes_nothing(clean_graph: Driver, settings: Settings) -> None:
    bad = meta()
    del bad["title"]
    with pytest.raises(BadInput, match="paper 1: .*title"):
        register_papers(clean_graph, settings.neo4j_database, TEST_KEY, [meta(), bad], clock)
    assert counts(clean_graph)["papers"] == 0


def test_new_version_supersedes_and_unversioned_id_resolves_to_it(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    v1 = register_paper(clean_graph, db, TEST_KEY, meta(1), clock)
    v2 = register_paper(clean_graph, db, TEST_KEY, meta(2), clock)
    assert v1 != v2
    latest, first = resolve_aliases_sync(clean_graph, db, ["2611.00001", "2611.00001v1"])
    assert latest.paper is not None and latest.paper["pith_number"] == v2
    assert first.paper is not None and first.paper["pith_number"] == v1
    records, _, _ = clean_graph.execute_query(
        "MATCH (n:Paper)-[:SUPERSEDES]->(o:Paper) RETURN n.pith_number AS n, o.pith_number AS o"
    )
    assert [(r["n"], r["o"]) for r in records] == [(v2, v1)]


def test_import_verifies_then_stores_the_foreign_receipt(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    assert import_record(clean_graph, db, founding_record(), default_trust_store(), clock) == FOUNDING_PITH
    records, _, _ = clean_graph.execute_query(
        "MATCH (:Paper {pith_number: $p})-[:HAS_RECEIPT]->(r:Receipt) RETURN r.signature_b64 AS s",
        p=FOUNDING_PITH,
    )
    assert records[0]["s"] == founding_record()["receipt"]["signature_b64"]
    assert import_record(clean_graph, db, founding_record(), default_trust_store(), clock) == FOUNDING_PITH
    assert counts(clean_graph)["papers"] == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["canonical_record"]["metadata"].__setitem__("primary_cat", "cs.AI"),
        lambda d: d["receipt"].__setitem__("signature_b64", "A" * 86 + "=="),
        lambda d: d.__setitem__("pith_number", "pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA"),
        lambda d: d["paper"].__setitem__("title", "Another title"),
    ],
)
def test_tampered_record_is_refused_and_nothing_written(clean_graph: Driver, settings: Settings, tamper: Any) -> None:
    doc = copy.deepcopy(founding_record())
    tamper(doc)
    with pytest.raises(BadInput, match="refused"):
        import_record(clean_graph, settings.neo4j_database, doc, default_trust_store(), clock)
    assert counts(clean_graph)["papers"] == 0


def test_references_to_unregistered_works_are_repointed_on_registration(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    citing = register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    pith, outcomes = add_references(clean_graph, db, citing, ["arXiv:2611.00002", "10.1234/ABC"])
    assert pith == citing and [o.resolved for o in outcomes] == [False, False]
    assert counts(clean_graph)["works"] == 2
    other = {**meta(), "source": {"kind": "arxiv", "id": "2611.00002", "version": 1}, "title": "Other"}
    cited = register_paper(clean_graph, db, TEST_KEY, other, clock)
    records, _, _ = clean_graph.execute_query(
        "MATCH (:Paper {pith_number: $a})-[r:CITES]->(t:Paper) RETURN t.pith_number AS t, r.raw AS raw",
        a=citing,
    )
    assert [(r["t"], r["raw"]) for r in records] == [(cited, "arXiv:2611.00002")]
    assert counts(clean_graph)["works"] == 1


def test_references_with_a_bad_alias_write_nothing(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    citing = register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    with pytest.raises(BadInput, match="cited\\[1\\]"):
        add_references(clean_graph, db, citing, ["arXiv:2611.00002", "garbage!"])
    assert counts(clean_graph)["works"] == 0
    with pytest.raises(NotFound):
        add_references(clean_graph, db, "2611.99999", ["arXiv:2611.00002"])


def test_claims_are_numbered_and_idempotent(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    pith = register_paper(clean_graph, db, TEST_KEY, meta(), clock)
    claims = [{"kind": "strongest_claim", "text": "It works."}, {"kind": "weakest_assumption", "text": "Time."}]
    out = add_claims(clean_graph, db, pith, claims, clock)
    assert [(c["claim_id"], c["status"], c["attestation"]) for c in out] == [
        ("C1", "machine_extracted", "unclaimed"),
        ("C2", "machine_extracted", "unclaimed"),
    ]
    again = add_claims(clean_graph, db, pith, claims + [{"kind": "one_line_summary", "text": "Yes."}], clock)
    assert [c["claim_id"] for c in again] == ["C1", "C2", "C3"]
    with pytest.raises(BadInput):
        add_claims(clean_graph, db, pith, [{"kind": "Bad Kind", "text": "x"}], clock)
    with pytest.raises(NotFound):
        add_claims(clean_graph, db, "pith:2026:AAAAAAAAAAAAAAAAAAAAAAAAAA", claims, clock)


def test_every_doi_given_resolves_to_the_paper(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    pith = register_paper(clean_graph, db, TEST_KEY, meta(doi=["10.1000/First", "10.1000/erratum"]), clock)
    for alias in ("10.1000/first", "10.1000/ERRATUM"):
        (r,) = resolve_aliases_sync(clean_graph, db, [alias])
        assert r.paper is not None and r.paper["pith_number"] == pith, alias


def test_a_paper_citing_itself_is_refused(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    v1 = register_paper(clean_graph, db, TEST_KEY, meta(1, doi="10.1000/self"), clock)
    v2 = register_paper(clean_graph, db, TEST_KEY, meta(2, doi="10.1000/self"), clock)
    for alias in (v1, v2, "2611.00001", "arXiv:2611.00001v1", "2611.00001v3", "10.1000/SELF",
                  "10.48550/arXiv.2611.00001"):
        with pytest.raises(BadInput, match="cannot cite itself") as exc:
            add_references(clean_graph, db, v1, ["arXiv:2611.00002", alias])
        assert exc.value.code == "BAD_INPUT"
    records, _, _ = clean_graph.execute_query("MATCH ()-[r:CITES]->() RETURN count(r) AS n")
    assert records[0]["n"] == 0


def test_an_imported_record_keeps_its_signed_times(clean_graph: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    import_record(clean_graph, db, founding_record(), default_trust_store(), clock)
    doc = founding_record()
    records, _, _ = clean_graph.execute_query(
        "MATCH (p:Paper {pith_number: $p}) RETURN p.created_at AS created, "
        "COLLECT { MATCH (a:Alias)-[:ALIAS_OF]->(p) RETURN DISTINCT a.created_at } AS alias_times",
        p=FOUNDING_PITH,
    )
    (record,) = records
    assert record["created"].replace("Z", "+00:00") == doc["created_at"]
    assert [t.replace("Z", "+00:00") for t in record["alias_times"]] == [doc["aliases"][0]["created_at"]]
