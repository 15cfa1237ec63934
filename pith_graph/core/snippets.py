"""Text the reference system offers for citing a paper (REFERENCE.md, "Documents it serves", R).

Papers get a LaTeX snippet (``\\usepackage{pith}`` and ``\\pithnumber{<SUFFIX>}``, where the
suffix is the 26-character body) and an embeddable badge. The explorer page builds the same
LaTeX text in ``web/explore/src/snippets.js``; a browser test checks that the two agree.
"""

from __future__ import annotations

from pith_graph.core.pith_number import PithNumber

__all__ = ["badge_markdown", "latex_snippet"]


def latex_snippet(pith: PithNumber) -> str:
    """The LaTeX lines that identify ``pith`` in a paper, one per line, newline-terminated."""
    return (
        "% preamble\n"
        "\\usepackage{pith}\n"
        "% where the paper is identified\n"
        f"\\pithnumber{{{pith.body}}}\n"
    )


def badge_markdown(pith: PithNumber, base_url: str) -> str:
    """Markdown for a README: the badge image linking to the record page."""
    base = base_url.rstrip("/")
    return f"[![{pith.short}]({base}/badge/{pith.body}.svg)]({base}/pith/{pith.body})"
