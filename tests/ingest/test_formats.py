"""The pure format parsers, on real lines and on the messy cases the shared data holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

from _api_seed import CLOCK, TEST_KEY
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.ingest.formats import (
    BadLine,
    Citation,
    CitationLine,
    Format,
    PaperLine,
    SkippedLine,
    TargetKind,
    detect_format,
    parse_lines,
)
from pith_graph.ingest.formats.arxiv_metadata import parse_version_date
from pith_graph.ingest.formats.citations_tsv import parse_citation_tsv_pairs
from pith_graph.service.registration import prepare, registration_rows

KAGGLE_0704_0001 = {
    "id": "0704.0001",
    "submitter": "Pavel Nadolsky",
    "authors": "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
    "title": "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies",
    "comments": "37 pages, 15 figures; published version",
    "journal-ref": "Phys.Rev.D76:013009,2007",
    "doi": "10.1103/PhysRevD.76.013009",
    "report-no": "ANL-HEP-PR-07-12",
    "categories": "hep-ph",
    "license": None,
    "abstract": "  A fully differential calculation in perturbative quantum chromodynamics.\n",
    "versions": [
        {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
        {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
    ],
    "update_date": "2008-11-26",
}


def _papers(*objs: object) -> list[object]:
    lines = [(i, json.dumps(o) if not isinstance(o, str) else o) for i, o in enumerate(objs, 1)]
    return list(parse_lines(Format.ARXIV_METADATA, lines))


def test_kaggle_line_gives_latest_version_and_v1_time() -> None:
    [item] = _papers(KAGGLE_0704_0001)
    assert isinstance(item, PaperLine)
    paper = item.paper
    assert (paper.source_id, paper.version) == ("0704.0001", 2)
    assert paper.submitted_at == "2007-04-02T19:18:42Z"
    assert paper.license == ""
    assert paper.doi == "10.1103/physrevd.76.013009"
    assert paper.primary_cat == "hep-ph" and paper.cross_cats == ()
    assert item.warnings == ()


def test_doi_prefix_is_removed_and_first_of_several_dois_kept() -> None:
    prefixed = {**KAGGLE_0704_0001, "doi": "doi:10.1103/PhysRevD.76.052005"}
    several = {**KAGGLE_0704_0001, "doi": "10.1007/s10714-007-0472-9 10.1142/S0218271808012449"}
    [a, b] = _papers(prefixed, several)
    assert isinstance(a, PaperLine) and a.paper.doi == "10.1103/physrevd.76.052005"
    assert isinstance(b, PaperLine) and b.paper.doi == "10.1007/s10714-007-0472-9"


def test_every_doi_of_a_record_becomes_an_alias() -> None:
    several = {**KAGGLE_0704_0001, "doi": "10.1007/s10714-007-0472-9; 10.1142/S0218271808012449"}
    [item] = _papers(several)
    assert isinstance(item, PaperLine)
    assert item.paper.other_dois == ("10.1142/s0218271808012449",)
    (row,) = registration_rows([prepare(item.paper)], TEST_KEY, CLOCK)
    dois = {a["value"] for a in row["aliases"] if a["kind"] == "doi"}
    assert {"10.1007/s10714-007-0472-9", "10.1142/s0218271808012449"} <= dois


def test_a_handle_in_the_doi_field_is_left_out_with_a_warning() -> None:
    [item] = _papers({**KAGGLE_0704_0001, "doi": "21.11130/00-1735-0000-0005-<146A>&-E"})
    assert isinstance(item, PaperLine)
    assert item.paper.doi is None
    assert "is not a DOI" in item.warnings[0]


def test_unparsable_rfc_date_falls_back_to_the_slashed_form() -> None:
    # hep-th/9301001, the one date the shared data could not parse.
    moment = parse_version_date("01/01/93 13:35:33 GMT+0100")
    assert moment == datetime(1993, 1, 1, 12, 35, 33, tzinfo=UTC)


def test_created_iso_is_preferred_and_submitted_date_is_the_last_resort() -> None:
    versions = [{"version": "v1", "created": "garbage", "created_iso": None}]
    [item] = _papers({**KAGGLE_0704_0001, "versions": versions, "submitted_date": "1993-01-01"})
    assert isinstance(item, PaperLine) and item.paper.submitted_at == "1993-01-01T00:00:00Z"


def test_old_record_without_categories_takes_the_archive() -> None:
    obj = {**KAGGLE_0704_0001, "id": "astro-ph/9709175", "categories": None}
    [item] = _papers(obj)
    assert isinstance(item, PaperLine) and item.paper.primary_cat == "astro-ph"
    assert item.warnings


def test_malformed_lines_say_why() -> None:
    items = _papers(
        "not json",
        {**KAGGLE_0704_0001, "versions": []},
        {**KAGGLE_0704_0001, "versions": [{"version": "v1", "created": "never"}]},
        {**KAGGLE_0704_0001, "id": "not-an-id"},
        {**KAGGLE_0704_0001, "title": ""},
    )
    assert [type(i) for i in items] == [BadLine] * 5
    reasons = [i.reason for i in items if isinstance(i, BadLine)]
    assert "not valid JSON" in reasons[0]
    assert "versions" in reasons[1]
    assert "cannot be read" in reasons[2]
    assert "'id'" in reasons[3]
    assert "'title'" in reasons[4]
    assert [i.line for i in items] == [1, 2, 3, 4, 5]


@given(st.datetimes(min_value=datetime(1991, 1, 1), max_value=datetime(2030, 12, 31)))
def test_rfc2822_version_dates_round_trip(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    assert parse_version_date(format_datetime(moment, usegmt=True)) == moment


@given(st.sampled_from(["hep-th/9201001", "0704.0001", "2212.11867", "math/9307207"]),
       st.integers(min_value=1, max_value=12))
def test_any_latest_version_number_is_read(ident: str, n: int) -> None:
    versions = [{"version": f"v{i}", "created": "Mon, 2 Apr 2007 19:18:42 GMT"} for i in range(1, n + 1)]
    [item] = _papers({**KAGGLE_0704_0001, "id": ident, "versions": versions})
    assert isinstance(item, PaperLine) and item.paper.version == n and item.paper.source_id == ident


def test_citation_tsv_skips_header_and_comment_and_reports_bad_ids() -> None:
    lines = [
        (1, "# SNAP cit-HepTh\n"),
        (2, "citing_arxiv_id\tcited_arxiv_id\tciting_snap_id\tcited_snap_id\n"),
        (3, "hep-th/0001001\thep-th/9304045\t1001\t9304045\n"),
        (4, "hep-th/0001001\n"),
        (5, "hep-th/0001001\tbanana\n"),
    ]
    items = list(parse_lines(Format.CITATIONS_TSV, lines))
    assert items[0] == CitationLine(3, Citation("hep-th/0001001", TargetKind.ARXIV, "hep-th/9304045"))
    assert [type(i) for i in items[1:]] == [BadLine, BadLine]
    assert "'banana' is not an arXiv id" in items[2].reason  # type: ignore[union-attr]


_ID_TEXT = st.one_of(
    st.sampled_from(["hep-th/0001001", "HEP-TH/0001001v2", "0704.0001", "0704.0001v3", "2212.11867",
                     "math/9307207", "banana", "", " 0704.0001 ", "citing_arxiv_id", "#x"]),
    st.text(alphabet="0123456789./-vhept", max_size=14),
)


@given(st.lists(st.tuples(_ID_TEXT, _ID_TEXT), max_size=8),
       st.sets(st.sampled_from(["hep-th/0001001", "0704.0001", "2212.11867", "math/9307207"])))
def test_citation_tsv_pairs_are_the_citation_lines_whatever_ids_are_known(
    rows: list[tuple[str, str]], known: set[str]
) -> None:
    lines = [(i + 1, f"{a}\t{b}\n") for i, (a, b) in enumerate(rows)]
    pairs = [
        CitationLine(p[0], Citation(p[1], TargetKind.ARXIV, p[2])) if isinstance(p, tuple) else p
        for p in parse_citation_tsv_pairs(lines, known)
    ]
    assert pairs == list(parse_lines(Format.CITATIONS_TSV, lines))


def test_unarxive_references_prefer_arxiv_then_doi_and_number_positions() -> None:
    def ref(arxiv: str, doi: str) -> str:
        return json.dumps(
            {
                "citing_arxiv_id": "2212.11867",
                "ids": {"arxiv_id": arxiv, "doi": doi, "open_alex_id": "W1"},
                "bib_entry_raw": f"entry {arxiv or doi}",
            }
        )

    lines = [(1, ref("2012.09080", "10.1007/X")), (2, ref("", "10.1007/S40818")), (3, ref("", ""))]
    lines.append((4, json.dumps({"citing_arxiv_id": "2212.11867", "ids": None})))
    items = list(parse_lines(Format.UNARXIVE_REFERENCES, lines))
    assert items[0] == CitationLine(
        1, Citation("2212.11867", TargetKind.ARXIV, "2012.09080", 1, "entry 2012.09080")
    )
    assert items[1] == CitationLine(
        2, Citation("2212.11867", TargetKind.DOI, "10.1007/s40818", 2, "entry 10.1007/S40818")
    )
    assert isinstance(items[2], SkippedLine) and isinstance(items[3], SkippedLine)


def test_s2_records_give_edges_from_arxiv_papers_to_the_root_doi() -> None:
    root = {"paperId": "r", "externalIds": {"DOI": "10.1093/MIND/LIX.236.433"}, "relation": "root"}
    citing = {"paperId": "a", "externalIds": {"ArXiv": "2405.19561"}, "relation": "cites_root"}
    no_arxiv = {"paperId": "b", "externalIds": {"DOI": "10.1/x"}, "relation": "cites_root"}
    cited = {"paperId": "c", "externalIds": {"ArXiv": "2405.00001"}, "relation": "cited_by_root"}
    lines = [(i, json.dumps(o)) for i, o in enumerate([root, citing, no_arxiv, cited], 1)]
    items = list(parse_lines(Format.S2_RECORDS, lines))
    assert isinstance(items[0], SkippedLine)
    assert items[1] == CitationLine(
        2, Citation("2405.19561", TargetKind.DOI, "10.1093/mind/lix.236.433")
    )
    assert [type(i) for i in items[2:]] == [SkippedLine, SkippedLine]


def test_s2_record_before_its_root_is_malformed() -> None:
    line = json.dumps({"paperId": "a", "externalIds": {"ArXiv": "2405.19561"}, "relation": "cites_root"})
    [item] = parse_lines(Format.S2_RECORDS, [(1, line)])
    assert isinstance(item, BadLine)


def test_detect_format_from_first_lines() -> None:
    assert detect_format(json.dumps(KAGGLE_0704_0001)) is Format.ARXIV_METADATA
    assert detect_format('{"citing_arxiv_id": "1", "ids": {}}') is Format.UNARXIVE_REFERENCES
    assert detect_format('{"paperId": "x", "externalIds": {}}') is Format.S2_RECORDS
    assert detect_format("citing_arxiv_id\tcited_arxiv_id") is Format.CITATIONS_TSV
    assert detect_format("hep-th/0001001\thep-th/9304045") is Format.CITATIONS_TSV
    assert detect_format("hello world") is None
    assert detect_format('{"x": 1}') is None


def test_dates_that_cannot_be_make_a_line_malformed() -> None:
    items = _papers(
        {**KAGGLE_0704_0001, "versions": [{"version": "v1", "created": "Mon, 1 Jan 2999 00:00:00 GMT"}]},
        {**KAGGLE_0704_0001, "id": "hep-th/9107001",
         "versions": [{"version": "v1", "created": "Mon, 1 Jul 1991 00:00:00 GMT"}]},
        {**KAGGLE_0704_0001, "versions": [{"version": "v1", "created_iso": "0500-01-01T00:00:00Z"}]},
    )  # fmt: skip
    assert [type(i) for i in items] == [BadLine] * 3, items
    reasons = [i.reason for i in items if isinstance(i, BadLine)]
    assert "future" in reasons[0] and "submitted_at" in reasons[0]
    assert "before arXiv existed" in reasons[1]


def test_a_date_far_from_the_ids_month_is_ingested() -> None:
    obj = {**KAGGLE_0704_0001, "id": "hep-th/9509068",
           "versions": [{"version": "v1", "created": "Wed, 13 Sep 2000 00:00:00 GMT"}]}  # fmt: skip
    [item] = _papers(obj)
    assert isinstance(item, PaperLine) and item.paper.submitted_at == "2000-09-13T00:00:00Z"
