"""The pure detectors on hand-made cases: what each flags, and what it leaves alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.integrity import DETECTORS, Severity, VerdictClass, evidence_hash
from pith_graph.core.integrity import citation_time_order as cto
from pith_graph.core.integrity import cited_work_retraction as cwr
from pith_graph.core.integrity import doi_compliance as dc
from pith_graph.core.integrity import metadata_conflict as mc
from pith_graph.core.integrity import shingle_duplication as sd
from pith_graph.core.integrity import submission_date_mismatch as sdm
from pith_graph.core.integrity import unresolvable_identifier as ui
from pith_graph.core.integrity.identifiers import (
    arxiv_id_problem,
    doi_compliance_problem,
    doi_syntax_problem,
)

A = "pith:1999:AAAAAAAAAAAAAAAAAAAAAAAAAA"
B = "pith:1999:BBBBBBBBBBBBBBBBBBBBBBBBBB"


def test_detector_names_are_the_contract() -> None:
    assert set(DETECTORS) == {
        "citation_time_order",
        "unresolvable_identifier",
        "doi_compliance",
        "shingle_duplication",
        "submission_date_mismatch",
        "metadata_conflict",
        "cited_work_retraction",
    }
    assert all(DETECTORS.values())


def _edge(citing_at: str | None, cited_v1: str, version: int = 2) -> cto.CitationDates:
    return cto.CitationDates(A, "hep-th/9902153", version, citing_at, B, "hep-th/9903161", cited_v1)


def test_time_order_flags_a_cited_v1_after_the_citing_latest_version() -> None:
    (f,) = cto.detect([_edge("1999-02-22T21:22:16Z", "1999-03-18T17:47:18Z")])
    assert (f.detector, f.severity, f.verdict_class) == (
        "citation_time_order",
        Severity.ADVISORY,
        VerdictClass.INCONTROVERTIBLE,
    )
    assert f.subject == A and f.evidence["cited_arxiv_id"] == "hep-th/9903161"


def test_time_order_leaves_earlier_equal_and_unknown_dates_alone() -> None:
    assert cto.detect([_edge("1999-03-18T17:47:18Z", "1999-03-18T17:47:18Z")]) == []
    assert cto.detect([_edge("1999-04-01T00:00:00Z", "1999-03-18T17:47:18Z")]) == []
    assert cto.detect([_edge(None, "1999-03-18T17:47:18Z")]) == []


@pytest.mark.parametrize(
    "value", ["hep-th/9902153", "math/9307207", "0704.0001", "1412.9999", "1501.00001", "2603.13419"]
)
def test_issued_arxiv_ids_are_valid(value: str) -> None:
    assert arxiv_id_problem(value) is None


@pytest.mark.parametrize(
    "value", ["0612.1234", "1501.1234", "1412.12345", "hep-th/0801001", "hep-th/9001001", "x/y", ""]
)
def test_never_issued_arxiv_ids_are_unresolvable(value: str) -> None:
    assert arxiv_id_problem(value) is not None
    (f,) = ui.detect([ui.Reference(A, "arxiv", value, 3)])
    assert f.finding_type == "invalid_arxiv_id" and f.evidence["ref_index"] == 3


def test_doi_syntax_and_compliance_are_separate_detectors() -> None:
    assert doi_syntax_problem("10.1103/PhysRevD.59.086004") is None
    assert doi_syntax_problem("10.1103 /x") is not None
    assert doi_syntax_problem("11.1103/x") is not None
    assert ui.detect([ui.Reference(A, "doi", "10.1103/physrevd.59.086004")]) == []
    (bad,) = ui.detect([ui.Reference(A, "doi", "10.1103/a\tb")])
    assert bad.finding_type == "invalid_doi"
    assert doi_compliance_problem("10.1016/j.physletb.2003.01.001.") is not None
    assert doi_compliance_problem("10.1002/(sici)1097-0312(199601)49:1<1::aid-cpa1>3.0.co;2-9") is not None
    assert doi_compliance_problem("10.1103/physrevd.59.086004") is None
    (f,) = dc.detect([dc.DoiUse(A, "10.1016/j.x.2003.01.001,", "reference", 7)])
    assert (f.detector, f.severity) == ("doi_compliance", Severity.INFORMATIONAL)
    assert dc.detect([dc.DoiUse(A, "not a doi", "paper")]) == []  # the other detector's


def test_submission_date_mismatch_is_more_than_a_month_from_the_id_month() -> None:
    (f,) = sdm.detect([sdm.PaperDate(A, "hep-th/9509068", "2000-09-13T00:00:00Z")])
    assert f.evidence["id_month"] == "1995-09" and f.severity is Severity.INFORMATIONAL
    assert sdm.detect([sdm.PaperDate(A, "hep-th/9509068", "1995-10-31T23:59:59Z")]) == []
    assert sdm.detect([sdm.PaperDate(A, "hep-th/9509068", "1995-08-01T00:00:00Z")]) == []
    assert len(sdm.detect([sdm.PaperDate(A, "hep-th/9509068", "1995-11-01T00:00:00Z")])) == 1
    assert sdm.detect([sdm.PaperDate(A, "2603.13419", "2026-03-15T00:00:00Z")]) == []
    assert sdm.date_mismatch_months("0001.0001x", "2000-01-01") is None


def _record(title_sha: str, license: str = "") -> dict[str, object]:
    return {
        "source": {"id": "1501.00001", "kind": "arxiv", "version": 1},
        "metadata": {"license": license, "title_canon_sha256": title_sha, "primary_cat": "cs.LG"},
        "schema_version": "1.0",
    }


def test_metadata_conflict_names_the_fields_the_sources_disagree_on() -> None:
    (f,) = mc.detect([mc.SourceConflict(A, _record("a"), "1" * 64, _record("b", "x"), "2" * 64)])
    assert f.evidence["fields"] == ["metadata.license", "metadata.title_canon_sha256"]
    assert f.verdict_class is VerdictClass.CROSS_SOURCE
    assert mc.detect([mc.SourceConflict(A, _record("a"), "1" * 64, _record("a"), "1" * 64)]) == []


RW_CSV = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,"
    "RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,"
    "OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n"
    '1,T,S,I,J,P,C,A,,Research,1/2/2020 0:00,10.1/R1,0,1/1/2019 0:00,10.1/ORIG,0,Retraction,"+Fake data;",No,\n'
    "2,T,S,I,J,P,C,A,,Research,1/2/2020 0:00,10.1/R2,0,1/1/2019 0:00,10.1/EOC,0,Expression of concern,,No,\n"
    "3,T,S,I,J,P,C,A,,Research,1/2/2020 0:00,10.1/R3,0,1/1/2019 0:00,10.1/FIX,0,Correction,,No,\n"
    "4,T,S,I,J,P,C,A,,Research,1/2/2020 0:00,10.1/R4,0,1/1/2019 0:00,unavailable,0,Retraction,,No,\n"
)


def test_cited_work_retraction_reads_the_retraction_watch_columns() -> None:
    table = cwr.parse_retraction_csv(RW_CSV)
    assert set(table) == {"10.1/orig", "10.1/eoc"}
    found = cwr.detect(
        [cwr.CitedDoi(A, "10.1/ORIG", 1), cwr.CitedDoi(A, "10.1/eoc", 2), cwr.CitedDoi(A, "10.1/fix", 3)],
        table,
    )
    assert [(f.finding_type, f.severity) for f in found] == [
        ("cited_work_retracted", Severity.CRITICAL),
        ("cited_work_expression_of_concern", Severity.ADVISORY),
    ]
    with pytest.raises(ValueError):
        cwr.parse_retraction_csv("a,b\n1,2\n")


ABSTRACT = (
    "We study the thermodynamics of black holes in three dimensional anti de Sitter space and "
    "show that the entropy equals twice the perimeter of the horizon in suitable units, which "
    "agrees with the counting of states in the boundary conformal field theory."
)


def _index(texts: list[sd.Text]) -> tuple[sd.DuplicateIndex, dict[str, list[int]]]:
    index, sigs = sd.DuplicateIndex(), {}
    for t in texts:
        sigs[t.pith] = sd.signature(sd.shingles(t.title, t.abstract))
        index.add(t.pith, t.arxiv_id, sigs[t.pith])
    return index, sigs


def test_shingle_duplication_finds_a_near_copy_and_carries_the_similarity() -> None:
    a = sd.Text(A, "hep-th/9901001", "Black hole entropy", ABSTRACT)
    b = sd.Text(B, "hep-th/9902002", "Black hole entropy", ABSTRACT.replace("suitable", "natural"))
    c = sd.Text("pith:1999:CCCCCCCCCCCCCCCCCCCCCCCCCC", "hep-th/9903003", "Other", "entirely different words " * 8)
    index, sigs = _index([a, b, c])
    cands = {t.pith: index.candidates(t.pith, t.arxiv_id, sigs[t.pith]) for t in (a, b, c)}
    texts = {t.pith: t for t in (a, b, c)}
    found = sd.detect([a, b, c], cands, texts)
    assert sorted((f.subject, f.evidence["duplicate_pith_number"]) for f in found) == [(A, B), (B, A)]
    f = found[0]
    assert f.verdict_class is VerdictClass.THRESHOLD_WITH_MARGIN
    assert float(f.evidence["similarity"]) >= sd.THRESHOLD
    assert float(f.evidence["margin"]) == pytest.approx(float(f.evidence["similarity"]) - sd.THRESHOLD)


def test_versions_of_one_paper_are_not_duplicates() -> None:
    a = sd.Text(A, "hep-th/9901001", "Black hole entropy", ABSTRACT)
    b = sd.Text(B, "hep-th/9901001", "Black hole entropy", ABSTRACT)
    index, sigs = _index([a, b])
    assert index.candidates(A, a.arxiv_id, sigs[A]) == []
    assert sd.detect([a], {A: [B]}, {A: a, B: b}) == []


@given(st.text(max_size=40), st.dictionaries(st.text(max_size=5), st.integers(), max_size=4))
def test_evidence_hash_is_a_function_of_detector_and_evidence(name: str, evidence: dict) -> None:
    assert evidence_hash(name, evidence) == evidence_hash(name, dict(reversed(list(evidence.items()))))
    assert evidence_hash(name, evidence) != evidence_hash(name + "x", evidence)
