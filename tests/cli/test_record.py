"""`pith-graph record build|verify`, run in-process through main()."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from pith_graph.cli.main import main

METADATA = {
    "arxiv_id": "2603.13419v2",
    "title": "Diffusion Models Memorize in Training -- and Generalize in Inference",
    "abstract": "Diffusion models generalize well in practice.",
    "license": "http://creativecommons.org/licenses/by/4.0/",
    "categories": "cs.LG",
    "submitted_at": "2026-03-12T21:02:17Z",
    "authors": "Tim Kaiser and Markus Kollmann",
}


def _build(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], raw: Any
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(raw)))
    code = main(["record", "build"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_verify_founding_record(
    data_dir: Path, seed_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["record", "verify", str(seed_path)]) == 0
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0
    assert out.startswith("OK pith:2026:XTYU6EUZWRI6EBU2PYG3UUWNUO")
    for part in (
        "canonical hash",
        "pith number",
        "short form",
        "6 aliases",
        "receipt (key pith-v1-2026-05) verified",
    ):
        assert part in out


def test_verify_from_stdin_names_failing_fields(
    data_dir: Path,
    seed_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = json.loads(seed_path.read_text("utf-8"))
    doc["canonical_record"]["metadata"]["license"] = ""
    doc["short_pith_number"] = "pith:AAAAAAAA"
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(doc)))
    assert main(["record", "verify", "-"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL ")
    for field in ("canonical_sha256", "canonical_record.metadata.license", "short_pith_number"):
        assert field in out


def test_verify_rejects_non_json(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["record", "verify", str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_build_generates_key_then_verifies(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    code, out, err = _build(monkeypatch, capsys, METADATA)
    assert code == 0
    assert "generated" in err
    doc = json.loads(out)
    assert doc["record_type"] == "pith_number_record"
    assert doc["canonical_record"]["metadata"]["title_canon_sha256"] == (
        "906e7888a176fa0ff84047551e496efad52e274328aab0c8186e993a9dcf080f"
    )
    record_file = tmp_path / "built.json"
    record_file.write_text(out)
    assert main(["record", "verify", str(record_file)]) == 0
    line = capsys.readouterr().out
    assert "receipt (key pith-graph-" in line and "verified" in line
    # a second build reuses the key silently
    code, _, err = _build(monkeypatch, capsys, METADATA)
    assert code == 0 and err == ""


def test_verify_with_unknown_key_reports_unverified(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _, out, _ = _build(monkeypatch, capsys, METADATA)
    record_file = tmp_path / "built.json"
    record_file.write_text(out)
    monkeypatch.setenv("PITH_DATA_DIR", str(tmp_path / "elsewhere"))
    assert main(["record", "verify", str(record_file)]) == 0
    assert "receipt UNVERIFIED" in capsys.readouterr().out


def test_build_invalid_metadata_names_field(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _build(monkeypatch, capsys, {**METADATA, "submitted_at": "last week"})
    assert code == 2 and out == ""
    assert "submitted_at" in err and "last week" in err


def test_build_with_env_key(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PITH_SIGNING_KEY", bytes(range(32)).hex())
    monkeypatch.setenv("PITH_SIGNING_KEY_ID", "env-key")
    code, out, err = _build(monkeypatch, capsys, METADATA)
    assert code == 0 and err == ""
    assert json.loads(out)["receipt"]["key_id"] == "env-key"
    assert not data_dir.exists()


def test_verify_empty_object_fails(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("{}"))
    assert main(["record", "verify", "-"]) == 1
    assert "nothing to verify" in capsys.readouterr().out


def test_verify_short_reference_record(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = Path(__file__).resolve().parents[1] / "fixtures" / "pith" / "reference-records.jsonl"
    last = line.read_text("utf-8").splitlines()[-1]
    record_file = tmp_path / "short.json"
    record_file.write_text(last)
    assert main(["record", "verify", str(record_file)]) == 0
    out = capsys.readouterr().out
    assert "3 aliases" in out and "receipt (key pith-v1-2026-05) verified" in out
