"""Loaders of the reference fixtures (tests/fixtures/pith, copied from shared/fixtures/pith)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pith"


def load_seed() -> dict[str, Any]:
    """The founding record, complete (a fresh copy each call)."""
    seed: dict[str, Any] = json.loads((FIXTURES / "seed-2603.13419v2.json").read_text("utf-8"))
    return seed


def load_reference_records() -> list[dict[str, Any]]:
    """The 31 records of reference-records.jsonl."""
    lines = (FIXTURES / "reference-records.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
