"""Fixtures of the pure-core tests: the reference records, and one hypothesis profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pith"

settings.register_profile("pith", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pith")


def load_seed() -> dict[str, Any]:
    return json.loads((FIXTURES / "seed-2603.13419v2.json").read_text("utf-8"))


def load_reference_records() -> list[dict[str, Any]]:
    lines = (FIXTURES / "reference-records.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


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
