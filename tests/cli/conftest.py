"""CLI test fixtures: an isolated data directory and the founding record's path."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pith"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "pith-data"
    monkeypatch.setenv("PITH_DATA_DIR", str(directory))
    monkeypatch.delenv("PITH_SIGNING_KEY", raising=False)
    monkeypatch.delenv("PITH_SIGNING_KEY_ID", raising=False)
    return directory


@pytest.fixture
def seed_path() -> Path:
    return FIXTURES / "seed-2603.13419v2.json"
