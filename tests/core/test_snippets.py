"""The LaTeX snippet and badge Markdown the reference system offers for a paper."""

from __future__ import annotations

from _strategies import base32_bodies
from hypothesis import given

from pith_graph.core.pith_number import PithNumber
from pith_graph.core.snippets import badge_markdown, latex_snippet

FOUNDING = PithNumber(2026, "XTYU6EUZWRI6EBU2PYG3UUWNUO")


def test_latex_snippet_of_the_founding_record() -> None:
    assert latex_snippet(FOUNDING) == (
        "% preamble\n\\usepackage{pith}\n% where the paper is identified\n"
        "\\pithnumber{XTYU6EUZWRI6EBU2PYG3UUWNUO}\n"
    )


def test_badge_markdown_links_the_record_page() -> None:
    assert badge_markdown(FOUNDING, "http://127.0.0.1:8000/") == (
        "[![pith:XTYU6EUZ](http://127.0.0.1:8000/badge/XTYU6EUZWRI6EBU2PYG3UUWNUO.svg)]"
        "(http://127.0.0.1:8000/pith/XTYU6EUZWRI6EBU2PYG3UUWNUO)"
    )


@given(base32_bodies)
def test_latex_names_exactly_the_body(body: str) -> None:
    lines = latex_snippet(PithNumber(2000, body)).splitlines()
    assert lines[1] == "\\usepackage{pith}" and lines[3] == f"\\pithnumber{{{body}}}"
