"""Paper metadata, parsed once at the boundary into a frozen value.

``parse_metadata`` accepts the JSON a harvester or a user hands us and returns a
:class:`PaperMetadata` whose every field is valid, or raises :class:`InvalidMetadata` naming the
field. The fields that enter the canonical record follow REFERENCE.md "Identity" (V): ``license``
verbatim or ``""``; ``primary_cat`` a string; the other categories; ``submitted_at`` the v1
submission time in UTC to the second, ``YYYY-MM-DDTHH:MM:SSZ`` (a bare date means ``T00:00:00Z``,
as the reference does for old papers).

Dates that cannot be are refused (:func:`submitted_at_refusal`): a time in the future, a year
before 1000, and for arXiv sources a time before arXiv existed (August 1991). A v1 date far from
the month its arXiv id encodes does happen in real metadata, so it is accepted and reported
(:func:`submission_date_mismatch`, :func:`metadata_warnings`).

Sizes are bounded (a registry is not a blob store): a title of at most :data:`MAX_TITLE_CHARS`
characters, an abstract of at most :data:`MAX_ABSTRACT_CHARS`, 1 to :data:`MAX_AUTHORS` authors of
at most :data:`MAX_AUTHOR_CHARS` each, :data:`MAX_TEXT_CHARS` for the other texts and
:data:`MAX_DOIS` DOIs. The limits are several times what real arXiv metadata holds (arXiv itself
caps abstracts at 1,920 characters; a collaboration paper lists a few thousand authors).

A DOI in arXiv's own namespace (``10.48550/arXiv.<id>``) names the paper ``<id>`` alone: another
paper giving it is refused, as it would make the owner's DOI ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pith_graph.core._arxiv import arxiv_id_month, normalise_arxiv
from pith_graph.core.errors import InvalidMetadata

__all__ = [
    "ARXIV_FIRST_SUBMISSION",
    "MAX_ABSTRACT_CHARS",
    "MAX_AUTHORS",
    "MAX_AUTHOR_CHARS",
    "MAX_DOIS",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "SUPPORTED_SOURCE_KINDS",
    "MetadataWarning",
    "PaperMetadata",
    "metadata_warnings",
    "parse_metadata",
    "submission_date_mismatch",
    "submitted_at_refusal",
]

SUPPORTED_SOURCE_KINDS = ("arxiv",)
# arXiv opened in August 1991 (hep-th/9108001 is its first paper).
ARXIV_FIRST_SUBMISSION = datetime(1991, 8, 1, tzinfo=UTC)
_EARLIEST_YEAR = 1000
# A bare date or a time in a zone east of UTC may read as "tomorrow" for a few hours.
_FUTURE_TOLERANCE = timedelta(days=1)
MAX_TITLE_CHARS = 1_000
MAX_ABSTRACT_CHARS = 10_000
MAX_AUTHORS = 10_000
MAX_AUTHOR_CHARS = 1_000
MAX_TEXT_CHARS = 10_000
MAX_DOIS = 20
_ARXIV_DOI_PREFIX = "10.48550/arxiv."
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")


@dataclass(frozen=True, slots=True)
class PaperMetadata:
    """Validated metadata of one version of one paper."""

    source_kind: str
    source_id: str
    version: int
    title: str
    abstract: str
    license: str
    primary_cat: str
    cross_cats: tuple[str, ...]
    submitted_at: str
    authors: tuple[str, ...]
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    headline: str = ""
    # Further DOIs of the same version (a source listing the published version and errata):
    # aliases of the paper, like ``doi``.
    other_dois: tuple[str, ...] = ()
    # When this version itself was submitted (v1: submitted_at); not part of the canonical record.
    version_created_at: str | None = None

    @property
    def submitted_year(self) -> int:
        return int(self.submitted_at[:4])


@dataclass(frozen=True, slots=True)
class MetadataWarning:
    """Something accepted but worth telling the submitter; ``code`` is machine-readable."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def submission_date_mismatch(arxiv_id: str, submitted_at: str) -> bool:
    """True when a v1 submission time (``YYYY-MM-…``) lies more than a month away from the month
    the arXiv id encodes (``YYMM.`` or ``archive/YYMMNNN``): ``hep-th/9509068`` dated
    2000-09-13 is; the same id dated 1995-10-02 is not. False when either cannot be read.
    """
    encoded = arxiv_id_month(arxiv_id)
    match = re.match(r"(\d{4})-(\d{2})", submitted_at) if isinstance(submitted_at, str) else None
    if encoded is None or match is None:
        return False
    year, month = int(match[1]), int(match[2])
    return abs((year * 12 + month) - (encoded[0] * 12 + encoded[1])) > 1


def submitted_at_refusal(source_kind: str, moment: datetime, now: datetime) -> str | None:
    """Why ``moment`` cannot be the v1 submission time of a ``source_kind`` paper, or None."""
    if moment.year < _EARLIEST_YEAR:
        return f"year {moment.year} is before {_EARLIEST_YEAR}"
    if moment > now + _FUTURE_TOLERANCE:
        return f"{moment:%Y-%m-%dT%H:%M:%SZ} is in the future"
    if source_kind == "arxiv" and moment < ARXIV_FIRST_SUBMISSION:
        return f"{moment:%Y-%m-%dT%H:%M:%SZ} is before arXiv existed (August 1991)"
    return None


def metadata_warnings(meta: PaperMetadata) -> tuple[MetadataWarning, ...]:
    """What is accepted in ``meta`` but looks wrong (today: a v1 date far from its id's month)."""
    if meta.source_kind == "arxiv" and submission_date_mismatch(meta.source_id, meta.submitted_at):
        year, month = arxiv_id_month(meta.source_id) or (0, 0)
        return (
            MetadataWarning(
                "SUBMISSION_DATE_MISMATCH",
                f"submitted_at {meta.submitted_at} is more than a month away from "
                f"{year:04d}-{month:02d}, the month arXiv id {meta.source_id} encodes",
            ),
        )
    return ()


def parse_metadata(raw: Mapping[str, Any], *, now: datetime | None = None) -> PaperMetadata:
    """Parse raw metadata (see module docstring) into :class:`PaperMetadata`.

    Accepted keys: ``source`` ``{kind, id, version}`` or flat ``arxiv_id``/``id`` + ``version``;
    ``title``; ``abstract``; ``license`` (missing/None -> ``""``); ``primary_cat`` + ``cross_cats``
    or ``categories`` (space-separated, first is primary); ``submitted_at`` (ISO 8601 with offset
    or ``Z``, or a date); ``authors`` (a non-empty list, or ``"A and B, C"``); optional ``doi``
    (one DOI, or a list of them: the first is the paper's, all are aliases), ``journal_ref``,
    ``comments``, ``headline``.
    """
    if not isinstance(raw, Mapping):
        raise InvalidMetadata("<root>", f"expected a JSON object, got {type(raw).__name__}")
    kind, source_id, version = _parse_source(raw)
    primary, cross = _parse_categories(raw)
    dois = _parse_dois(raw.get("doi"), source_id)
    return PaperMetadata(
        source_kind=kind,
        source_id=source_id,
        version=version,
        title=_required_text(raw, "title", MAX_TITLE_CHARS),
        abstract=_required_text(raw, "abstract", MAX_ABSTRACT_CHARS),
        license=_optional_text(raw, "license") or "",
        primary_cat=primary,
        cross_cats=cross,
        submitted_at=_parse_submitted_at(
            raw.get("submitted_at"), kind, now if now is not None else datetime.now(UTC)
        ),
        authors=_parse_authors(raw.get("authors")),
        doi=dois[0] if dois else None,
        other_dois=dois[1:],
        journal_ref=_optional_text(raw, "journal_ref"),
        comments=_optional_text(raw, "comments"),
        headline=_optional_text(raw, "headline") or "",
        version_created_at=(
            _parse_submitted_at(
                raw["version_created_at"], kind, now if now is not None else datetime.now(UTC)
            )
            if raw.get("version_created_at")
            else None
        ),
    )


def _parse_source(raw: Mapping[str, Any]) -> tuple[str, str, int]:
    source = raw.get("source")
    if source is not None:
        if not isinstance(source, Mapping):
            raise InvalidMetadata(
                "source", f"expected an object {{kind, id, version}}, got {source!r}"
            )
        kind = source.get("kind", "arxiv")
        ident, version, prefix = source.get("id"), source.get("version"), "source."
    else:
        kind = "arxiv"
        ident = raw.get("arxiv_id", raw.get("id"))
        version, prefix = raw.get("version"), ""
    if kind not in SUPPORTED_SOURCE_KINDS:
        raise InvalidMetadata(
            f"{prefix}kind", f"unsupported source kind {kind!r}; expected 'arxiv'"
        )
    id_field = f"{prefix}id" if source is not None else ("arxiv_id" if "arxiv_id" in raw else "id")
    if not isinstance(ident, str) or not ident.strip():
        raise InvalidMetadata(id_field, f"an arXiv id is required, got {ident!r}")
    parsed = normalise_arxiv(ident.strip())
    if parsed is None:
        raise InvalidMetadata(
            id_field, f"{ident!r} is not an arXiv id (YYMM.NNNN(N) or archive/YYMMNNN)"
        )
    canonical_id, id_version = parsed
    if version is None:
        version = id_version
    if isinstance(version, str) and version.isdigit():
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidMetadata(f"{prefix}version", f"expected an integer >= 1, got {version!r}")
    if id_version is not None and id_version != version:
        raise InvalidMetadata(
            f"{prefix}version", f"id {ident!r} says v{id_version} but version is {version!r}"
        )
    return kind, canonical_id, version


def _required_text(raw: Mapping[str, Any], field: str, limit: int) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidMetadata(field, f"a non-empty string is required, got {_cut(value)}")
    return _bounded(field, value, limit)


def _optional_text(raw: Mapping[str, Any], field: str) -> str | None:
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidMetadata(field, f"expected a string or null, got {_cut(value)}")
    return _bounded(field, value, MAX_TEXT_CHARS)


def _bounded(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidMetadata(field, f"at most {limit:,} characters, got {len(value):,}")
    return value


def _cut(value: Any) -> str:
    """``repr`` of a refused value, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_category(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _CATEGORY.fullmatch(value):
        raise InvalidMetadata(field, f"{value!r} is not an arXiv category like 'cs.LG' or 'hep-th'")
    return value


def _parse_categories(raw: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    if raw.get("primary_cat") is not None:
        primary = _check_category("primary_cat", raw["primary_cat"])
        cross_raw = raw.get("cross_cats", [])
        if cross_raw is None:
            cross_raw = []
        if isinstance(cross_raw, str):
            cross_raw = cross_raw.split()
        if not isinstance(cross_raw, (list, tuple)):
            raise InvalidMetadata("cross_cats", f"expected a list of categories, got {cross_raw!r}")
        cross = [_check_category("cross_cats", c) for c in cross_raw]
    elif raw.get("categories") is not None:
        cats = raw["categories"]
        if isinstance(cats, str):
            cats = cats.split()
        if not isinstance(cats, (list, tuple)) or not cats:
            raise InvalidMetadata(
                "categories", f"expected 'primary other ...', got {raw['categories']!r}"
            )
        primary = _check_category("categories", cats[0])
        cross = [_check_category("categories", c) for c in cats[1:]]
    else:
        raise InvalidMetadata(
            "primary_cat", "missing: give primary_cat (+ cross_cats) or categories"
        )
    # The primary category is not a cross-list of itself; duplicates carry no information.
    return primary, tuple(dict.fromkeys(c for c in cross if c != primary))


def _parse_submitted_at(value: Any, kind: str, now: datetime) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidMetadata("submitted_at", f"an ISO 8601 time is required, got {value!r}")
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as exc:
        raise InvalidMetadata("submitted_at", f"{value!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidMetadata("submitted_at", f"{value!r} has no UTC offset; add 'Z' or '+HH:MM'")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01T00:00:00+01:00 is before datetime.min in UTC
        raise InvalidMetadata("submitted_at", f"{value!r} is before year {_EARLIEST_YEAR}") from exc
    refusal = submitted_at_refusal(kind, moment, now)
    if refusal is not None:
        raise InvalidMetadata("submitted_at", f"{value!r}: {refusal}")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = re.split(r",\s*|\s+and\s+", value)
    elif isinstance(value, (list, tuple)):
        if not all(isinstance(a, str) for a in value):
            raise InvalidMetadata("authors", f"expected a list of names, got {_cut(value)}")
        parts = list(value)
    elif value is None:
        parts = []
    else:
        raise InvalidMetadata("authors", f"expected a list or 'A and B, C', got {_cut(value)}")
    authors = tuple(" ".join(p.split()) for p in parts if p.strip())
    if not authors:
        raise InvalidMetadata("authors", "at least one author is required")
    if len(authors) > MAX_AUTHORS:
        raise InvalidMetadata("authors", f"at most {MAX_AUTHORS:,} authors, got {len(authors):,}")
    for name in authors:
        if len(name) > MAX_AUTHOR_CHARS:
            raise InvalidMetadata(
                "authors", f"an author name has at most {MAX_AUTHOR_CHARS:,} characters"
            )
    return authors


def _parse_dois(value: Any, source_id: str) -> tuple[str, ...]:
    """The DOIs given (one string or a list), lower case, without repeats; each must be a DOI,
    and one in arXiv's namespace must be this paper's own."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    if len(items) > MAX_DOIS:
        raise InvalidMetadata("doi", f"at most {MAX_DOIS} DOIs, got {len(items)}")
    dois: list[str] = []
    for item in items:
        if not isinstance(item, str) or not _DOI.fullmatch(item.strip()):
            raise InvalidMetadata("doi", f"{_cut(item)} is not a DOI like '10.1000/xyz'")
        doi = item.strip().lower()
        if doi.startswith(_ARXIV_DOI_PREFIX):
            named = normalise_arxiv(doi[len(_ARXIV_DOI_PREFIX):])
            if named is None or named[0].lower() != source_id.lower():
                raise InvalidMetadata(
                    "doi",
                    f"{_cut(item.strip())} is arXiv's DOI of another paper; "
                    f"{source_id}'s own is {_ARXIV_DOI_PREFIX}{source_id.lower()}",
                )
        if doi not in dois:
            dois.append(doi)
    return tuple(dois)
