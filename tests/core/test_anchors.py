"""OpenTimestamps proofs: verified only when they parse and commit to the anchored hash."""

from __future__ import annotations

import base64
import hashlib

from events_support import ots_proof
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.anchors import ProofStatus, check_anchor_proof

DIGEST = hashlib.sha256(b"canonical record bytes").hexdigest()
MAGIC = b"\x00OpenTimestamps\x00\x00Proof\x00\xbf\x89\xe2\xe8\x84\xe8\x92\x94"


def test_a_proof_committing_to_the_hash_is_verified() -> None:
    proof = check_anchor_proof("opentimestamps", ots_proof(DIGEST), DIGEST)
    assert proof.status is ProofStatus.VERIFIED
    assert proof.attestations == ("pending:https://alice.btc.calendar.opentimestamps.org",)


def test_a_proof_of_another_hash_is_unverified() -> None:
    other = hashlib.sha256(b"something else").hexdigest()
    proof = check_anchor_proof("opentimestamps", ots_proof(other), DIGEST)
    assert proof.status is ProofStatus.UNVERIFIED and other in proof.detail


def test_junk_truncated_and_trailing_bytes_are_unverified() -> None:
    good = base64.b64decode(ots_proof(DIGEST))
    for raw in (b"\x00OpenTimestamps", good[:-5], good + b"\x00", MAGIC + b"\x01\x08" + b"\xbc" * 32):
        proof = check_anchor_proof("opentimestamps", base64.b64encode(raw).decode(), DIGEST)
        assert proof.status is ProofStatus.UNVERIFIED, raw


def test_rfc3161_proofs_are_not_checked() -> None:
    assert check_anchor_proof("rfc3161", ots_proof(DIGEST), DIGEST).status is ProofStatus.UNVERIFIED


@given(st.binary(max_size=400))
def test_any_bytes_after_the_header_give_a_status_never_an_error(tail: bytes) -> None:
    raw = MAGIC + b"\x01\x08" + bytes.fromhex(DIGEST) + tail
    proof = check_anchor_proof("opentimestamps", base64.b64encode(raw).decode(), DIGEST)
    assert proof.status in (ProofStatus.VERIFIED, ProofStatus.UNVERIFIED)
