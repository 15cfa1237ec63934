"""aliases.py: derived aliases (REFERENCE.md "Aliases") and the user-facing parser."""

from __future__ import annotations

from typing import Any

import pytest
from _pith_fixtures import load_reference_records, load_seed
from _strategies import arxiv_ids, base32_bodies, versions
from hypothesis import given, settings
from hypothesis import strategies as st

from pith_graph.core.aliases import (
    AliasKind,
    AliasQuery,
    QueryKind,
    _parse_general,
    derived_aliases,
    is_valid_arxiv_id,
    parse_alias,
    split_arxiv_version,
)
from pith_graph.core.errors import InvalidAlias
from pith_graph.core.pith_number import parse_pith_number
from pith_graph.core.record import CanonicalRecord

WITH_RECORD = [r for r in [load_seed(), *load_reference_records()] if "canonical_record" in r]


def _alias_dict(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return raw
    return {a["alias_kind"]: a["alias_value"] for a in raw}


@pytest.mark.parametrize("record", WITH_RECORD, ids=lambda r: r["pith_number"])
def test_derived_aliases_of_every_fixture(record: dict[str, Any]) -> None:
    rec = CanonicalRecord.from_json(record["canonical_record"])
    aliases = derived_aliases(rec, parse_pith_number(record["pith_number"]))
    assert {a.kind.value: a.value for a in aliases} == _alias_dict(record["aliases"])


def test_founding_alias_order_is_the_reference_order() -> None:
    seed = load_seed()
    rec = CanonicalRecord.from_json(seed["canonical_record"])
    aliases = derived_aliases(rec, parse_pith_number(seed["pith_number"]))
    assert [a.to_json() for a in aliases] == [
        {"alias_kind": a["alias_kind"], "alias_value": a["alias_value"]} for a in seed["aliases"]
    ]


ARXIV_NOTATIONS = [
    ("2603.13419", "2603.13419", None),
    ("2603.13419v2", "2603.13419", 2),
    ("arXiv:2603.13419", "2603.13419", None),
    ("arxiv:2603.13419v2", "2603.13419", 2),
    ("  ARXIV:2603.13419V2 ", "2603.13419", 2),
    ("hep-th/9201001", "hep-th/9201001", None),
    ("hep-th/9201001v1", "hep-th/9201001", 1),
    ("math.AG/0101001", "math/0101001", None),
    ("https://arxiv.org/abs/2603.13419v2", "2603.13419", 2),
    ("http://arxiv.org/pdf/hep-th/9201001v1", "hep-th/9201001", 1),
    ("http://arxiv.org/pdf/hep-th/9201001v1.pdf", "hep-th/9201001", 1),
    ("https://export.arxiv.org/abs/2603.13419", "2603.13419", None),
    ("https://www.arxiv.org/abs/math.AG/0101001v3", "math/0101001", 3),
]


@pytest.mark.parametrize(("text", "value", "version"), ARXIV_NOTATIONS)
def test_arxiv_notations(text: str, value: str, version: int | None) -> None:
    assert parse_alias(text) == AliasQuery(QueryKind.ARXIV, value, version)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10.48550/arXiv.2603.13419", "10.48550/arxiv.2603.13419"),
        ("doi:10.48550/ARXIV.2603.13419", "10.48550/arxiv.2603.13419"),
        ("https://doi.org/10.1103/PhysRevLett.1.1", "10.1103/physrevlett.1.1"),
        ("http://dx.doi.org/10.1000/xyz", "10.1000/xyz"),
        ("DOI: 10.1000/XYZ", "10.1000/xyz"),
    ],
)
def test_doi_notations(text: str, value: str) -> None:
    assert parse_alias(text) == AliasQuery(QueryKind.DOI, value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO",
            AliasQuery(QueryKind.PITH, "XTYU6EUZWRI6EBU2PYG3UUWNUO", year=2026),
        ),
        ("XTYU6EUZWRI6EBU2PYG3UUWNUO", AliasQuery(QueryKind.PITH, "XTYU6EUZWRI6EBU2PYG3UUWNUO")),
        ("pith:XTYU6EUZ", AliasQuery(QueryKind.PITH_PREFIX, "XTYU6EUZ")),
        ("xtyu6euzwri6", AliasQuery(QueryKind.PITH_PREFIX, "XTYU6EUZWRI6")),
        (
            "pith:2026:xtyu6euzwri6ebu2",
            AliasQuery(QueryKind.PITH_PREFIX, "XTYU6EUZWRI6EBU2", year=2026),
        ),
    ],
)
def test_pith_notations(text: str, expected: AliasQuery) -> None:
    assert parse_alias(text) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "hello",
        "pith:XTYU6EU",
        "2613.13419",
        "2603.13419v0",
        "doi:nope",
        "https://example.org/abs/2603.13419",
        "XTYU6EUZWRI6EBU2PYG3UUWNUOA",
        "hep-th/92010011",
    ],
)
def test_invalid_alias_quotes_input_and_lists_forms(bad: str) -> None:
    with pytest.raises(InvalidAlias) as info:
        parse_alias(bad)
    assert repr(bad) in str(info.value)
    assert "accepted forms" in str(info.value)


@given(arxiv_ids, st.one_of(st.none(), versions))
def test_every_arxiv_notation_parses_to_the_same_value(ident: str, version: int | None) -> None:
    suffix = f"v{version}" if version else ""
    forms = [
        f"{ident}{suffix}",
        f"arXiv:{ident}{suffix}",
        f"arxiv:{ident}{suffix}",
        f"https://arxiv.org/abs/{ident}{suffix}",
        f"http://export.arxiv.org/pdf/{ident}{suffix}.pdf",
        f"  {ident}{suffix}\t",
    ]
    expected = AliasQuery(QueryKind.ARXIV, ident, version)
    assert {parse_alias(f) for f in forms} == {expected}
    assert is_valid_arxiv_id(ident)
    assert split_arxiv_version(f"{ident}{suffix}") == (ident, version)


@given(arxiv_ids)
def test_arxiv_doi_parses_as_doi(ident: str) -> None:
    assert parse_alias(f"https://doi.org/10.48550/arXiv.{ident}") == AliasQuery(
        QueryKind.DOI, f"10.48550/arxiv.{ident}".lower()
    )


@given(base32_bodies, st.integers(8, 26), st.integers(1990, 2100), st.booleans())
def test_pith_notations_agree_and_are_idempotent(
    body: str, length: int, year: int, lower: bool
) -> None:
    prefix = body[:length]
    typed = prefix.lower() if lower else prefix
    forms = [typed, f"pith:{typed}"]
    parsed = {parse_alias(f) for f in forms}
    assert len(parsed) == 1
    query = parsed.pop()
    assert query.value == prefix
    assert query.kind is (QueryKind.PITH if length == 26 else QueryKind.PITH_PREFIX)
    assert parse_alias(query.value) == query  # idempotent: the normal form parses to itself
    assert parse_alias(f"pith:{year}:{typed}").year == year


@given(arxiv_ids, st.one_of(st.none(), versions))
def test_arxiv_normal_form_is_idempotent(ident: str, version: int | None) -> None:
    query = parse_alias(f"arXiv:{ident}" + (f"v{version}" if version else ""))
    again = parse_alias(query.value + (f"v{query.version}" if query.version else ""))
    assert again == query


def test_alias_kind_values() -> None:
    assert [k.value for k in AliasKind] == [
        "arxiv",
        "arxiv_version",
        "doi",
        "pith_short_8",
        "pith_short_12",
        "pith_short_16",
    ]


def test_arxiv_id_validation() -> None:
    assert is_valid_arxiv_id("2603.13419") and is_valid_arxiv_id("math/9307207")
    assert not is_valid_arxiv_id("math.AG/0101001")  # subject class is not part of the id
    assert not is_valid_arxiv_id("2603.13419v2")
    with pytest.raises(ValueError, match="'nope'"):
        split_arxiv_version("nope")


def test_derived_doi_lower_cases_old_style() -> None:
    rec = CanonicalRecord(
        "arxiv", "math/9307207", 1, "", "math.CA", "1993-07-09T00:00:00Z", (), "0" * 64, "0" * 64
    )
    pith = parse_pith_number("pith:1993:NI2C7HXIDRN6XE5LL7QG22NHSQ")
    assert {a.kind: a.value for a in derived_aliases(rec, pith)}[
        AliasKind.DOI
    ] == "10.48550/arxiv.math/9307207"


_PIECES = st.sampled_from(
    ["", "doi:", "DOI: ", "dOi:", "10.", "10.48550/", "arxiv.", "pith:", "PITH:", "pith:2026:",
     "2026:", "arXiv:", "hep-th/", "Hep-th/", "math.AG/", "https://arxiv.org/abs/", "0704.",
     "2603.13419", "9911193", "v", "V", "v0", "v2", "v12345", ".pdf", "/", ".", ":", " ", "\t",
     "XTYU6EUZ", "xtyu6euzwri6ebu2pyg3uuwnuo", "ı", "K", "ſ", "٣٤", "é", "0", "1"]
)
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=6).map("".join),
    st.text(alphabet="0123456789abvVdoiDOI.:/- pithPITHKXYZ27ıſ٣", max_size=30),
)
# The notations of arXiv ids, DOIs and pith numbers, in any letter case, with and without
# prefixes and versions (good and bad).
_NOTATIONS = st.builds(
    lambda pre, ident, cases, v: pre
    + "".join(c.upper() if up else c for c, up in zip(ident, (cases + [False] * len(ident))[: len(ident)], strict=True))
    + v,
    st.sampled_from(["", "", "doi:", "DOI: ", "doi:10.48550/arxiv.", "10.48550/", "arXiv:", "pith:",
                     "pith:2026:", " "]),
    st.one_of(arxiv_ids, base32_bodies.map(str.lower), base32_bodies.map(lambda b: b[:9])),
    st.lists(st.booleans(), max_size=30),
    st.sampled_from(["", "v1", "V7", "v0", "v10000", " "]),
)


def _outcome(parse: Any, text: str) -> Any:
    try:
        return parse(text)
    except InvalidAlias as exc:
        return ("invalid", str(exc))


@settings(max_examples=300)
@given(st.one_of(_TEXTS, _NOTATIONS))
def test_the_common_notations_parse_as_the_general_rules_do(text: str) -> None:
    # parse_alias reads the usual spellings with one match; whatever it reads, the general
    # rules read the same (or refuse it with the same words).
    assert _outcome(parse_alias, text) == _outcome(_parse_general, text)


@pytest.mark.parametrize(
    "text",
    ["MATH/9006884", "mAth/9006884v2", "Hep-th/9201001v2", "0704.0617V3", "0704.0617v0",
     "DOI:10.1000/ABC", "doi:  10.1000/x", "PiTh:2026:xtyu6euz", "pith:2026:XTYU6EU", "ХTYU6EUZ"],
)
def test_mixed_case_notations_parse_as_the_general_rules_do(text: str) -> None:
    assert _outcome(parse_alias, text) == _outcome(_parse_general, text)


@pytest.mark.parametrize("record", WITH_RECORD, ids=lambda r: r["pith_number"])
def test_derived_aliases_are_sorted_by_kind_name(record: dict[str, Any]) -> None:
    rec = CanonicalRecord.from_json(record["canonical_record"])
    kinds = [a.kind.value for a in derived_aliases(rec, parse_pith_number(record["pith_number"]))]
    assert kinds == sorted(kinds) == sorted(k.value for k in AliasKind)
