"""Timestamp-anchor proofs: does the proof an anchor carries commit to the record's hash? (pure)

An anchor (``timestamp_anchor`` event) names the record's ``canonical_sha256`` and carries a proof.
For ``method: "opentimestamps"`` the proof is an OpenTimestamps *detached timestamp file*
(``ots stamp`` of the canonical record's bytes), parsed with the ``opentimestamps`` library:

1. it parses completely (magic, version, operations, attestations; nothing after the end);
2. its file hash operation is SHA-256 and its file digest is the anchored ``canonical_sha256``;
3. it holds at least one attestation (a calendar's pending one, or a Bitcoin block header's).

Such a proof is ``verified``: offline, it commits to the record's hash. Whether the Bitcoin
block really holds the commitment needs a Bitcoin node and is not checked here. Anything else
(``rfc3161``, which we do not parse, junk, another digest) is ``unverified``, with the reason.
"""

from __future__ import annotations

import base64
import binascii
import enum
from dataclasses import dataclass

from opentimestamps.core.notary import BitcoinBlockHeaderAttestation, PendingAttestation
from opentimestamps.core.op import OpSHA256
from opentimestamps.core.serialize import BytesDeserializationContext, DeserializationError
from opentimestamps.core.timestamp import DetachedTimestampFile

__all__ = ["AnchorProof", "ProofStatus", "check_anchor_proof"]


class ProofStatus(enum.StrEnum):
    VERIFIED = "verified"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class AnchorProof:
    """The outcome of :func:`check_anchor_proof`: a status, why, and the proof's attestations
    (``pending:<calendar URL>``, ``bitcoin:<block height>``, or the attestation's kind)."""

    status: ProofStatus
    detail: str
    attestations: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "detail": self.detail,
            "attestations": list(self.attestations),
        }


def _unverified(detail: str) -> AnchorProof:
    return AnchorProof(ProofStatus.UNVERIFIED, detail)


def _attestation(attestation: object) -> str:
    if isinstance(attestation, PendingAttestation):
        return f"pending:{attestation.uri}"
    if isinstance(attestation, BitcoinBlockHeaderAttestation):
        return f"bitcoin:{attestation.height}"
    return type(attestation).__name__


def check_anchor_proof(method: str, proof_b64: str, anchored_sha256: str) -> AnchorProof:
    """Check an anchor's proof against the hex digest it anchors (see the module docstring)."""
    if method != "opentimestamps":
        return _unverified(f"{method} proofs are not checked")
    try:
        raw = base64.b64decode(proof_b64, validate=True)
        digest = bytes.fromhex(anchored_sha256)
    except (binascii.Error, ValueError) as exc:
        return _unverified(f"not base64 / hex: {exc}")
    # 1. parse, all of it
    try:
        context = BytesDeserializationContext(raw)
        proof = DetachedTimestampFile.deserialize(context)
        context.assert_eof()
    except (DeserializationError, ValueError, TypeError, IndexError) as exc:
        return _unverified(f"not an OpenTimestamps proof: {type(exc).__name__}: {exc}")
    # 2. what it commits to
    if not isinstance(proof.file_hash_op, OpSHA256):
        return _unverified(f"the proof hashes its file with {proof.file_hash_op}, not sha256")
    if proof.file_digest != digest:
        return _unverified(
            f"the proof commits to {proof.file_digest.hex()}, not to {anchored_sha256}"
        )
    # 3. attested by someone
    attestations = tuple(
        sorted({_attestation(a) for _, a in proof.timestamp.all_attestations()})
    )
    if not attestations:
        return _unverified("the proof holds no attestation")
    return AnchorProof(
        ProofStatus.VERIFIED,
        "parses and commits to the record's canonical sha256 (Bitcoin inclusion not checked)",
        attestations,
    )
