"""Register papers: parse → canonicalise/hash → sign (outside any transaction) → ONE write.

:func:`prepare` and :func:`registration_rows` are the pure half, shared with bulk ingest
(:mod:`pith_graph.ingest.pipeline`), which batches many papers per transaction.

Idempotent: a version already registered with the same content returns its pith number and
writes nothing. A version registered with *other* metadata is refused (``BAD_INPUT``): a pith
number never changes. Both hold under concurrency: the paper writer merges on the database's
one-paper-per-version key, so of two racing requests the second finds the first's paper (the
same pith number for the same content, the "other metadata" refusal for other content).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from pith_graph.core.aliases import derived_aliases
from pith_graph.core.canonical import CanonicalBytes, Digest, canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidMetadata
from pith_graph.core.metadata import PaperMetadata, parse_metadata
from pith_graph.core.paper import AliasRow, PaperArrival, PaperProperties
from pith_graph.core.pith_number import pith_number_for
from pith_graph.core.receipts import format_receipt_time, issue_receipt
from pith_graph.core.record import CanonicalRecord, canonical_record
from pith_graph.core.signing import SigningKey
from pith_graph.service.broadcast import broadcaster, registration_message
from pith_graph.service.errors import BadInput
from pith_graph.store._run import unavailable_as_store_error
from pith_graph.store.log import registration_leaf_row
from pith_graph.store.paper_writer import (
    PaperConflict,
    PaperWrite,
    WriteStatus,
    registered_versions,
    write_papers,
)

__all__ = [
    "Prepared",
    "prepare",
    "register_paper",
    "register_papers",
    "registration_rows",
    "write_new_papers",
]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A paper with its canonical record hashed (cheap), before signing (the costly part)."""

    meta: PaperMetadata
    record: CanonicalRecord
    data: CanonicalBytes
    digest: Digest


def prepare(meta: PaperMetadata) -> Prepared:
    """Canonicalise and hash one paper (no signing yet: the caller first drops known papers)."""
    record = canonical_record(meta)
    data = canonical_bytes(record.to_json())
    return Prepared(meta, record, data, sha256_digest(data))


def registration_rows(
    papers: Sequence[Prepared], key: SigningKey, now: datetime
) -> list[dict[str, Any]]:
    """One paper-writer row per paper: its properties, signed receipt, aliases and
    transparency-log leaf (hashed here, so the transaction only runs Cypher)."""
    stamp = format_receipt_time(now)
    rows = []
    for prepared in papers:
        meta, record, digest = prepared.meta, prepared.record, prepared.digest
        pith = pith_number_for(digest, record.submitted_year)
        receipt = issue_receipt(key, digest, now)
        aliases = [AliasRow(a.kind.value, a.value) for a in derived_aliases(record, pith)]
        aliases += [AliasRow("doi", doi) for doi in (meta.doi, *meta.other_dois) if doi]
        arrival = PaperArrival(
            paper=PaperProperties.from_metadata(meta, record, digest, pith, prepared.data),
            receipt=receipt,
            aliases=tuple(aliases),
            now=stamp,
            log_leaf=registration_leaf_row(pith.full, receipt),
        )
        rows.append(arrival.to_row())
    return rows


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_all(raws: Sequence[Mapping[str, Any]]) -> list[Prepared]:
    prepared, problems = [], []
    for i, raw in enumerate(raws):
        try:
            prepared.append(prepare(parse_metadata(raw)))
        except InvalidMetadata as exc:
            problems.append(f"paper {i}: {exc}" if len(raws) > 1 else str(exc))
    if problems:
        raise BadInput("; ".join(problems))
    return prepared


def _known(
    driver: Driver, database: str, prepared: Sequence[Prepared]
) -> list[tuple[str, str] | None]:
    keys = [(p.meta.source_id, p.meta.version) for p in prepared]
    with unavailable_as_store_error():
        return registered_versions(driver, database, keys)


def write_new_papers(driver: Driver, database: str, rows: list[dict[str, Any]]) -> list[PaperWrite]:
    """Write paper rows in one transaction; a version stored with other content refuses the
    whole batch with ``BAD_INPUT`` (nothing written)."""
    try:
        with unavailable_as_store_error():
            return write_papers(driver, database, rows)
    except PaperConflict as exc:
        raise BadInput(str(exc)) from exc


def register_papers(
    driver: Driver,
    database: str,
    key: SigningKey,
    raws: Sequence[Mapping[str, Any]],
    clock: Callable[[], datetime] = _now,
) -> list[str]:
    """Register papers from raw metadata; returns their pith numbers in input order.

    Every input is parsed before anything is written: one malformed paper refuses the batch
    (:class:`BadInput` listing every problem).
    """
    prepared = _parse_all(raws)
    known = _known(driver, database, prepared)
    fresh: dict[tuple[str, int], Prepared] = {}
    for p, registered in zip(prepared, known, strict=True):
        version = (p.meta.source_id, p.meta.version)
        if registered is not None and registered[0] != p.digest.hex:
            raise BadInput(
                f"{version[0]}v{version[1]} is registered as {registered[1]} with other metadata"
            )
        if registered is None:
            other = fresh.setdefault(version, p)
            if other.digest != p.digest:
                raise BadInput(f"{version[0]}v{version[1]} appears twice with different metadata")
    # Sign outside the transaction (the driver may retry the transaction function).
    rows = registration_rows(list(fresh.values()), key, clock())
    written = write_new_papers(driver, database, rows)
    for row, outcome in zip(rows, written, strict=True):
        if outcome.status is WriteStatus.CREATED:  # live registrations for subscribers
            broadcaster.publish(
                registration_message(row["paper"]["pith_number"], row["paper"]["categories"])
            )
    piths = {row["canonical_sha256"]: w.pith_number for row, w in zip(rows, written, strict=True)}
    out = []
    for p, registered in zip(prepared, known, strict=True):
        out.append(registered[1] if registered is not None else piths[p.digest.hex])
    return out


def register_paper(
    driver: Driver,
    database: str,
    key: SigningKey,
    raw: Mapping[str, Any],
    clock: Callable[[], datetime] = _now,
) -> str:
    """Register one paper; returns its pith number (the existing one if already registered)."""
    return register_papers(driver, database, key, [raw], clock)[0]
