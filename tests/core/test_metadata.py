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
