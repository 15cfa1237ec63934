"""`pith-graph keys generate|rotate|list|publish`, run in-process through main()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pith_graph.cli.main import main


def test_generate_list_rotate_publish(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "generate", "--key-id", "k1"]) == 0
    assert "generated k1" in capsys.readouterr().out
    assert main(["keys", "rotate", "--key-id", "k2"]) == 0
    assert "k2 is current" in capsys.readouterr().out
    assert main(["keys", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["k1", "retired"], ["k2", "current"]]
    assert main(["keys", "publish"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["key_id"] == "k2"
    assert [(k["key_id"], k["status"]) for k in doc["keys"]] == [
        ("k1", "retired"),
        ("k2", "current"),
        ("pith-v1-2026-05", "external"),
    ]


def test_errors_exit_non_zero_with_advice(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "rotate"]) == 2
    assert "keys generate" in capsys.readouterr().err
    assert main(["keys", "publish"]) == 2
    assert main(["keys", "generate"]) == 0
    assert main(["keys", "generate"]) == 2
    assert "rotate" in capsys.readouterr().err


def test_list_without_keys(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "list"]) == 0
    assert "no keys" in capsys.readouterr().out
