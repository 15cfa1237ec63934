from __future__ import annotations

import pytest

from pith_graph.cli.main import main


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "db"):
        assert command in out


def test_db_migrate_twice_is_a_no_op_the_second_time(
    settings: object, clean_graph: object, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pith_graph.config import Settings

    assert isinstance(settings, Settings)
    assert settings.neo4j_uri is not None
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    assert main(["db", "migrate"]) == 0
    assert main(["db", "migrate"]) == 0
    assert "nothing to apply" in capsys.readouterr().out.splitlines()[-1]
