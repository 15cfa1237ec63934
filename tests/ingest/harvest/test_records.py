"""OAI-PMH records → the ingest's items: the recorded arXiv responses, and arXivRaw envelopes of
real records giving exactly the paper the same record gives as a snapshot line."""

from __future__ import annotations

import gzip
import json
import string
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pith_graph.ingest.formats import BadLine, PaperLine, SkippedLine
from pith_graph.ingest.formats.arxiv_metadata import parse_arxiv_metadata_object
from pith_graph.ingest.harvest.records import UNVERSIONED_REVISION, page_records, parse_record

from .oai_server import OAI_HEAD, arxiv_raw_metadata, deleted, served

FIXTURES = Path(__file__).parents[2] / "fixtures" / "harvest"
HISTORIES = [
    json.loads(line)
    for line in gzip.decompress((FIXTURES / "arxiv_abs_histories.jsonl.gz").read_bytes())
    .decode()
    .splitlines()
]


def _page(*records: str) -> etree._Element:
    text = OAI_HEAD + "<ListRecords>" + "".join(records) + "</ListRecords></OAI-PMH>"
    return etree.fromstring(text.encode())


def _items(path: Path) -> list[object]:
    root = etree.parse(str(path)).getroot()
    return [parse_record(r, i) for i, r in enumerate(page_records(root), 1)]


def test_recorded_arxiv_format_pages_register_never_revised_papers_as_v1() -> None:
    items = _items(FIXTURES / "recorded" / "sample_arxiv_record.xml")
    assert len(items) == 12 and all(isinstance(i, PaperLine) for i in items)
    first = items[0]
    assert isinstance(first, PaperLine)
    assert (first.paper.source_id, first.paper.version) == ("1601.03238", 1)
    # the arXiv format has the day only: the reference's rule for an unknown time of day
    assert first.paper.submitted_at == "2016-01-13T00:00:00Z"
    assert first.paper.primary_cat == "quant-ph" and first.paper.cross_cats == ("gr-qc", "hep-th")
    assert first.paper.authors[:2] == ("Planck Collaboration", "Jieci Wang")
    # the record whose arXiv namespace its recorder removed parses the same way
    assert {i.paper.source_id for i in items if isinstance(i, PaperLine)} >= {"1808.04927"}


def test_recorded_revised_papers_are_skipped_with_the_reason_never_guessed() -> None:
    for name in ("arxiv-physics-hep-th.xml", "arxiv-physics-hep-ex.xml", "arxiv-single.xml"):
        items = _items(FIXTURES / "recorded" / name)
        assert items and all(
            isinstance(i, SkippedLine) and i.reason == UNVERSIONED_REVISION for i in items
        )


def test_several_dois_separated_by_commas_and_semicolons_keep_the_first() -> None:
    (item,) = _items(FIXTURES / "recorded" / "sample_arxiv_record0.xml")
    assert isinstance(item, PaperLine)
    assert item.paper.doi == "10.1103/physrevd.93.016005"


def test_arxiv_raw_envelopes_of_real_records_give_the_snapshot_line_s_paper() -> None:
    page = _page(*(served(obj, "2024-01-01").xml() for obj in HISTORIES))
    items = [parse_record(r, i) for i, r in enumerate(page_records(page), 1)]
    assert len(items) == len(HISTORIES)
    for obj, item in zip(HISTORIES, items, strict=True):
        assert isinstance(item, PaperLine), item
        assert item.paper == parse_arxiv_metadata_object(obj)[0]
        assert item.paper.version == len(obj["versions"])


def test_deleted_records_give_no_item_and_records_without_metadata_are_malformed() -> None:
    page = _page(deleted("0704.0001", "2024-01-02").xml(),
                 '<record><header><identifier>oai:arXiv.org:0704.0002</identifier>'
                 "<datestamp>2024-01-02</datestamp></header></record>")
    gone, empty = page_records(page)
    assert gone.deleted and parse_record(gone, 1) is None
    assert isinstance(parse_record(empty, 2), BadLine)


def test_a_record_that_breaks_the_metadata_rules_is_malformed_not_an_error() -> None:
    obj = {**HISTORIES[0], "title": "   "}
    (record,) = page_records(_page(served(obj, "2024-01-01").xml()))
    item = parse_record(record, 7)
    assert isinstance(item, BadLine) and item.line == 7 and "title" in item.reason


_TEXT = st.text(
    alphabet=string.ascii_letters + string.digits + " \n$\\{}&<>'\"-.,:;()é–",
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(
    title=_TEXT,
    abstract=_TEXT,
    comments=st.none() | _TEXT,
    versions=st.integers(1, 5),
    seconds=st.integers(0, 10**8),
)
def test_any_arxiv_raw_record_parses_as_its_snapshot_line(
    title: str, abstract: str, comments: str | None, versions: int, seconds: int
) -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    start = datetime(2008, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    obj = {
        **HISTORIES[0],
        "id": "0801.1021",
        "title": title,
        "abstract": abstract,
        "comments": comments,
        "versions": [
            {"version": f"v{i + 1}",
             "created": format_datetime(start + timedelta(days=i), usegmt=True)}
            for i in range(versions)
        ],
    }
    (record,) = page_records(_page(served(obj, "2024-01-01").xml()))
    item = parse_record(record, 1)
    assert isinstance(item, PaperLine)
    assert item.paper == parse_arxiv_metadata_object(obj)[0]
    assert arxiv_raw_metadata(obj).startswith("<arXivRaw")
