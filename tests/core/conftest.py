"""Fixtures of the pure-core tests: the reference records, and one hypothesis profile."""

from __future__ import annotations

from typing import Any

import pytest
from _pith_fixtures import load_seed
from hypothesis import HealthCheck, settings

settings.register_profile(
    "pith", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("pith")


@pytest.fixture
def seed() -> dict[str, Any]:
    return load_seed()


@pytest.fixture
def seed_metadata_raw() -> dict[str, Any]:
    """Raw metadata reproducing the founding record except the abstract (only its excerpt is known)."""
    doc = load_seed()
    return {
        "source": doc["source"],
        "title": doc["paper"]["title"],
        "abstract": doc["paper"]["abstract_excerpt"] + " and more",
        "license": doc["paper"]["license"],
        "primary_cat": "cs.LG",
        "cross_cats": [],
        "submitted_at": "2026-03-12T21:02:17Z",
        "authors": ["Tim Kaiser", "Markus Kollmann"],
    }
