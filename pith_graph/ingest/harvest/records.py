"""OAI-PMH records of arXiv, parsed into the arXiv metadata snapshot's objects (pure).

Both arXiv metadata formats are turned into the object a line of the Kaggle
``arxiv-metadata-oai-snapshot`` holds (``id, submitter, authors, title, comments, journal-ref,
doi, report-no, categories, license, abstract, versions[{version, created}]``) and then parsed by
the ingest's own :func:`~pith_graph.ingest.formats.arxiv_metadata.parse_arxiv_metadata_object`:
a harvested record and the same record in a snapshot file give the same paper, hence the same
pith number. (The snapshot is itself a dump of ``arXivRaw``.)

- ``arXivRaw`` carries every version with its RFC 2822 date (``<version version="v2"><date>Tue,
  24 Jul 2007 20:10:27 GMT</date>…``): the record is the latest version, ``submitted_at`` the v1
  time to the second.
- ``arXiv`` carries only ``created`` (the v1 day) and ``updated`` (the latest version's day), no
  version number and no time of day. A record without ``updated`` was never revised, so it is
  version 1, registered with ``submitted_at`` = ``created`` at ``T00:00:00Z`` (the reference's
  rule for a v1 time that is not known). A record with ``updated`` is some later version whose
  number the format does not say: it is skipped with that reason, never guessed. Because the day
  alone gives v1 another canonical record than ``arXivRaw``'s time to the second, ``arXivRaw`` is
  the default and the format to prefer; a registry that mixed the two keeps the first number (a
  pith number is never withdrawn) and reports the other as "registered with other metadata".

Namespaces are matched by local name only: some recorded responses lost theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from pith_graph.core.errors import InvalidMetadata
from pith_graph.ingest.formats._items import BadLine, Item, PaperLine, SkippedLine
from pith_graph.ingest.formats.arxiv_metadata import parse_arxiv_metadata_object

__all__ = [
    "METADATA_PREFIXES",
    "UNVERSIONED_REVISION",
    "OaiRecord",
    "page_records",
    "parse_record",
    "snapshot_object",
]

METADATA_PREFIXES = ("arXivRaw", "arXiv")
UNVERSIONED_REVISION = "revised paper in the arXiv format, which names no version (harvest arXivRaw)"

# Snapshot fields copied as they are, by element name.
_TEXT_FIELDS = (
    "id",
    "submitter",
    "title",
    "comments",
    "journal-ref",
    "doi",
    "report-no",
    "categories",
    "license",
    "abstract",
)


@dataclass(frozen=True, slots=True)
class OaiRecord:
    """One ``<record>`` of a page: its header, and its metadata element (None when deleted)."""

    identifier: str
    datestamp: str
    deleted: bool
    metadata: Any  # the element inside <metadata>, or None


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any | None:
    for child in element:
        if _local(child) == name:
            return child
    return None


def _text(element: Any | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext())
    return text if text.strip() else None


def page_records(page: Any) -> Iterator[OaiRecord]:
    """The records of one ``ListRecords``/``GetRecord`` response (its parsed root element)."""
    for record in page.iter():
        if _local(record) != "record":
            continue
        header = _child(record, "header")
        if header is None:
            continue
        metadata = _child(record, "metadata")
        inner = None
        if metadata is not None:
            inner = next((c for c in metadata if isinstance(c.tag, str)), None)
        yield OaiRecord(
            identifier=(_text(_child(header, "identifier")) or "").strip(),
            datestamp=(_text(_child(header, "datestamp")) or "").strip(),
            deleted=header.get("status") == "deleted",
            metadata=inner,
        )


def _arxiv_raw_versions(element: Any) -> list[dict[str, Any]]:
    versions = []
    for child in element:
        if _local(child) == "version":
            versions.append(
                {"version": child.get("version"), "created": _text(_child(child, "date"))}
            )
    return versions


def _arxiv_authors(element: Any | None) -> str | None:
    """``<authors><author><keyname/><forenames/><suffix/></author>…`` as ``"A. B, C. D"``."""
    if element is None:
        return None
    names = []
    for author in element:
        if _local(author) != "author":
            continue
        parts = [_text(_child(author, f)) for f in ("forenames", "keyname", "suffix")]
        name = " ".join(" ".join(p.split()) for p in parts if p)
        if name:
            names.append(name)
    return ", ".join(names) or None


def snapshot_object(metadata: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The snapshot object of an ``arXivRaw`` or ``arXiv`` metadata element.

    Returns ``(object, None)``, or ``(None, reason)`` when the record names no version this
    registry can know (an ``arXiv`` record with ``updated``).
    """
    fmt = _local(metadata)
    obj: dict[str, Any] = {name: _text(_child(metadata, name)) for name in _TEXT_FIELDS}
    if fmt == "arXivRaw":
        obj["authors"] = _text(_child(metadata, "authors"))
        obj["versions"] = _arxiv_raw_versions(metadata)
        return obj, None
    if fmt == "arXiv":
        obj["authors"] = _arxiv_authors(_child(metadata, "authors"))
        created = (_text(_child(metadata, "created")) or "").strip()
        updated = (_text(_child(metadata, "updated")) or "").strip()
        if updated:
            return None, UNVERSIONED_REVISION
        obj["versions"] = [{"version": "v1", "created_iso": f"{created}T00:00:00+00:00"}]
        if len(created) == 10:
            obj["submitted_date"] = created
        return obj, None
    raise InvalidMetadata("<metadata>", f"unknown metadata format <{fmt}> (expected arXivRaw or arXiv)")


def parse_record(record: OaiRecord, seq: int) -> Item | None:
    """One record as the ingest's item (``seq`` numbers it within the run); None when deleted.

    A record that cannot be read is a :class:`BadLine` (reported as malformed, skipped).
    """
    if record.deleted:
        return None
    if record.metadata is None:
        return BadLine(seq, "a record with no metadata that is not marked deleted")
    try:
        obj, reason = snapshot_object(record.metadata)
        if obj is None:
            return SkippedLine(seq, reason or "")
        paper, warnings = parse_arxiv_metadata_object(obj)
    except InvalidMetadata as exc:
        return BadLine(seq, str(exc))
    return PaperLine(seq, paper, warnings)
