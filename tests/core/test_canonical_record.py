"""record.py: the canonical record (REFERENCE.md "Identity": exact shape, sorted cross-lists)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from _pith_fixtures import load_reference_records, load_seed
from _strategies import canonical_record_json
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidRecord
from pith_graph.core.metadata import parse_metadata
from pith_graph.core.record import CanonicalRecord, canonical_record, record_digest

WITH_RECORD = [r for r in [load_seed(), *load_reference_records()] if "canonical_record" in r]


@pytest.mark.parametrize("record", WITH_RECORD, ids=lambda r: r["pith_number"])
def test_from_json_to_json_round_trip_and_digest(record: dict[str, Any]) -> None:
    rec = CanonicalRecord.from_json(record["canonical_record"])
    assert rec.to_json() == record["canonical_record"]
    assert canonical_bytes(rec.to_json()) == canonical_bytes(record["canonical_record"])
    assert record_digest(rec).hex == record["canonical_sha256"]


def test_canonical_record_from_metadata_matches_founding_fields(
    seed_metadata_raw: dict[str, Any],
) -> None:
    rec = canonical_record(parse_metadata(seed_metadata_raw))
    want = load_seed()["canonical_record"]
    got = rec.to_json()
    assert got["source"] == want["source"] and got["schema_version"] == "1.0"
    for key in (
        "license",
        "primary_cat",
        "submitted_at",
        "cross_cats_sorted",
        "title_canon_sha256",
    ):
        assert got["metadata"][key] == want["metadata"][key]


def test_cross_cats_are_sorted_by_code_point() -> None:
    meta = parse_metadata(
        {
            "arxiv_id": "0902.2274",
            "version": 1,
            "title": "t",
            "abstract": "a",
            "categories": "math.CO math.PR cs.DM",
            "submitted_at": "2009-02-13T00:00:00Z",
            "authors": "A. Author",
        }
    )
    assert canonical_record(meta).cross_cats_sorted == ("cs.DM", "math.PR")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.pop("schema_version"), "canonical_record.schema_version"),
        (lambda r: r.update(extra=1), "canonical_record.extra"),
        (lambda r: r["source"].update(version="2"), "canonical_record.source.version"),
        (lambda r: r["source"].update(id="2603.13419v2"), "canonical_record.source.id"),
        (
            lambda r: r["metadata"].update(submitted_at="2026-03-12"),
            "canonical_record.metadata.submitted_at",
        ),
        (
            lambda r: r["metadata"].update(cross_cats_sorted=["b", "a"]),
            "canonical_record.metadata.cross_cats_sorted",
        ),
        (
            lambda r: r["metadata"].update(title_canon_sha256="XYZ"),
            "canonical_record.metadata.title_canon_sha256",
        ),
    ],
)
def test_from_json_names_invalid_field(mutate: Any, field: str) -> None:
    obj = copy.deepcopy(load_seed()["canonical_record"])
    mutate(obj)
    with pytest.raises(InvalidRecord) as info:
        CanonicalRecord.from_json(obj)
    assert info.value.field == field


FIELD_CHANGES = {
    "id": lambda r: r["source"].update(
        id="2603.13418" if r["source"]["id"] != "2603.13418" else "2603.13417"
    ),
    "version": lambda r: r["source"].update(version=r["source"]["version"] + 1),
    "license": lambda r: r["metadata"].update(license=r["metadata"]["license"] + "x"),
    "primary_cat": lambda r: r["metadata"].update(primary_cat=r["metadata"]["primary_cat"] + "x"),
    "submitted_at": lambda r: r["metadata"].update(
        submitted_at="1990-01-01T00:00:00Z"
        if r["metadata"]["submitted_at"] != "1990-01-01T00:00:00Z"
        else "1990-01-02T00:00:00Z"
    ),
    "cross_cats_sorted": lambda r: r["metadata"].update(
        cross_cats_sorted=sorted(r["metadata"]["cross_cats_sorted"] + ["zz.ZZ"])
    ),
    "title_canon_sha256": lambda r: r["metadata"].update(
        title_canon_sha256=r["metadata"]["title_canon_sha256"][::-1]
    ),
    "abstract_canon_sha256": lambda r: r["metadata"].update(
        abstract_canon_sha256=r["metadata"]["abstract_canon_sha256"][::-1]
    ),
}


@given(canonical_record_json, st.sampled_from(sorted(FIELD_CHANGES)))
def test_any_change_of_a_canonical_field_changes_the_hash(obj: dict[str, Any], field: str) -> None:
    before = sha256_digest(canonical_bytes(obj))
    changed = copy.deepcopy(obj)
    FIELD_CHANGES[field](changed)
    if changed == obj:  # a palindromic hash reversed: no change to test
        return
    assert sha256_digest(canonical_bytes(changed)) != before
    assert record_digest(CanonicalRecord.from_json(changed)) != record_digest(
        CanonicalRecord.from_json(obj)
    )


@given(canonical_record_json)
def test_canonical_record_round_trips(obj: dict[str, Any]) -> None:
    assert CanonicalRecord.from_json(obj).to_json() == obj
