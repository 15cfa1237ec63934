"""Add claims to a paper: ``C1``, ``C2``, … in order, ``machine_extracted``, ``unclaimed``.

Adding a claim that the paper already has (same kind and text) is a no-op, so a retried request
does not duplicate claims; ids are numbered in the write transaction, so concurrent requests get
unique, gap-free ids (:mod:`pith_graph.store.claims`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from pith_graph.core.receipts import format_receipt_time
from pith_graph.service.errors import BadInput, NotFound
from pith_graph.store.claims import write_claims

__all__ = ["MAX_CLAIM_TEXT", "add_claims"]

MAX_CLAIM_TEXT = 4000
_KIND = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _now() -> datetime:
    return datetime.now(UTC)


def _validate(claims: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    out, problems = [], []
    for i, claim in enumerate(claims):
        kind, text = claim.get("kind"), claim.get("text")
        if not isinstance(kind, str) or not _KIND.fullmatch(kind):
            problems.append(f"claims[{i}].kind: expected a snake_case kind, got {kind!r}")
        elif not isinstance(text, str) or not text.strip() or len(text) > MAX_CLAIM_TEXT:
            problems.append(f"claims[{i}].text: expected 1..{MAX_CLAIM_TEXT} characters")
        else:
            out.append((kind, text.strip()))
    if problems:
        raise BadInput("; ".join(problems))
    return out


def add_claims(
    driver: Driver,
    database: str,
    pith: str,
    claims: Sequence[Mapping[str, Any]],
    clock: Callable[[], datetime] = _now,
) -> list[dict[str, Any]]:
    """Add claims to the paper ``pith``; returns all its claims afterwards, in order."""
    wanted = _validate(claims)
    stamp = format_receipt_time(clock())
    rows = [
        {
            "kind": kind,
            "text": text,
            "content_sha256": hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest(),
            "status": "machine_extracted",
            "attestation": "unclaimed",
            "created_at": stamp,
        }
        for kind, text in dict.fromkeys(wanted)
    ]
    stored = write_claims(driver, database, pith, rows)
    if stored is None:
        raise NotFound(f"no paper has the pith number {pith!r}")
    return stored
