"""Syntax of the identifiers references carry: arXiv ids and DOIs (pure).

arXiv (https://info.arxiv.org/help/arxiv_identifier.html): old-style ``archive/YYMMNNN`` ids were
issued from 1991-08 to 2007-03; new-style ``YYMM.NNNN`` from 2007-04 to 2014-12 and ``YYMM.NNNNN``
from 2015-01 on. An id outside those ranges has valid characters but was never issued.

DOI (DOI Handbook 2.2; ANSI/NISO Z39.84): ``10.`` + a registrant code of digit groups separated
by dots + ``/`` + a non-empty suffix of printable characters (no whitespace, no control
characters). Crossref's recommendation for modern DOIs is the character set
``[-._;()/:A-Za-z0-9]``; a DOI outside it (or ending in punctuation that reference extraction
typically drags along) still *is* a DOI but is not compliant.
"""

from __future__ import annotations

import re

from pith_graph.core._arxiv import NEW_STYLE, OLD_STYLE, arxiv_id_month

__all__ = [
    "arxiv_id_month",
    "arxiv_id_problem",
    "doi_compliance_problem",
    "doi_syntax_problem",
]

_DOI_SYNTAX = re.compile(r"10(?:\.\d+)+/(?P<suffix>.+)")
_CROSSREF = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
_TRAILING = (".", ",", ";", ":")
_DOI_MAX = 256


def arxiv_id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid (issued) arXiv id, or None when it is one."""
    new = NEW_STYLE.fullmatch(value)
    if new is not None:
        yymm, digits = int(new["yymm"]), len(new["num"])
        if yymm < 704:
            return f"new-style id {value!r} predates new-style ids (2007-04)"
        if digits == 4 and yymm > 1412:
            return f"{value!r}: 4-digit numbers were issued until 2014-12 only"
        if digits == 5 and yymm < 1501:
            return f"{value!r}: 5-digit numbers were issued from 2015-01 only"
        if int(new["num"]) == 0:
            return f"{value!r}: number 0 is never issued"
        return None
    old = OLD_STYLE.fullmatch(value)
    if old is not None and value == f"{old['archive']}/{old['num']}":
        year, month = arxiv_id_month(value)  # type: ignore[misc]
        if (year, month) < (1991, 8) or (year, month) > (2007, 3):
            return f"old-style id {value!r} is outside 1991-08..2007-03"
        if int(old["num"][4:]) == 0:
            return f"{value!r}: number 000 is never issued"
        return None
    return f"{value!r} is not an arXiv id (YYMM.NNNNN or archive/YYMMNNN)"


def doi_syntax_problem(value: str) -> str | None:
    """Why ``value`` is not a DOI at all (cannot resolve), or None when its syntax is a DOI's."""
    if len(value) > _DOI_MAX:
        return f"longer than {_DOI_MAX} characters"
    match = _DOI_SYNTAX.fullmatch(value)
    if match is None:
        return f"{value!r} is not 10.<registrant>/<suffix>"
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return f"{value!r} contains whitespace or control characters"
    return None


def doi_compliance_problem(value: str) -> str | None:
    """Why a syntactically valid DOI is not compliant with the recommended form, or None."""
    if doi_syntax_problem(value) is not None:
        return None  # not a DOI at all: unresolvable_identifier's finding, not this one
    if value.endswith(_TRAILING):
        return f"ends in {value[-1]!r}: punctuation carried over from the citing text"
    if value.count("(") != value.count(")") or value.count("[") != value.count("]"):
        return "unbalanced brackets"
    if not _CROSSREF.fullmatch(value):
        bad = sorted({ch for ch in value.split("/", 1)[1] if not re.fullmatch(r"[-._;()/:A-Za-z0-9]", ch)})
        if bad:
            return f"suffix characters outside Crossref's recommended set: {''.join(bad)!r}"
        return "registrant code is not 4 to 9 digits"
    return None
