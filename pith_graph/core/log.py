"""The transparency log's leaves, signed tree heads and proof documents (pure).

Every receipt and every accepted event becomes one leaf of an RFC 6962 Merkle tree
(:mod:`pith_graph.core.merkle`). A leaf's bytes are canonical JSON (REFERENCE.md "Canonical
bytes") of::

    receipt leaf: {"canonical_sha256", "key_id", "leaf_type": "receipt", "pith_number", "signature_b64"}
    event leaf:   {"event_id", "leaf_type": "event", "pith_number"}
    citations leaf: {"citations_sha256", "leaf_type": "citations", "pith_number"}

A citations leaf records that a paper's outgoing citations changed after its receipt (or an
earlier citations leaf): ``citations_sha256`` is the SHA-256 of the canonical bytes of the new
list, in the form a bundle's graph snapshot lists them (:func:`snapshot_citations`). A mirror
following the log refetches the paper's bundle when it meets one.

A signed tree head (STH) is ``{"tree_head": {"log_id", "root_hash", "timestamp", "tree_size"},
"key_id", "public_key_fingerprint", "signature_b64"}``: Ed25519 over the raw SHA-256 of the
canonical bytes of ``tree_head``. The proof documents that ``pith-graph log verify`` checks are
described in ``schema/log.md``.

The same leaves are published in the C2SP formats: a leaf's canonical bytes are its log entry
(entry bundles: big-endian uint16 length-prefixed entries), the tree is stored as tiles
(:mod:`pith_graph.core.merkle`) and each integrated size gets a checkpoint, a signed note
(:mod:`pith_graph.core.note`) whose key name is the log's origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pith_graph.core.canonical import CanonicalBytes, canonical_bytes, sha256_digest
from pith_graph.core.errors import InvalidReceipt
from pith_graph.core.events import SignedEvent, format_event_time
from pith_graph.core.merkle import (
    ENTRIES_LEVEL,
    TILE_WIDTH,
    InvalidProof,
    edge_tiles,
    extend_tiles,
    leaf_hash,
    stored_root,
    tile_node_reader,
    verify_consistency,
    verify_inclusion,
)
from pith_graph.core.note import (
    ALG_COSIGNATURE_V1,
    Checkpoint,
    InvalidNote,
    NoteVerifier,
    format_checkpoint,
    open_note,
    parse_checkpoint,
    parse_note,
    sign_note,
)
from pith_graph.core.receipts import Receipt
from pith_graph.core.signing import PublicKey, SigningKey, sign_digest, verify_digest_signature

__all__ = [
    "LOG_ID",
    "checkpoint_note",
    "citations_leaf",
    "entry_bundle",
    "event_leaf",
    "integrate_entries",
    "integration_edge",
    "leaf_hash_hex",
    "parse_entry_bundle",
    "receipt_leaf",
    "sign_tree_head",
    "snapshot_citations",
    "verify_cosigned_checkpoint",
    "verify_proof_document",
    "verify_tree_head",
]

LOG_ID = "pith-graph-log-v1"


def receipt_leaf(pith_number: str, receipt: Receipt) -> dict[str, str]:
    """The leaf object of a registration receipt."""
    return {
        "leaf_type": "receipt",
        "pith_number": pith_number,
        "canonical_sha256": receipt.canonical_sha256,
        "key_id": receipt.key_id,
        "signature_b64": receipt.signature_b64,
    }


def event_leaf(event: SignedEvent) -> dict[str, str]:
    """The leaf object of an accepted event."""
    return {"leaf_type": "event", "pith_number": event.subject, "event_id": event.event_id}


def snapshot_citations(citations: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A paper's outgoing citations in their canonical order and form (``kind``, ``target``,
    ``position``, ``raw``): by position (none last), then kind and target."""
    cited = ({k: c.get(k) for k in ("kind", "target", "position", "raw")} for c in citations)
    return sorted(
        (c for c in cited if c["target"] is not None),
        key=lambda c: (c["position"] is None, c["position"] or 0, c["kind"], c["target"]),
    )


def citations_leaf(pith_number: str, citations: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The leaf object recording that ``pith_number`` now cites ``citations`` (any order)."""
    return {
        "leaf_type": "citations",
        "pith_number": pith_number,
        "citations_sha256": sha256_digest(canonical_bytes(snapshot_citations(citations))).hex,
    }


def leaf_hash_hex(leaf: Mapping[str, Any]) -> str:
    """RFC 6962 leaf hash of a leaf object's canonical bytes, hex."""
    data: CanonicalBytes = canonical_bytes(leaf)
    return leaf_hash(data).hex()


def sign_tree_head(key: SigningKey, tree_size: int, root: bytes, now: datetime) -> dict[str, Any]:
    """A signed tree head document for ``(tree_size, root)`` at ``now``."""
    head = {
        "log_id": LOG_ID,
        "tree_size": tree_size,
        "root_hash": root.hex(),
        "timestamp": format_event_time(now),
    }
    return {
        "tree_head": head,
        "key_id": key.key_id,
        "public_key_fingerprint": key.public_key.fingerprint,
        "signature_b64": sign_digest(key, sha256_digest(canonical_bytes(head))),
    }


def verify_tree_head(document: Any, public_key: PublicKey) -> tuple[int, bytes]:
    """Check an STH's signature with ``public_key``; return ``(tree_size, root)``.

    Raises :class:`InvalidProof` for a malformed head or a signature that does not verify.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("tree_head"), Mapping):
        raise InvalidProof(
            "a signed tree head is {tree_head, key_id, public_key_fingerprint, signature_b64}"
        )
    head = document["tree_head"]
    size, root_hex = head.get("tree_size"), head.get("root_hash")
    if head.get("log_id") != LOG_ID or not isinstance(size, int) or size < 0:
        raise InvalidProof(f"tree head {dict(head)!r} is not a {LOG_ID} head")
    try:
        root = bytes.fromhex(root_hex) if isinstance(root_hex, str) else b""
    except ValueError:
        root = b""
    if len(root) != 32:
        raise InvalidProof(f"tree head root_hash {root_hex!r} is not 64 hex characters")
    if document.get("public_key_fingerprint") != public_key.fingerprint:
        raise InvalidProof(
            f"tree head is signed by key fingerprint {document.get('public_key_fingerprint')!r}, "
            f"not by the given key ({public_key.fingerprint})"
        )
    try:
        verify_digest_signature(
            public_key,
            sha256_digest(canonical_bytes(dict(head))),
            str(document.get("signature_b64")),
        )
    except InvalidReceipt as exc:
        raise InvalidProof(f"tree head signature: {exc}") from exc
    return size, root


def _hashes(values: Any, field: str) -> list[bytes]:
    if not isinstance(values, list):
        raise InvalidProof(f"{field} must be a list of hex hashes")
    out = []
    for value in values:
        try:
            raw = bytes.fromhex(value) if isinstance(value, str) else b""
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise InvalidProof(f"{field} holds {value!r}, not a 64-hex hash")
        out.append(raw)
    return out


def verify_proof_document(document: Any, public_key: PublicKey) -> str:
    """Verify an inclusion or consistency proof document offline; return a one-line summary.

    1. every signed tree head in it verifies with ``public_key``;
    2. inclusion: the leaf (if given) hashes to ``leaf_hash``, and the audit path leads from
       ``leaf_hash`` at ``leaf_index`` to the signed root of ``tree_size`` (RFC 9162 2.1.3.2);
    3. consistency: the path proves the first signed root is a prefix of the second (2.1.4.2).
    Raises :class:`InvalidProof` on the first failure.
    """
    if not isinstance(document, Mapping):
        raise InvalidProof("a proof document is a JSON object")
    kind = document.get("proof_type")
    if kind == "inclusion":
        size, root = verify_tree_head(document.get("signed_tree_head"), public_key)
        index = document.get("leaf_index")
        if not isinstance(index, int) or document.get("tree_size") != size:
            raise InvalidProof(
                "leaf_index must be an integer and tree_size that of the signed head"
            )
        leaf_hex = document.get("leaf_hash")
        if document.get("leaf") is not None and leaf_hash_hex(document["leaf"]) != leaf_hex:
            raise InvalidProof("leaf does not hash to leaf_hash")
        (leaf,) = _hashes([leaf_hex], "leaf_hash")
        verify_inclusion(leaf, index, size, _hashes(document.get("audit_path"), "audit_path"), root)
        return f"inclusion of leaf {index} in tree size {size} (root {root.hex()}) verified"
    if kind == "consistency":
        first_size, first_root = verify_tree_head(document.get("first_tree_head"), public_key)
        second_size, second_root = verify_tree_head(document.get("second_tree_head"), public_key)
        path = _hashes(document.get("consistency_path"), "consistency_path")
        verify_consistency(first_size, second_size, path, first_root, second_root)
        return f"tree size {second_size} is consistent with tree size {first_size}: verified"
    raise InvalidProof(f"proof_type must be 'inclusion' or 'consistency', got {kind!r}")


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """A tlog-tiles entry bundle: each entry prefixed by its big-endian uint16 length."""
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise InvalidProof(f"a log entry of {len(entry)} bytes does not fit an entry bundle")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def parse_entry_bundle(data: bytes) -> list[bytes]:
    """The entries of an entry bundle; :class:`InvalidProof` if it is truncated."""
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise InvalidProof("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[offset : offset + 2], "big")
        if offset + 2 + length > len(data):
            raise InvalidProof("entry bundle ends inside an entry")
        entries.append(bytes(data[offset + 2 : offset + 2 + length]))
        offset += 2 + length
    return entries


def integration_edge(size: int) -> list[tuple[int, int]]:
    """The stored tiles an integration onto a tree of ``size`` reads: the partial hash tiles and
    the partial entry bundle of the right edge."""
    keys = [(level, index) for level, index, _ in edge_tiles(size)]
    if size % TILE_WIDTH:
        keys.append((ENTRIES_LEVEL, size // TILE_WIDTH))
    return keys


def integrate_entries(
    old_size: int, entries: Sequence[bytes], edge: Mapping[tuple[int, int], bytes]
) -> tuple[dict[tuple[int, int], bytes], bytes]:
    """Append ``entries`` to a tree of ``old_size`` whose edge tiles are ``edge``.

    Returns the changed tiles (hash tiles and entry bundles, keyed ``(level, index)``) and the
    new root. Every leaf hash is recomputed from the entry bytes, so tiles and bundles agree.
    """
    hashes = [leaf_hash(entry) for entry in entries]
    tiles = extend_tiles(old_size, hashes, edge)
    bundles: dict[tuple[int, int], bytes] = {}
    position = old_size
    pending = bytearray(edge.get((ENTRIES_LEVEL, old_size // TILE_WIDTH), b"") if old_size % TILE_WIDTH else b"")
    for entry in entries:
        pending += entry_bundle([entry])
        position += 1
        if position % TILE_WIDTH == 0:
            bundles[(ENTRIES_LEVEL, position // TILE_WIDTH - 1)] = bytes(pending)
            pending = bytearray()
    if pending:
        bundles[(ENTRIES_LEVEL, position // TILE_WIDTH)] = bytes(pending)
    size = old_size + len(entries)
    root = stored_root(size, tile_node_reader({**edge, **tiles}))
    return {**tiles, **bundles}, root


def checkpoint_note(origin: str, size: int, root: bytes, key: SigningKey) -> str:
    """The checkpoint of ``(size, root)`` as a signed note, key name = origin."""
    return sign_note(format_checkpoint(origin, size, root), origin, key)


def verify_cosigned_checkpoint(
    note: str, log_key: PublicKey, witnesses: Sequence[NoteVerifier] = (), min_witnesses: int = 0
) -> tuple[Checkpoint, list[str]]:
    """Check a checkpoint note: signed by ``log_key`` (key name = its origin) and cosigned by at
    least ``min_witnesses`` of ``witnesses`` (cosignature/v1). Return it and the witnesses' names.

    Raises :class:`InvalidProof` on any failure.
    """
    try:
        text, _ = parse_note(note)
        origin = text.split("\n", 1)[0]
        log_verifier = NoteVerifier.for_key(origin, log_key)
        text, verified = open_note(note, [log_verifier, *witnesses])
        checkpoint = parse_checkpoint(text)
    except InvalidNote as exc:
        raise InvalidProof(f"checkpoint: {exc}") from exc
    if all(v != log_verifier for v, _ in verified):
        raise InvalidProof("the checkpoint is not signed by the log's key")
    cosigners = sorted(
        {v.name for v, _ in verified if v.algorithm == ALG_COSIGNATURE_V1 and v in witnesses}
    )
    if len(cosigners) < min_witnesses:
        raise InvalidProof(
            f"{len(cosigners)} of the given witnesses cosigned the checkpoint "
            f"({', '.join(cosigners) or 'none'}); {min_witnesses} required"
        )
    return checkpoint, cosigners
