"""The arXiv metadata snapshot format (Kaggle ``arxiv-metadata-oai-snapshot``), one JSON object a line.

Fields: ``id, submitter, authors, title, comments, journal-ref, doi, report-no, categories, license,
abstract, versions[{version, created}], update_date``. The shared data's ``hepth_papers``,
``arxiv_abs_papers`` and ``unarxive_2212_papers`` use the same fields plus extras (ignored here,
except ``versions[].created_iso`` and ``submitted_date`` as date fallbacks).

Mapping onto :class:`PaperMetadata` (REFERENCE.md "Identity"):

- ``version`` = the last entry of ``versions`` (an ``orig`` snapshot lists only the versions up to
  its own, so it yields that older version with the metadata it had then);
- ``submitted_at`` = the creation time of ``v1`` in UTC to the second; RFC 2822 (``Mon, 2 Apr 2007
  19:18:42 GMT``), ISO 8601 (``created_iso``) and the pre-1996 ``01/01/93 13:35:33 GMT+0100`` form
  are read; a record whose v1 time is unreadable falls back to ``submitted_date`` (``T00:00:00Z``);
- ``license`` verbatim, or ``""`` when null;
- ``doi``: a ``doi:`` prefix is removed; when the field lists several DOIs (the published version
  and errata, separated by spaces, commas or semicolons) the first is the paper's ``doi`` and
  every one is an alias; a value that is no DOI is left out with a warning;
- ``categories`` null (old ``.abs`` records without a Categories line): the archive of an
  old-style id (``astro-ph/9709175`` -> ``astro-ph``), with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from pith_graph.core.errors import InvalidMetadata
from pith_graph.core.metadata import parse_metadata
from pith_graph.ingest.formats._items import BadLine, Item, PaperLine, json_lines

__all__ = ["parse_arxiv_metadata_lines", "parse_arxiv_metadata_object", "parse_version_date"]

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_VERSION = re.compile(r"v([1-9]\d*)")
# "01/01/93 13:35:33 GMT+0100": day/month/two-digit year, as one 1993 hep-th record has it.
_SLASHED = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:GMT|UT|UTC)?\s*([+-]\d{4})?"
)


def parse_arxiv_metadata_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Item]:
    """One :class:`PaperLine` or :class:`BadLine` for each non-blank ``(number, text)`` line."""
    for line in json_lines(lines, objects=False):
        if isinstance(line, BadLine):
            yield line
            continue
        number, obj = line
        try:
            paper, warnings = parse_arxiv_metadata_object(obj)
        except InvalidMetadata as exc:
            yield BadLine(number, str(exc))
            continue
        yield PaperLine(number, paper, warnings)


def parse_arxiv_metadata_object(obj: Any) -> tuple[Any, tuple[str, ...]]:
    """One snapshot object -> (:class:`PaperMetadata`, warnings); raises :class:`InvalidMetadata`."""
    if not isinstance(obj, dict):
        raise InvalidMetadata("<root>", f"expected a JSON object, got {type(obj).__name__}")
    versions = obj.get("versions")
    if not isinstance(versions, list) or not versions or not all(
        isinstance(v, dict) for v in versions
    ):
        raise InvalidMetadata("versions", f"expected a non-empty list of {{version, created}}, got {versions!r}")
    last = versions[-1].get("version")
    match = _VERSION.fullmatch(last) if isinstance(last, str) else None
    if match is None:
        raise InvalidMetadata("versions", f"last version {last!r} is not like 'v2'")
    warnings: list[str] = []
    doi = _dois(obj.get("doi"), warnings)
    categories = obj.get("categories")
    ident = obj.get("id")
    if categories is None and isinstance(ident, str) and "/" in ident:
        # Old .abs records (1990s astro-ph) have no Categories line: the archive is the category.
        categories = ident.split("/", 1)[0].split(".", 1)[0]
        warnings.append(f"no categories; primary category taken from the id: {categories!r}")
    raw = {
        "id": ident,
        "version": int(match.group(1)),
        "title": obj.get("title"),
        "abstract": obj.get("abstract"),
        "license": obj.get("license"),
        "categories": categories,
        "submitted_at": _submitted_at(obj, versions[0]),
        "authors": obj.get("authors"),
        "doi": doi,
        "journal_ref": obj.get("journal-ref"),
        "comments": obj.get("comments"),
        "version_created_at": _version_time(versions[-1]),
    }
    return parse_metadata(raw), tuple(warnings)


def _version_time(entry: dict[str, Any]) -> str | None:
    """The creation time of one ``versions`` entry (None when unreadable: it is optional)."""
    for key in ("created_iso", "created"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            moment = parse_version_date(value)
            if moment is not None:
                return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _dois(value: Any, warnings: list[str]) -> list[str] | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidMetadata("doi", f"expected a string or null, got {value!r}")
    # Several DOIs are separated by spaces, commas or semicolons ("10.1/a, 10.1/b;10.1/c").
    parts = re.split(r"\s+|[,;]+(?=\s*(?:doi:)?10\.)", value.strip(), flags=re.IGNORECASE)
    candidates = [
        re.sub(r"^doi:", "", part, flags=re.IGNORECASE).rstrip(",;") for part in parts if part
    ]
    dois = [c for c in candidates if _DOI.fullmatch(c)]
    if not dois:
        warnings.append(f"doi {value!r} is not a DOI; left out")
        return None
    if len(dois) < len(candidates):
        warnings.append(f"doi {value!r}: kept {dois!r}, the rest is not a DOI")
    return dois


def _submitted_at(obj: dict[str, Any], v1: dict[str, Any]) -> str:
    if v1.get("version") != "v1":
        raise InvalidMetadata("versions", f"the first version is {v1.get('version')!r}, not 'v1'")
    for key in ("created_iso", "created"):
        value = v1.get(key)
        if isinstance(value, str) and value.strip():
            moment = parse_version_date(value)
            if moment is not None:
                return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    fallback = obj.get("submitted_date")
    if isinstance(fallback, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fallback):
        return f"{fallback}T00:00:00Z"
    raise InvalidMetadata("versions", f"v1 creation time {v1.get('created')!r} cannot be read")


def parse_version_date(text: str) -> datetime | None:
    """A version's ``created`` text as an aware UTC datetime, or None when no known form matches."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except ValueError:
        pass
    try:
        dated = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    else:
        # RFC 2822 "-0000" means "UTC, offset unknown" and gives a naive datetime.
        return (dated if dated.tzinfo else dated.replace(tzinfo=UTC)).astimezone(UTC)
    slashed = _SLASHED.fullmatch(text)
    if slashed is None:
        return None
    day, month, yy, hour, minute, second, offset = slashed.groups()
    tz = UTC
    if offset:
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    try:
        local = datetime(
            1900 + int(yy) if int(yy) >= 50 else 2000 + int(yy),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return local.astimezone(UTC)
