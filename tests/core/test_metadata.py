"""metadata.py: parse raw metadata once at the boundary (REFERENCE.md "Identity")."""

from __future__ import annotations

from typing import Any

import pytest

from pith_graph.core.errors import InvalidMetadata
from pith_graph.core.metadata import parse_metadata


def _raw(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "arxiv_id": "2603.13419",
        "version": 2,
        "title": "T",
        "abstract": "A",
        "categories": "cs.LG stat.ML cs.AI",
        "submitted_at": "2026-03-12T22:02:17+01:00",
        "authors": "Tim Kaiser and Markus Kollmann, Ann Other",
    }
    raw.update(overrides)
    return {k: v for k, v in raw.items() if v is not ...}


def test_flat_form_is_normalised() -> None:
    meta = parse_metadata(_raw())
    assert (meta.source_kind, meta.source_id, meta.version) == ("arxiv", "2603.13419", 2)
    assert meta.primary_cat == "cs.LG" and meta.cross_cats == ("stat.ML", "cs.AI")
    assert meta.submitted_at == "2026-03-12T21:02:17Z"
    assert meta.authors == ("Tim Kaiser", "Markus Kollmann", "Ann Other")
    assert meta.license == ""


def test_source_object_form(seed_metadata_raw: dict[str, Any]) -> None:
    meta = parse_metadata(seed_metadata_raw)
    assert meta.source_id == "2603.13419" and meta.version == 2 and meta.cross_cats == ()


def test_version_taken_from_id_suffix() -> None:
    assert parse_metadata(_raw(arxiv_id="2603.13419v3", version=...)).version == 3


def test_old_style_id_and_bare_date() -> None:
    meta = parse_metadata(
        _raw(arxiv_id="math.CA/9307207", version=1, submitted_at="1993-07-09", license=None)
    )
    assert meta.source_id == "math/9307207"
    assert meta.submitted_at == "1993-07-09T00:00:00Z"
    assert meta.license == ""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"arxiv_id": "not-an-id"}, "arxiv_id"),
        ({"arxiv_id": ...}, "id"),
        ({"version": 0}, "version"),
        ({"version": "two"}, "version"),
        ({"arxiv_id": "2603.13419v1", "version": 2}, "version"),
        ({"title": "  "}, "title"),
        ({"abstract": None}, "abstract"),
        ({"categories": ...}, "primary_cat"),
        ({"categories": "CS LG"}, "categories"),
        ({"submitted_at": "2026-03-12T21:02:17"}, "submitted_at"),
        ({"submitted_at": "yesterday"}, "submitted_at"),
        ({"authors": 5}, "authors"),
        ({"license": 4}, "license"),
        ({"doi": "nope"}, "doi"),
    ],
)
def test_invalid_metadata_names_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidMetadata) as info:
        parse_metadata(_raw(**overrides))
    assert info.value.field == field
    assert field in str(info.value) and info.value.reason in str(info.value)


def test_invalid_metadata_is_value_error() -> None:
    with pytest.raises(ValueError):
        parse_metadata({"source": "x"})


# --- dates that cannot be, and dates that look wrong -------------------------------------------

from datetime import UTC, datetime  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pith_graph.core._arxiv import arxiv_id_month  # noqa: E402
from pith_graph.core.metadata import (  # noqa: E402
    metadata_warnings,
    submission_date_mismatch,
    submitted_at_refusal,
)

_NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("arxiv_id", "month"),
    [
        ("2612.99950", (2026, 12)),
        ("0704.0001", (2007, 4)),
        ("hep-th/9509068", (1995, 9)),
        ("hep-th/9108001", (1991, 8)),
        ("math/0612001", (2006, 12)),
        ("math.CA/9307207v2", (1993, 7)),
        ("not an id", None),
    ],
)
def test_arxiv_id_month(arxiv_id: str, month: tuple[int, int] | None) -> None:
    assert arxiv_id_month(arxiv_id) == month


@pytest.mark.parametrize(
    ("arxiv_id", "submitted_at", "mismatch"),
    [
        ("hep-th/9509068", "2000-09-13T00:00:00Z", True),  # real metadata in the shared data
        ("hep-th/9509068", "1995-09-13T00:00:00Z", False),
        ("hep-th/9509068", "1995-10-31T23:59:59Z", False),  # the next month: within a month
        ("hep-th/9509068", "1995-08-01T00:00:00Z", False),
        ("hep-th/9509068", "1995-11-01T00:00:00Z", True),
        ("hep-th/9509068", "1995-07-31T00:00:00Z", True),
        ("2612.99950", "1995-01-01T00:00:00Z", True),
        ("2612.99950", "2027-01-15T00:00:00Z", False),  # across a year boundary
        ("2701.00001", "2026-12-31T00:00:00Z", False),
        ("2701.00001", "2026-11-30T00:00:00Z", True),
        ("not an id", "2026-11-30T00:00:00Z", False),
        ("2701.00001", "garbage", False),
    ],
)
def test_submission_date_mismatch(arxiv_id: str, submitted_at: str, mismatch: bool) -> None:
    assert submission_date_mismatch(arxiv_id, submitted_at) is mismatch


@given(st.integers(0, 99), st.integers(1, 12), st.integers(1000, 2999), st.integers(1, 12))
def test_mismatch_is_a_month_distance(yy: int, mm: int, year: int, month: int) -> None:
    arxiv_id = f"{yy:02d}{mm:02d}.00001"
    distance = abs((year * 12 + month) - ((2000 + yy) * 12 + mm))
    assert submission_date_mismatch(arxiv_id, f"{year:04d}-{month:02d}-15T00:00:00Z") is (
        distance > 1
    )


@pytest.mark.parametrize(
    "moment",
    [
        datetime(999, 12, 31, tzinfo=UTC),
        datetime(1991, 7, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 9, tzinfo=UTC),
        datetime(2999, 1, 1, tzinfo=UTC),
    ],
)
def test_impossible_dates_are_refused(moment: datetime) -> None:
    assert submitted_at_refusal("arxiv", moment, _NOW) is not None


@pytest.mark.parametrize(
    "moment",
    [datetime(1991, 8, 1, tzinfo=UTC), datetime(2026, 12, 7, 23, 0, tzinfo=UTC)],
)
def test_possible_dates_are_accepted(moment: datetime) -> None:
    assert submitted_at_refusal("arxiv", moment, _NOW) is None


@pytest.mark.parametrize(
    "submitted_at",
    ["0500-01-01", "0999-12-31T00:00:00Z", "0001-01-01T00:30:00+01:00", "1990-01-01",
     "2999-01-01", "2027-01-01T00:00:00Z"],
)
def test_parse_metadata_refuses_impossible_dates(submitted_at: str) -> None:
    with pytest.raises(InvalidMetadata) as info:
        parse_metadata(_raw(submitted_at=submitted_at), now=_NOW)
    assert info.value.field == "submitted_at"


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_parse_metadata_dates_parse_or_are_refused(moment: datetime) -> None:
    raw = _raw(submitted_at=moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z")
    try:
        meta = parse_metadata(raw, now=_NOW)
    except InvalidMetadata as exc:
        assert exc.field == "submitted_at"
    else:
        assert len(meta.submitted_at) == 20 and meta.submitted_at[:10] >= "1991-08-01"


def test_month_mismatch_is_a_warning_not_a_refusal() -> None:
    meta = parse_metadata(
        _raw(arxiv_id="hep-th/9509068", version=1, submitted_at="2000-09-13"), now=_NOW
    )
    (warning,) = metadata_warnings(meta)
    assert warning.code == "SUBMISSION_DATE_MISMATCH"
    assert "hep-th/9509068" in warning.message and "1995-09" in warning.message
    assert metadata_warnings(parse_metadata(_raw(), now=_NOW)) == ()
