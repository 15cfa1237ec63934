"""arXiv identifier syntax (private helper shared by metadata and aliases).

arXiv ids come in two styles (https://info.arxiv.org/help/arxiv_identifier.html):
new style ``YYMM.NNNN`` (2007-2014) or ``YYMM.NNNNN`` (2015 on), and old style
``archive/YYMMNNN`` (``hep-th/9201001``, ``math/9307207``). The old-style subject class
(``math.AG/0101001``) is not part of the id and is normalised away.
"""

from __future__ import annotations

import re

NEW_STYLE = re.compile(r"(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))\.(?P<num>\d{4,5})")
OLD_STYLE = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[a-z]{2}(?:-[a-z]{2})?)?/"
    r"(?P<num>\d{2}(?:0[1-9]|1[0-2])\d{3})"
)
_VERSION = re.compile(r"v(?P<version>[1-9]\d{0,3})")


def is_valid_arxiv_id(text: str) -> bool:
    """True when ``text`` is a canonical arXiv id without version (``2603.13419``, ``math/9307207``)."""
    if not isinstance(text, str):
        return False
    if NEW_STYLE.fullmatch(text):
        return True
    match = OLD_STYLE.fullmatch(text)
    return match is not None and text == f"{match['archive']}/{match['num']}"


def arxiv_id_month(arxiv_id: str) -> tuple[int, int] | None:
    """The (year, month) an arXiv id encodes: ``2612.99950`` -> (2026, 12), ``hep-th/9509068``
    -> (1995, 9). New-style ids began in April 2007, so their ``YY`` is 20YY; old-style ids ran
    from 1991 to March 2007, so ``91``-``99`` are 19YY and the rest 20YY. None for non-ids.
    """
    parsed = normalise_arxiv(arxiv_id) if isinstance(arxiv_id, str) else None
    if parsed is None:
        return None
    base = parsed[0]
    if "/" in base:
        yymm = base.split("/", 1)[1][:4]
        yy, mm = int(yymm[:2]), int(yymm[2:])
        return (1900 + yy if yy >= 91 else 2000 + yy), mm
    return 2000 + int(base[:2]), int(base[2:4])


def normalise_arxiv(text: str) -> tuple[str, int | None] | None:
    """Split any arXiv id notation (case-insensitive, optional ``vN``) into (canonical id, version).

    Returns None when ``text`` is not an arXiv id.
    """
    version: int | None = None
    base = text
    vmatch = re.search(r"v\d+$", text, flags=re.IGNORECASE)
    if vmatch:
        vtext = vmatch.group(0).lower()
        if not _VERSION.fullmatch(vtext):
            return None
        version = int(vtext[1:])
        base = text[: vmatch.start()]
    if NEW_STYLE.fullmatch(base):
        return base, version
    match = OLD_STYLE.fullmatch(base.lower())
    if match:
        return f"{match['archive']}/{match['num']}", version
    return None


def split_arxiv_version(text: str) -> tuple[str, int | None]:
    """``"2603.13419v2"`` -> ``("2603.13419", 2)``; ``"math/9307207"`` -> ``("math/9307207", None)``.

    Raises ``ValueError`` naming the text when it is not an arXiv id.
    """
    parsed = normalise_arxiv(text) if isinstance(text, str) else None
    if parsed is None:
        raise ValueError(
            f"not an arXiv id: {text!r} (expected YYMM.NNNNN or archive/YYMMNNN, optional vN)"
        )
    return parsed
