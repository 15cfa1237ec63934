"""Aliases: the ones a record carries, and the parser for what users type.

REFERENCE.md, "Identity" (V): ``arxiv`` = id, ``arxiv_version`` = id + ``v`` + version, ``doi`` =
``10.48550/arxiv.`` + id (lower case, old-style ids included), ``pith_short_8/12/16`` = prefixes of
the 26-character body. The reference lists them ordered by kind name, which
:func:`derived_aliases` reproduces.

:func:`parse_alias` turns user input into an :class:`AliasQuery` or raises :class:`InvalidAlias`
quoting the input and listing :data:`ACCEPTED_FORMS`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from pith_graph.core._arxiv import is_valid_arxiv_id, normalise_arxiv, split_arxiv_version
from pith_graph.core.errors import InvalidAlias
from pith_graph.core.pith_number import BODY_LENGTH, PithNumber
from pith_graph.core.record import CanonicalRecord

__all__ = [
    "ACCEPTED_FORMS",
    "Alias",
    "AliasKind",
    "AliasQuery",
    "QueryKind",
    "arxiv_doi",
    "derived_aliases",
    "is_valid_arxiv_id",
    "parse_alias",
    "split_arxiv_version",
]

ARXIV_DOI_PREFIX = "10.48550/arxiv."


class AliasKind(enum.StrEnum):
    """The ``alias_kind`` values of the reference records."""

    ARXIV = "arxiv"
    ARXIV_VERSION = "arxiv_version"
    DOI = "doi"
    PITH_SHORT_8 = "pith_short_8"
    PITH_SHORT_12 = "pith_short_12"
    PITH_SHORT_16 = "pith_short_16"


@dataclass(frozen=True, slots=True)
class Alias:
    """One alias of a record, in normal form (``created_at`` lives on the stored edge)."""

    kind: AliasKind
    value: str

    def to_json(self) -> dict[str, str]:
        return {"alias_kind": self.kind.value, "alias_value": self.value}


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI arXiv assigns: ``10.48550/arxiv.`` + id, lower case."""
    return (ARXIV_DOI_PREFIX + arxiv_id).lower()


def derived_aliases(record: CanonicalRecord, pith: PithNumber) -> tuple[Alias, ...]:
    """The six aliases of a record, in the reference order (sorted by kind name: written in
    that order, ``pith_short_8`` after ``pith_short_16``, rather than sorted for every record)."""
    return (
        Alias(AliasKind.ARXIV, record.source_id),
        Alias(AliasKind.ARXIV_VERSION, f"{record.source_id}v{record.version}"),
        Alias(AliasKind.DOI, arxiv_doi(record.source_id)),
        Alias(AliasKind.PITH_SHORT_12, pith.prefix(12)),
        Alias(AliasKind.PITH_SHORT_16, pith.prefix(16)),
        Alias(AliasKind.PITH_SHORT_8, pith.prefix(8)),
    )


class QueryKind(enum.StrEnum):
    """What a parsed user alias refers to."""

    PITH = "pith"
    PITH_PREFIX = "pith_prefix"
    ARXIV = "arxiv"
    DOI = "doi"


@dataclass(frozen=True, slots=True)
class AliasQuery:
    """A normalised lookup key: ``value`` is upper-case base32, a canonical arXiv id or a DOI."""

    kind: QueryKind
    value: str
    version: int | None = None
    year: int | None = None


ACCEPTED_FORMS = (
    "pith:YYYY:<26 base32 chars>",
    "pith:<8-26 base32 chars>",
    "<8-26 base32 chars>",
    "arXiv id (2603.13419, 2603.13419v2, hep-th/9201001, math.AG/0101001v1)",
    "arXiv:<id>",
    "arXiv URL (https://arxiv.org/abs/<id>, /pdf/<id>.pdf)",
    "DOI (10.48550/arxiv.2603.13419, doi:10.x/y, https://doi.org/10.x/y)",
)

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>.+?)(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ARXIV_PREFIX = re.compile(r"arxiv:\s*(?P<id>.+)", re.IGNORECASE)
_PITH = re.compile(r"(?:pith:(?:(?P<year>\d{4}):)?)?(?P<body>[A-Za-z2-7]+)", re.IGNORECASE)

# What users type most, in the spelling the lists of a batch carry (ASCII, no padding): a bare
# arXiv id of either style with an optional version, a DOI with or without ``doi:``, a pith
# number or prefix. One match reads the parts; every text it accepts parses to what the general
# rules below give it (each branch is a subset of the rule that would take it there, and the
# branches' texts are disjoint: only the new style has a dot and no slash, the old style starts
# with a letter and has a slash, a DOI starts with ``10.`` or ``doi:``, a pith body has neither
# dot, slash nor colon). Anything else goes through the general rules.
_COMMON = re.compile(
    r"(?P<new>[0-9]{2}(?:0[1-9]|1[0-2])\.[0-9]{4,5})(?:[vV](?P<new_v>[1-9][0-9]{0,3}))?"
    r"|(?P<old>[a-z]+(?:-[a-z]+)?/[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{3})"
    r"(?:[vV](?P<old_v>[1-9][0-9]{0,3}))?"
    r"|(?:[dD][oO][iI]:\s*)?(?P<doi>10\.[0-9]{4,9}/\S+)"
    r"|(?:[pP][iI][tT][hH]:(?:(?P<year>[0-9]{4}):)?)?(?P<body>[A-Za-z2-7]{8,26})"
)


def _fail(text: str, reason: str) -> InvalidAlias:
    return InvalidAlias(text, reason, ACCEPTED_FORMS)


def parse_alias(text: str) -> AliasQuery:
    """Parse any accepted notation of a pith number, prefix, arXiv id or DOI.

    >>> parse_alias("arXiv:2603.13419v2")
    AliasQuery(kind=<QueryKind.ARXIV: 'arxiv'>, value='2603.13419', version=2, year=None)
    """
    if type(text) is str:
        common = _COMMON.fullmatch(text)
        if common is not None:
            return _common_query(common)
    return _parse_general(text)


def _common_query(match: re.Match[str]) -> AliasQuery:
    new, new_v, old, old_v, doi, year, body = match.groups()
    if new is not None:
        return AliasQuery(QueryKind.ARXIV, new, int(new_v) if new_v else None)
    if old is not None:
        return AliasQuery(QueryKind.ARXIV, old, int(old_v) if old_v else None)
    if doi is not None:
        return AliasQuery(QueryKind.DOI, doi.lower())
    body = body.upper()
    kind = QueryKind.PITH if len(body) == BODY_LENGTH else QueryKind.PITH_PREFIX
    return AliasQuery(kind, body, year=int(year) if year else None)


def _parse_general(text: object) -> AliasQuery:
    """:func:`parse_alias` by the general rules, for every text."""
    if not isinstance(text, str):
        raise _fail(repr(text), "expected a string")
    stripped = text.strip()
    if not stripped:
        raise _fail(text, "empty input")
    doi_text = _DOI_PREFIX.sub("", stripped, count=1) if _DOI_PREFIX.match(stripped) else stripped
    if _DOI.fullmatch(doi_text):
        return AliasQuery(QueryKind.DOI, doi_text.lower())
    if doi_text is not stripped:
        raise _fail(text, f"{doi_text!r} is not a DOI (10.<registrant>/<suffix>)")
    for pattern in (_ARXIV_URL, _ARXIV_PREFIX):
        match = pattern.fullmatch(stripped)
        if match:
            return _arxiv_query(text, match.group("id"))
    arxiv = normalise_arxiv(stripped)
    if arxiv is not None:
        return AliasQuery(QueryKind.ARXIV, arxiv[0], arxiv[1])
    match = _PITH.fullmatch(stripped)
    if match:
        body = match.group("body").upper()
        year = int(match.group("year")) if match.group("year") else None
        if len(body) == BODY_LENGTH:
            return AliasQuery(QueryKind.PITH, body, year=year)
        if 8 <= len(body) < BODY_LENGTH:
            return AliasQuery(QueryKind.PITH_PREFIX, body, year=year)
        raise _fail(text, f"a pith number body has 8 to 26 base32 characters, got {len(body)}")
    raise _fail(text, "not a pith number, arXiv id or DOI")


def _arxiv_query(text: str, ident: str) -> AliasQuery:
    parsed = normalise_arxiv(ident.strip())
    if parsed is None:
        raise _fail(text, f"{ident!r} is not an arXiv id")
    return AliasQuery(QueryKind.ARXIV, parsed[0], parsed[1])
