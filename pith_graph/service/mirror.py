"""Follow another registry: verify its log, then import what its entries name through bundle import.

One sync (:func:`follow_once`):

1. the origin's note keys (``/log/vkeys``): trusted on first use, or only if they include the key
   given with ``--origin-key``; later, the published list is accepted when it still holds a key
   already trusted (a rotation lists the retired key beside the new one);
2. its checkpoint (``/log/checkpoint``) must verify with a trusted key and be consistent with the
   last checkpoint seen (RFC 6962 proof built from the origin's tiles); a smaller or inconsistent
   tree stops the sync before anything is imported and raises :class:`ForkDetected` with both
   checkpoints and the failed proof;
3. the tiles are authenticated against the checkpoint's root, then each new entry bundle against
   them; the pith numbers the entries name are fetched as signed bundles
   (``/pith/<body>/bundle.json``) and imported by :func:`pith_graph.service.bundles.import_bundle`
   (every signature verified against the origin's published keys, receipts kept as the origin
   signed them, nothing re-signed);
4. entry bundles are read a few at a time; the papers they name are fetched concurrently, once
   each however many entries name them, and imported many to a transaction (through the same
   writers); progress is saved as soon as an entry bundle's papers are all imported, so a killed
   sync resumes where it stopped; imports are idempotent, so redoing an import changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from neo4j import AsyncDriver

from pith_graph.core.canonical import canonical_bytes, sha256_digest
from pith_graph.core.events import format_event_time
from pith_graph.core.key_documents import announced_keys
from pith_graph.core.log import parse_entry_bundle
from pith_graph.core.merkle import (
    ENTRIES_LEVEL,
    TILE_WIDTH,
    InvalidProof,
    check_tiles,
    format_tile_path,
    leaf_hash,
    stored_consistency_proof,
    tile_node_reader,
    tiles_needed,
    verify_consistency,
)
from pith_graph.core.note import (
    ALG_ED25519,
    InvalidNote,
    NoteVerifier,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_vkey,
)
from pith_graph.core.signing import PublicKey
from pith_graph.core.trust import KeyStatus, TrustStore
from pith_graph.service import bundles
from pith_graph.service.errors import ServiceError
from pith_graph.store import log as log_store
from pith_graph.store import mirror as store

__all__ = [
    "ForkDetected",
    "MirrorError",
    "SyncReport",
    "content_hash",
    "follow_once",
    "follower_lock",
    "follower_lock_holder",
    "follower_lock_path",
    "run_follower",
]

log = logging.getLogger(__name__)

_HASH = 32
# A round of a sync reads this many entry bundles (256 entries each), fetches the bundles of
# the papers they name FETCHERS at a time, and writes IMPORT_BATCH papers per transaction.
ENTRY_BUNDLES_PER_ROUND = 4
FETCHERS = 8
IMPORT_BATCH = 64


class MirrorError(ServiceError):
    """A sync that cannot go on (origin unreachable, untrusted key); ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class ForkDetected(MirrorError):
    """The origin shows a history that does not extend the one seen before."""

    def __init__(self, message: str, evidence: dict[str, Any]) -> None:
        super().__init__("FORK_DETECTED", message)
        self.evidence = evidence


@dataclass
class SyncReport:
    url: str
    origin: str = ""
    size: int = 0
    entries: int = 0
    bundles_imported: int = 0
    papers_created: int = 0
    events_imported: int = 0
    in_step: int = 0  # papers named only by citations leaves the mirror already matched
    refused: list[str] = field(default_factory=list)


_sessions = threading.local()


def _get(url: str) -> requests.Response:
    # One keep-alive session per fetching thread (a session is not shared between threads).
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = requests.Session()
    return session.get(url, timeout=30)


async def _fetch(url: str) -> bytes:
    try:
        response = await asyncio.to_thread(_get, url)
    except requests.RequestException as exc:
        raise MirrorError("ORIGIN_UNREACHABLE", f"GET {url}: {exc}") from exc
    if response.status_code != 200:
        raise MirrorError("ORIGIN_REFUSED", f"GET {url}: {response.status_code} {response.text[:200]}")
    return response.content


def _trusted_keys(
    published: list[NoteVerifier],
    known: list[NoteVerifier],
    origin_key: PublicKey | None,
    key_list: list[Any],
) -> list[NoteVerifier]:
    if known:
        # A key not trusted yet is taken only when a trusted key announced it (a signed
        # rotation in the origin's key list): a server cannot slip in a key of its own.
        handed_over = announced_keys({k.public_key for k in known}, key_list)
        accepted = [p for p in published if p in known or p.public_key in handed_over]
        if not any(p in known for p in published) and not accepted:
            raise MirrorError("UNTRUSTED_KEYS", "the origin's published keys no longer include a trusted one")
        return list(dict.fromkeys([*known, *accepted]))
    if origin_key is not None:
        if all(p.public_key != origin_key.raw for p in published):
            raise MirrorError("UNTRUSTED_KEYS", "the origin does not publish the key given with --origin-key")
        handed_over = announced_keys({origin_key.raw}, key_list)
        return [p for p in published if p.public_key == origin_key.raw] + [
            p for p in published if p.public_key != origin_key.raw and p.public_key in handed_over
        ]
    return published  # trust on first use


async def _tiles(base: str, keys: set[tuple[int, int]], size: int) -> dict[tuple[int, int], bytes]:
    out = {}
    for level, index in sorted(keys):
        width = min(TILE_WIDTH, (size >> (8 * level)) - index * TILE_WIDTH)
        if width <= 0:
            continue
        out[(level, index)] = await _fetch(f"{base}/log/{format_tile_path(level, index, width)}")
    return out


async def follow_once(
    driver: AsyncDriver,
    database: str,
    url: str,
    trust_store: TrustStore,
    *,
    origin_key: PublicKey | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """One sync of the registry at ``url`` (see the module docstring)."""
    base = url.rstrip("/")
    report = SyncReport(base)
    state = await store.mirror_origin(driver, database, base)
    published = [
        v
        for v in (parse_vkey(line) for line in (await _fetch(f"{base}/log/vkeys")).decode().split())
        if v.algorithm == ALG_ED25519
    ]
    known = [parse_vkey(v) for v in (state or {}).get("vkeys") or []]
    key_document = json.loads(await _fetch(f"{base}/.well-known/pith/keys.json"))
    key_list = [e for e in key_document.get("keys") or [key_document] if isinstance(e, dict)]
    trusted = _trusted_keys(published, known, origin_key, key_list)
    note = (await _fetch(f"{base}/log/checkpoint")).decode("utf-8", "replace")
    try:
        text, _ = open_note(note, trusted)
        checkpoint = parse_checkpoint(text)
    except InvalidNote as exc:
        raise MirrorError("UNTRUSTED_CHECKPOINT", f"the origin's checkpoint: {exc}") from exc
    report.origin, report.size = checkpoint.origin, checkpoint.size

    # 1. the new checkpoint extends the last one seen, or nothing is imported
    next_index = 0
    if state is not None and state.get("checkpoint"):
        old = parse_checkpoint(parse_note(state["checkpoint"])[0])
        next_index = int(state.get("next_index") or 0)
        evidence = {"previous_checkpoint": state["checkpoint"], "checkpoint": note}
        if old.origin != checkpoint.origin or checkpoint.size < old.size:
            raise ForkDetected(f"the origin now shows size {checkpoint.size} of {checkpoint.origin}, after {old.size} of {old.origin}", evidence)
        if old.size:
            def compute(node: Any) -> list[bytes]:
                return stored_consistency_proof(old.size, checkpoint.size, node) if old.size < checkpoint.size else []

            proof_tiles = await _tiles(base, tiles_needed(compute), checkpoint.size)
            proof = compute(tile_node_reader(proof_tiles))
            try:
                verify_consistency(old.size, checkpoint.size, proof, old.root_hash, checkpoint.root_hash)
            except InvalidProof as exc:
                evidence["consistency_proof"] = [h.hex() for h in proof]
                evidence["failure"] = str(exc)
                raise ForkDetected(f"the origin's history was rewritten: {exc}", evidence) from exc
    # 2. authenticate the tiles above the entries against the root
    size = checkpoint.size
    upper: set[tuple[int, int]] = set()
    level = 1
    while size >> (8 * level):
        upper |= {(level, i) for i in range(((size >> (8 * level)) + TILE_WIDTH - 1) // TILE_WIDTH)}
        level += 1
    if size % TILE_WIDTH:
        upper.add((0, size // TILE_WIDTH))
    tiles = await _tiles(base, upper, size)
    try:
        check_tiles(size, tiles, checkpoint.root_hash)
    except InvalidProof as exc:
        raise MirrorError("BAD_TILES", f"the origin's tiles do not match its checkpoint: {exc}") from exc
    saved = {
        "url": base, "origin": checkpoint.origin, "vkeys": [v.vkey for v in trusted],
        "size": int((state or {}).get("size") or 0), "checkpoint": (state or {}).get("checkpoint"),
    }  # fmt: skip
    # 3. entries, a group of entry bundles at a time: the papers they name fetched
    # concurrently (once each, whatever the number of entries naming them), imported
    # IMPORT_BATCH to a transaction; progress saved as soon as an entry bundle is covered
    trust = _origin_trust(key_list, {v.public_key for v in trusted}, trust_store)
    last = (size + TILE_WIDTH - 1) // TILE_WIDTH
    for first in range(next_index // TILE_WIDTH, last, ENTRY_BUNDLES_PER_ROUND):
        indices = range(first, min(first + ENTRY_BUNDLES_PER_ROUND, last))
        datas = await asyncio.gather(*(
            _fetch(f"{base}/log/{format_tile_path(ENTRIES_LEVEL, i, min(TILE_WIDTH, size - i * TILE_WIDTH))}")
            for i in indices
        ))  # fmt: skip
        subjects: dict[str, int] = {}  # pith number -> the first entry bundle naming it
        cited: dict[str, list[dict[str, Any]]] = {}  # its citations leaves
        fetch: set[str] = set()  # named by another leaf: always fetched
        ends: dict[int, int] = {}
        for index, data in zip(indices, datas, strict=True):
            width = min(TILE_WIDTH, size - index * TILE_WIDTH)
            entries = parse_entry_bundle(data)
            if len(entries) != width:
                raise MirrorError("BAD_TILES", f"entry bundle {index} holds {len(entries)} entries, not {width}")
            level0 = b"".join(leaf_hash(e) for e in entries)
            try:
                check_tiles(size, {**tiles, (0, index): level0}, checkpoint.root_hash)
            except InvalidProof as exc:
                raise MirrorError("BAD_TILES", f"entry bundle {index} is not the log's: {exc}") from exc
            skip = max(0, next_index - index * TILE_WIDTH)
            for e in entries[skip:]:
                leaf = json.loads(e)
                subjects.setdefault(leaf["pith_number"], index)
                if leaf.get("leaf_type") == "citations":
                    cited.setdefault(leaf["pith_number"], []).append(leaf)
                else:
                    fetch.add(leaf["pith_number"])
            report.entries += width - skip
            ends[index] = index * TILE_WIDTH + width
        # A paper named only by citations leaves whose list this mirror already holds (its own
        # log's latest citations leaf of the paper is the same leaf) is in step: not refetched.
        only_cited = [p for p in cited if p not in fetch]
        if only_cited:
            ours = await log_store.latest_entries(driver, database, only_cited, "citations")
            for pith, entry in zip(only_cited, ours, strict=True):
                if entry is not None and all(leaf == entry["leaf"] for leaf in cited[pith]):
                    del subjects[pith]
                    report.in_step += 1
        names = list(subjects)
        documents = await _fetch_bundles(base, names)
        done = first
        for start in range(0, len(names), IMPORT_BATCH):
            chunk = names[start : start + IMPORT_BATCH]
            await _import(driver, database, base, chunk, documents, trust, report)
            # every entry bundle before the next chunk's first one is covered
            covered = subjects[names[start + IMPORT_BATCH]] if start + IMPORT_BATCH < len(names) else indices[-1] + 1
            if covered > done:
                done = covered
                next_index = ends[covered - 1]
                await store.save_mirror_origin(
                    driver, database, **saved, next_index=next_index, now=format_event_time(datetime.now(UTC))
                )
                if progress is not None:
                    progress(next_index, size)
        if not names:
            next_index = ends[indices[-1]]
            await store.save_mirror_origin(
                driver, database, **saved, next_index=next_index, now=format_event_time(datetime.now(UTC))
            )
    await store.save_mirror_origin(
        driver, database, **{**saved, "size": size, "checkpoint": note},
        next_index=max(next_index, size), now=format_event_time(datetime.now(UTC)),
    )  # fmt: skip
    return report


def _origin_trust(key_list: list[Any], trusted: set[bytes], trust_store: TrustStore) -> TrustStore:
    """Our trust store plus the origin's own current and retired keys (as external keys) that
    its trusted log keys are: receipts must be signed by a key the mirror follows the log with."""
    for entry in key_list:
        if entry.get("status", "current") in ("current", "retired"):
            key = PublicKey(str(entry["key_id"]), bytes.fromhex(entry["public_key_hex"]))
            if key.raw in trusted and key.key_id not in trust_store:
                trust_store = trust_store.with_key(key, KeyStatus.EXTERNAL)
    return trust_store


async def _fetch_bundles(base: str, pith_numbers: list[str]) -> dict[str, bytes]:
    """The signed bundles of ``pith_numbers``, FETCHERS requests at a time."""
    gate = asyncio.Semaphore(FETCHERS)

    async def one(pith: str) -> bytes:
        async with gate:
            return await _fetch(f"{base}/pith/{pith.rsplit(':', 1)[-1]}/bundle.json")

    return dict(zip(pith_numbers, await asyncio.gather(*(one(p) for p in pith_numbers)), strict=True))


async def _import(
    driver: AsyncDriver,
    database: str,
    base: str,
    pith_numbers: list[str],
    documents: dict[str, bytes],
    trust: TrustStore,
    report: SyncReport,
) -> None:
    """Import the bundles of ``pith_numbers`` with one write; a bundle that does not verify is
    refused (listed in the report) and the others go on."""
    parsed: list[Any] = []
    for pith in pith_numbers:
        try:
            parsed.append(json.loads(documents[pith]))
        except ValueError as exc:
            report.refused.append(f"{pith}: the bundle is not JSON: {exc}")
    outcomes = await bundles.import_bundles(
        driver, database, parsed, trust, datetime.now(UTC), mirrored_from=base
    )
    for document, outcome in zip(parsed, outcomes, strict=True):
        if isinstance(outcome, Exception):
            named = document.get("pith_number") if isinstance(document, dict) else None
            report.refused.append(f"{named}: {outcome}")
            continue
        report.bundles_imported += 1
        report.papers_created += int(bool(outcome.paper_created))
        report.events_imported += len(outcome.imported)


def follower_lock_path(data_dir: Path) -> Path:
    """The lock file that makes one follower per data directory (``serve`` or the CLI)."""
    return Path(data_dir) / "mirror" / "follower.lock"


def follower_lock_holder(data_dir: Path) -> int | None:
    """The pid the lock's holder wrote, if it can be read (for messages only)."""
    try:
        return int(follower_lock_path(data_dir).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def follower_lock(data_dir: Path) -> Iterator[bool]:
    """Hold ``$PITH_DATA_DIR/mirror/follower.lock`` (an ``flock``) if no other process (or
    open file) holds it: yields whether this one does. The kernel drops the lock with its
    holder, however that ends, so a waiting worker takes over from a killed one."""
    path = follower_lock_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield True
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


async def run_follower(
    driver: AsyncDriver,
    database: str,
    url: str,
    trust_store: Callable[[], TrustStore],
    interval: float,
    stop: asyncio.Event,
    *,
    origin_key: PublicKey | None = None,
    data_dir: Path | None = None,
) -> None:
    """``serve``'s background mirror (``PITH_MIRROR_ORIGIN``): one sync every ``interval``
    seconds until ``stop``. A failed sync is logged and retried; a rewritten history stops the
    follower (the evidence is logged): nothing is imported from a fork, and no retry will change that.

    With ``data_dir``, only the process holding its :func:`follower_lock` follows (``serve
    --workers N`` starts N of these); the others retry the lock every ``interval``."""
    if data_dir is None:
        await _follow(driver, database, url, trust_store, interval, stop, origin_key)
        return
    waiting = False
    while not stop.is_set():
        with follower_lock(data_dir) as held:
            if held:
                log.info("mirror of %s: followed by this process (pid %d)", url, os.getpid())
                await _follow(driver, database, url, trust_store, interval, stop, origin_key)
                return
        if not waiting:
            log.info("mirror of %s: another process follows; pid %d waits", url, os.getpid())
            waiting = True
        await _pause(stop, interval)


async def _follow(
    driver: AsyncDriver,
    database: str,
    url: str,
    trust_store: Callable[[], TrustStore],
    interval: float,
    stop: asyncio.Event,
    origin_key: PublicKey | None,
) -> None:
    while not stop.is_set():
        try:
            report = await follow_once(driver, database, url, trust_store(), origin_key=origin_key)
        except ForkDetected as exc:
            log.error("mirror of %s STOPPED: %s; evidence: %s", url, exc, json.dumps(exc.evidence))
            return
        except MirrorError as exc:
            log.warning("mirror of %s: %s: %s", url, exc.code, exc)
        except Exception:  # the store unavailable, a network error: the next round retries
            log.exception("mirror of %s: sync failed", url)
        else:
            if report.entries:
                log.info(
                    "mirror of %s: synced size %d, %d entries, %d new papers, %d refused",
                    url, report.size, report.entries, report.papers_created, len(report.refused),
                )  # fmt: skip
        await _pause(stop, interval)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Wait ``seconds``, or less if ``stop`` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def content_hash(driver: AsyncDriver, database: str) -> dict[str, str]:
    """SHA-256 (hex) of the canonical JSON of the graph's papers, aliases, citations and
    events, each and all together: equal on a mirror and its origin once in step."""
    content = await store.graph_content(driver, database)
    out = {kind: sha256_digest(canonical_bytes(rows)).hex for kind, rows in content.items()}
    out["all"] = sha256_digest(canonical_bytes(out)).hex
    return out
