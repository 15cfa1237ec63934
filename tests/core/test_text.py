"""text.py: title/abstract canonicalisation (REFERENCE.md title_canon_sha256, NFC is our rule)."""

from __future__ import annotations

from typing import Any

import pytest
from _pith_fixtures import load_reference_records, load_seed
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.text import canonical_text, text_sha256

TITLED = [r for r in load_reference_records() if "title" in r]


def test_founding_title_hash() -> None:
    seed = load_seed()
    assert (
        text_sha256(seed["paper"]["title"])
        == seed["canonical_record"]["metadata"]["title_canon_sha256"]
    )


@pytest.mark.parametrize("record", TITLED, ids=lambda r: r["source"]["id"])
def test_title_hash_of_every_reference_record(record: dict[str, Any]) -> None:
    assert (
        text_sha256(record["title"]) == record["canonical_record"]["metadata"]["title_canon_sha256"]
    )


def test_latex_and_punctuation_kept_verbatim() -> None:
    assert (
        canonical_text('On K\\"ahler  $E_q(2)$\n manifolds ') == 'on k\\"ahler $e_q(2)$ manifolds'
    )


def test_wrapped_title_hashes_like_single_line() -> None:
    assert text_sha256("A long\n  title") == text_sha256("A long title")


def test_unicode_composed_and_decomposed_hash_alike() -> None:
    assert text_sha256("Caf\u00e9") == text_sha256("Cafe\u0301")


@given(st.text())
def test_canonical_text_idempotent(text: str) -> None:
    once = canonical_text(text)
    assert canonical_text(once) == once


@given(st.text(alphabet=st.characters(codec="ascii")))
def test_ascii_rule_is_lower_and_single_space(text: str) -> None:
    assert canonical_text(text) == " ".join(text.lower().split())


@given(st.text())
def test_hash_independent_of_unicode_normal_form(text: str) -> None:
    import unicodedata

    for form in ("NFC", "NFD"):
        assert text_sha256(unicodedata.normalize(form, text)) == text_sha256(text)
