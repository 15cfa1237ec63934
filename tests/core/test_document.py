"""document.py: the v1 record, built in the reference shape and verified field by field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from _pith_fixtures import load_reference_records, load_seed
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core import (
    Digest,
    InvalidRecord,
    TrustStore,
    build_record_document,
    canonical_record,
    default_trust_store,
    issue_receipt,
    parse_metadata,
    parse_record_document,
    pith_number_for,
    record_digest,
    require_valid,
    signing_key_from_seed,
    verify_record_document,
)
from pith_graph.core.document import TOP_LEVEL_KEYS

ALL_RECORDS = [load_seed(), *load_reference_records()]
SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "pith-number-record.schema.json"
NOW = datetime(2026, 5, 21, 1, 5, 17, 690271, tzinfo=UTC)
KEY = signing_key_from_seed("pith-graph-test", bytes(range(32)))


# --- golden vectors: every real record --------------------------------------------------------


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r["pith_number"])
def test_every_fixture_verifies(record: dict[str, Any]) -> None:
    report = verify_record_document(record, default_trust_store())
    assert report.ok, report.summary_line()
    assert not report.unverified
    statuses = {c.field: c.status for c in report.checks}
    if "canonical_record" in record:
        assert statuses["canonical_sha256"] == "ok"
    assert statuses["pith_number"] == statuses["short_pith_number"] == statuses["aliases"] == "ok"
    if "receipt" in record:
        assert statuses["receipt"] == "ok"


@pytest.mark.parametrize("record", ALL_RECORDS, ids=lambda r: r["pith_number"])
def test_every_fixture_number_and_short_form_recomputed(record: dict[str, Any]) -> None:
    digest = Digest.from_hex(record["canonical_sha256"])
    year = int(record["pith_number"].split(":")[1])
    if "canonical_record" in record:
        assert record_digest(parse_record_document(record).record).hex == record["canonical_sha256"]  # type: ignore[arg-type]
        year = int(record["canonical_record"]["metadata"]["submitted_at"][:4])
    pith = pith_number_for(digest, year)
    assert pith.full == record["pith_number"]
    assert pith.short == record["short_pith_number"]


def test_founding_summary_line() -> None:
    line = verify_record_document(load_seed(), default_trust_store()).summary_line()
    assert line == (
        "OK pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO — canonical hash, pith number, short form, "
        "title hash, 6 aliases, receipt (key pith-v1-2026-05) verified"
    )


def test_unknown_key_is_unverified_not_valid() -> None:
    report = verify_record_document(load_seed(), TrustStore())
    assert report.status_of("receipt") == "unverified"
    assert report.ok  # nothing mismatches ...
    assert "UNVERIFIED" in report.summary_line()  # ... but it is visible
    assert "receipt (key" not in report.summary_line()


# --- broken vectors: each change is named ------------------------------------------------------


def _set(path: str, value: Any) -> Any:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = doc
        for p in parents:
            target = target[p]
        target[last] = value

    return mutate


CANONICAL_CHANGES = [
    ("canonical_record.source.id", "2603.13418", {"canonical_record.source.id"}),
    ("canonical_record.source.version", 3, {"canonical_record.source.version"}),
    ("canonical_record.source.kind", "doi", {"canonical_record.source.kind"}),
    ("canonical_record.schema_version", "1.1", {"canonical_record.schema_version"}),
    ("canonical_record.metadata.license", "", {"canonical_record.metadata.license"}),
    ("canonical_record.metadata.primary_cat", "cs.AI", {"canonical_record.metadata.primary_cat"}),
    (
        "canonical_record.metadata.submitted_at",
        "2026-03-12T21:02:18Z",
        {"canonical_record.metadata.submitted_at"},
    ),
    (
        "canonical_record.metadata.cross_cats_sorted",
        ["stat.ML"],
        {"canonical_record.metadata.cross_cats_sorted"},
    ),
    (
        "canonical_record.metadata.title_canon_sha256",
        "0" * 64,
        {"canonical_record.metadata.title_canon_sha256"},
    ),
    ("canonical_record.metadata.abstract_canon_sha256", "0" * 64, set()),
]


@pytest.mark.parametrize(
    ("path", "value", "named"), CANONICAL_CHANGES, ids=[c[0] for c in CANONICAL_CHANGES]
)
def test_changed_canonical_field_fails_naming_it(path: str, value: Any, named: set[str]) -> None:
    doc = load_seed()
    _set(path, value)(doc)
    report = verify_record_document(doc, default_trust_store())
    failing = {c.field for c in report.failures}
    assert not report.ok
    assert named <= failing
    # the hash no longer holds (a record that fails to parse is named by its field instead)
    assert "canonical_sha256" in failing or path in failing
    # the number and receipt are still judged against the stated hash: not echoed
    assert not failing & {"pith_number", "receipt"}
    with pytest.raises(InvalidRecord) as info:
        require_valid(report)
    assert all(f in str(info.value) for f in failing)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("canonical_sha256", "0" * 64, "canonical_sha256"),
        ("pith_number", "pith:2025:XTYU6EUZWRI6EBU2PYG3UUWNUO", "pith_number"),
        ("pith_number", "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUP", "pith_number"),
        ("short_pith_number", "pith:XTYU6EUA", "short_pith_number"),
        (
            "receipt.signature_b64",
            "Tk2zBuDTP3kXucgMTzHXD66IQ9C97FJ2GtYP230k82OTJdsOvSX7q5NyRscHAi391MbgphPVsc0pWgGjCIsyAA==",
            "receipt",
        ),
        # regression: non-zero base64 padding bits decode to the same bytes; refused as non-canonical
        (
            "receipt.signature_b64",
            "Sk2zBuDTP3kXucgMTzHXD66IQ9C97FJ2GtYP230k82OTJdsOvSX7q5NyRscHAi391MbgphPVsc0pWgGjCIsyAB==",
            "receipt",
        ),
        ("receipt.canonical_sha256", "1" * 64, "receipt"),
        ("receipt.public_key_fingerprint", "0" * 32, "receipt"),
        ("paper.title", "Another title", "canonical_record.metadata.title_canon_sha256"),
        ("source.version", 1, "canonical_record.source.version"),
    ],
)
def test_changed_identity_field_is_named(path: str, value: Any, field: str) -> None:
    doc = load_seed()
    _set(path, value)(doc)
    report = verify_record_document(doc, default_trust_store())
    assert field in {c.field for c in report.failures}, report.summary_line()
    assert report.summary_line().startswith("FAIL ")
    assert field in report.summary_line()


def test_wrong_alias_is_named_with_its_kind() -> None:
    doc = load_seed()
    doc["aliases"][3]["alias_value"] = "XTYU6EUZWRI7"
    report = verify_record_document(doc, default_trust_store())
    (failure,) = report.failures
    assert failure.field == "aliases" and "pith_short_12" in failure.detail


def test_part_of_a_record_checks_what_is_present() -> None:
    seed = load_seed()
    part = {k: seed[k] for k in ("pith_number", "canonical_sha256", "receipt")}
    report = verify_record_document(part, default_trust_store())
    assert (
        report.ok
        and report.status_of("receipt") == "ok"
        and report.status_of("aliases") == "absent"
    )


@given(st.integers(0, 255))
def test_flipped_bit_of_canonical_sha256_fails(bit: int) -> None:
    doc = load_seed()
    raw = bytearray(bytes.fromhex(doc["canonical_sha256"]))
    raw[bit // 8] ^= 1 << (bit % 8)
    doc["canonical_sha256"] = raw.hex()
    doc.pop("canonical_record")
    failing = {c.field for c in verify_record_document(doc, default_trust_store()).failures}
    assert "receipt" in failing
    position = (bit // 8) * 8 + 7 - bit % 8  # big-endian bit position in the digest
    assert ("pith_number" in failing) == (position < 130)  # the number carries the first 130 bits


# --- building ------------------------------------------------------------------------------


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _build_founding_like() -> dict[str, Any]:
    seed = load_seed()
    meta = parse_metadata(
        {
            "source": seed["source"],
            "title": seed["paper"]["title"],
            "abstract": seed["paper"]["abstract_excerpt"] + " More text.",
            "license": seed["paper"]["license"],
            "primary_cat": "cs.LG",
            "cross_cats": [],
            "submitted_at": "2026-03-12T21:02:17Z",
            "authors": ["Tim Kaiser", "Markus Kollmann"],
        }
    )
    record = canonical_record(meta)
    digest = record_digest(record)
    pith = pith_number_for(digest, record.submitted_year)
    receipt = issue_receipt(KEY, digest, NOW)
    return build_record_document(meta, record, digest, pith, receipt, NOW, NOW, NOW)


def test_built_document_has_the_founding_shape() -> None:
    built, seed = _build_founding_like(), load_seed()
    assert list(built) == list(seed) == list(TOP_LEVEL_KEYS)
    assert _shape(built) == _shape(seed)


def test_built_document_fields() -> None:
    built, seed = _build_founding_like(), load_seed()
    assert built["paper"] == seed["paper"]  # abstract excerpt cut at 600, authors sorted
    assert (
        built["created_at"]
        == built["aliases"][0]["created_at"]
        == "2026-05-21T01:05:17.690271+00:00"
    )
    assert built["verification_status"] == seed["verification_status"]
    body = built["pith_number"].split(":")[2]
    assert built["links"]["html"] == f"https://pith.science/pith/{body}"
    assert built["agent_actions"]["resolve_alias"].endswith("?arxiv=2603.13419&json=true")
    assert [a["alias_kind"] for a in built["aliases"]] == [a["alias_kind"] for a in seed["aliases"]]


def test_built_document_verifies_with_own_key_only() -> None:
    built = _build_founding_like()
    assert (
        verify_record_document(built, default_trust_store([KEY.public_key]))
        .summary_line()
        .endswith("receipt (key pith-graph-test) verified")
    )
    assert verify_record_document(built, default_trust_store()).status_of("receipt") == "unverified"


def test_base_url_is_configurable() -> None:
    built = _build_founding_like()
    seed = load_seed()
    meta = parse_metadata(
        {
            "arxiv_id": "math/9307207v1",
            "title": "t",
            "abstract": "a",
            "categories": "math.CA math.QA",
            "submitted_at": "1993-07-09",
            "authors": "A. Author",
        }
    )
    record = canonical_record(meta)
    digest = record_digest(record)
    pith = pith_number_for(digest, 1993)
    doc = build_record_document(
        meta,
        record,
        digest,
        pith,
        issue_receipt(KEY, digest, NOW),
        NOW,
        NOW,
        NOW,
        base_url="http://localhost:8000/",
    )
    assert doc["links"]["paper"] == f"http://localhost:8000/paper/{pith.body[:8]}"
    assert doc["agent_actions"]["actions"]["sign_citation"] == (
        f"http://localhost:8000/pith/{pith.body}/action/citation_signature"
    )
    assert doc["agent_actions"]["resolve_alias"] == (
        "http://localhost:8000/api/pith-number/resolve?arxiv=math/9307207&json=true"
    )
    assert doc["graph_snapshot"]["integrity"]["endpoint"] == "/pith/math/9307207/integrity.json"
    assert built["links"].keys() == seed["links"].keys()


def test_parse_record_document() -> None:
    parsed = parse_record_document(load_seed())
    assert parsed.pith.full == "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO"
    assert parsed.receipt is not None and parsed.record is not None
    assert (
        len(parsed.aliases) == 6 and parsed.aliases_created_at == "2026-05-21T01:05:17.690271+00:00"
    )
    with pytest.raises(InvalidRecord, match="pith_number"):
        parse_record_document({"pith_number": "nope", "canonical_sha256": "0" * 64})


# --- JSON Schema -----------------------------------------------------------------------------


def test_schema_requires_every_top_level_key() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == list(TOP_LEVEL_KEYS) == list(load_seed())
    # Required on every record; a mirror's records add where they were mirrored from.
    assert set(schema["properties"]) == set(TOP_LEVEL_KEYS) | {"mirrored_from"}
    assert schema["properties"]["mirrored_from"]["type"] == "string"


def test_founding_and_built_records_validate_against_schema() -> None:
    import jsonschema
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load_seed(), schema, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(_build_founding_like(), schema, cls=jsonschema.Draft202012Validator)
    mirrored = {**load_seed(), "mirrored_from": "https://origin.example"}
    jsonschema.validate(mirrored, schema, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**mirrored, "mirrored_from": 7}, schema, cls=jsonschema.Draft202012Validator)
