"""The C2SP tlog-witness ``add-checkpoint`` protocol (pure): request bodies and the witness's checks.

A request body is ``old <size>\\n``, at most 63 base64 consistency-proof lines, a blank line, then
the checkpoint (a signed note). :func:`check_add_checkpoint` applies the spec's checks in its
order and says which HTTP status a failure maps to; the caller does the check and the update of
the stored size atomically.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pith_graph.core.merkle import EMPTY_ROOT, InvalidProof, verify_consistency
from pith_graph.core.note import Checkpoint, InvalidNote, NoteVerifier, open_note, parse_checkpoint

__all__ = [
    "AddCheckpoint",
    "WitnessRefusal",
    "check_add_checkpoint",
    "format_add_checkpoint",
    "parse_add_checkpoint",
]

_MAX_PROOF = 63
_OLD = re.compile(r"old (0|[1-9][0-9]{0,18})")


class WitnessRefusal(Exception):
    """A refused add-checkpoint: ``status`` is the HTTP status the spec names for it."""

    def __init__(self, status: int, message: str, size: int | None = None) -> None:
        self.status = status
        self.size = size  # for 409: the size of the latest cosigned checkpoint
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse a request body; :class:`WitnessRefusal` (400) if it is malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WitnessRefusal(400, "the body is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise WitnessRefusal(400, "the body has no blank line before the checkpoint")
    lines = head.split("\n")
    match = _OLD.fullmatch(lines[0])
    if match is None:
        raise WitnessRefusal(400, f"the first line is 'old <size>', got {lines[0][:40]!r}")
    if len(lines) - 1 > _MAX_PROOF:
        raise WitnessRefusal(400, f"more than {_MAX_PROOF} consistency proof lines")
    proof = []
    for line in lines[1:]:
        try:
            raw = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WitnessRefusal(400, f"proof line {line[:60]!r} is not base64") from exc
        if len(raw) != 32:
            raise WitnessRefusal(400, f"proof line {line[:60]!r} is not a 32-byte hash")
        proof.append(raw)
    return AddCheckpoint(int(match.group(1)), tuple(proof), note)


def check_add_checkpoint(
    request: AddCheckpoint,
    verifiers: Sequence[NoteVerifier],
    stored_size: int,
    stored_root: bytes | None,
) -> tuple[str, Checkpoint]:
    """The witness's checks of tlog-witness ``add-checkpoint``; return the verified text.

    ``verifiers`` are the log keys trusted for the checkpoint's origin (none: 404);
    ``stored_size``/``stored_root`` the latest checkpoint cosigned for it (0/None if none).
    """
    if not verifiers:
        raise WitnessRefusal(404, "this witness does not know the checkpoint's origin")
    try:
        text, _ = open_note(request.note, verifiers)
    except InvalidNote as exc:
        raise WitnessRefusal(403, f"the checkpoint is not signed by the log's key: {exc}") from exc
    try:
        checkpoint = parse_checkpoint(text)
    except InvalidNote as exc:
        raise WitnessRefusal(400, f"the note is not a checkpoint: {exc}") from exc
    if request.old_size > checkpoint.size:
        raise WitnessRefusal(400, f"old size {request.old_size} is above the checkpoint's size")
    if request.old_size != stored_size:
        raise WitnessRefusal(409, f"the latest cosigned size is {stored_size}", size=stored_size)
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        raise WitnessRefusal(422, "a checkpoint of size 0 has the empty tree's root")
    if request.old_size == 0:
        if request.proof:
            raise WitnessRefusal(422, "a consistency proof from size 0 is empty")
        return text, checkpoint
    assert stored_root is not None
    if request.old_size == checkpoint.size:
        if checkpoint.root_hash != stored_root or request.proof:
            raise WitnessRefusal(422, "same size, different root: the log forked")
        return text, checkpoint
    try:
        verify_consistency(
            request.old_size, checkpoint.size, request.proof, stored_root, checkpoint.root_hash
        )
    except InvalidProof as exc:
        raise WitnessRefusal(422, f"the consistency proof does not verify: {exc}") from exc
    return text, checkpoint
