"""C2SP signed notes, checkpoints and Ed25519 cosignatures (pure).

Formats (``github.com/C2SP/C2SP``):

* signed-note: ``text`` (UTF-8, ends in a newline, no other control characters), a blank line,
  then one or more signature lines ``— <name> <base64(key id || signature)>``. For Ed25519
  (algorithm 0x01) the key id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` and the
  signature is over the text bytes. A verifier key ("vkey") is ``<name>+<hex key id>+<base64(0x01
  || public key)>``.
* tlog-checkpoint: the text is the origin line, the tree size in decimal, the base64 root hash,
  then optional extension lines.
* tlog-cosignature (cosignature/v1, Ed25519, algorithm 0x04): key id
  ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``; the signature is ``u64 timestamp ||
  Ed25519(message)`` with message ``"cosignature/v1\\ntime <timestamp>\\n" || checkpoint text``.

Nothing here raises anything but :class:`InvalidNote` for hostile input.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

from pith_graph.core.errors import PithError
from pith_graph.core.signing import PublicKey, SigningKey, sign_message

__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "Checkpoint",
    "InvalidNote",
    "NoteSignature",
    "NoteVerifier",
    "add_signatures",
    "cosign_checkpoint",
    "format_checkpoint",
    "note_key_id",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "parse_vkey",
    "sign_note",
    "signature_line",
    "split_signature_lines",
    "verify_cosignature",
    "vkey",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
_DASH = "\u2014"
_MAX_NOTE_BYTES = 1 << 20
_MAX_SIGNATURES = 100
_NAME = re.compile(r"[^\s+]+")
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


class InvalidNote(PithError, ValueError):
    """A signed note, checkpoint, vkey or cosignature that does not parse or does not verify."""


def note_key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    """The 4-byte key id of a (name, algorithm, public key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidNote(f"a key name is non-empty with no spaces and no '+', got {name!r}")
    return name


def vkey(name: str, public_key: PublicKey, algorithm: int = ALG_ED25519) -> str:
    """The verifier key text of ``public_key`` under ``name``."""
    _check_name(name)
    key_id = note_key_id(name, algorithm, public_key.raw)
    encoded = base64.b64encode(bytes([algorithm]) + public_key.raw).decode()
    return f"{name}+{key_id.hex()}+{encoded}"


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """A key that can verify note signature lines: name, algorithm and raw Ed25519 key."""

    name: str
    algorithm: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return note_key_id(self.name, self.algorithm, self.public_key)

    @property
    def vkey(self) -> str:
        return vkey(self.name, PublicKey("note", self.public_key), self.algorithm)

    @classmethod
    def for_key(cls, name: str, key: PublicKey, algorithm: int = ALG_ED25519) -> NoteVerifier:
        return cls(_check_name(name), algorithm, key.raw)


def parse_vkey(text: str) -> NoteVerifier:
    """Parse ``name+hexid+base64(alg||key)``; the id must match the key."""
    parts = text.strip().split("+", 2) if isinstance(text, str) else []
    if len(parts) != 3:
        raise InvalidNote(f"a vkey is <name>+<key id hex>+<base64 key>, got {text!r}")
    name, id_hex, key_b64 = parts
    _check_name(name)
    try:
        raw = base64.b64decode(key_b64, validate=True)
        key_id = bytes.fromhex(id_hex)
    except (binascii.Error, ValueError) as exc:
        raise InvalidNote(f"vkey {text!r} does not decode: {exc}") from exc
    if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1) or len(key_id) != 4:
        raise InvalidNote(f"vkey {text!r} is not an Ed25519 (0x01) or cosignature/v1 (0x04) key")
    verifier = NoteVerifier(name, raw[0], raw[1:])
    if verifier.key_id != key_id:
        raise InvalidNote(f"vkey {text!r}: key id {id_hex} does not match the key")
    return verifier


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: key name, 4-byte key id, the signature bytes after the id."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        return signature_line(self.name, self.key_id + self.signature)


def signature_line(name: str, blob: bytes) -> str:
    return f"{_DASH} {name} {base64.b64encode(blob).decode()}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise InvalidNote("a note's text ends with a newline")
    if any((ord(c) < 0x20 and c != "\n") or c == "\x7f" for c in text):
        raise InvalidNote("a note's text holds no control characters but newlines")


def _parse_signature(line: str) -> NoteSignature:
    if not line.startswith(_DASH + " "):
        raise InvalidNote(f"a signature line starts with '— ', got {line[:40]!r}")
    fields = line[2:].split(" ")
    if len(fields) != 2:
        raise InvalidNote(f"a signature line is '— <name> <base64>', got {line[:80]!r}")
    name, blob_b64 = fields
    _check_name(name)
    try:
        blob = base64.b64decode(blob_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidNote(f"signature of {name!r} is not base64") from exc
    if len(blob) < 5:
        raise InvalidNote(f"signature of {name!r} is too short")
    return NoteSignature(name, blob[:4], blob[4:])


def split_signature_lines(lines: str) -> list[NoteSignature]:
    """Parse a block of signature lines (each ending in a newline)."""
    if not lines:
        return []
    if not lines.endswith("\n"):
        raise InvalidNote("signature lines end with a newline")
    found = [_parse_signature(line) for line in lines[:-1].split("\n")]
    if len(found) > _MAX_SIGNATURES:
        raise InvalidNote(f"more than {_MAX_SIGNATURES} signatures")
    return found


def parse_note(data: str | bytes) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and its signature lines (nothing verified yet)."""
    if isinstance(data, bytes):
        if len(data) > _MAX_NOTE_BYTES:
            raise InvalidNote("the note is too large")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidNote("a note is UTF-8") from exc
    if not isinstance(data, str) or len(data) > _MAX_NOTE_BYTES:
        raise InvalidNote("a note is text of at most 1 MiB")
    split = data.rfind("\n\n")
    if split < 0:
        raise InvalidNote("a signed note has a blank line before its signatures")
    text, lines = data[: split + 1], data[split + 2 :]
    _check_text(text)
    signatures = split_signature_lines(lines)
    if not signatures:
        raise InvalidNote("a signed note has at least one signature")
    return text, signatures


def _ed25519_ok(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


def _verifies(verifier: NoteVerifier, text: str, signature: NoteSignature) -> bool:
    if verifier.algorithm == ALG_ED25519:
        return len(signature.signature) == 64 and _ed25519_ok(
            verifier.public_key, text.encode(), signature.signature
        )
    if len(signature.signature) != 72:
        return False
    (timestamp,) = struct.unpack(">Q", signature.signature[:8])
    return _ed25519_ok(
        verifier.public_key, _cosigned_message(text, timestamp), signature.signature[8:]
    )


def open_note(
    data: str | bytes, verifiers: Iterable[NoteVerifier]
) -> tuple[str, list[tuple[NoteVerifier, NoteSignature]]]:
    """Verify a note: return its text and the signatures of known keys that verify.

    Unknown signatures are ignored; a known key (name and id) whose signature fails is an error,
    as is a note that no known key signed.
    """
    text, signatures = parse_note(data)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[tuple[NoteVerifier, NoteSignature]] = []
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not _verifies(verifier, text, signature):
            raise InvalidNote(f"the signature of {signature.name!r} does not verify")
        verified.append((verifier, signature))
    if not verified:
        raise InvalidNote("no signature by a known key")
    return text, verified


def sign_note(text: str, name: str, key: SigningKey) -> str:
    """The note ``text`` signed by ``key`` under ``name`` (Ed25519, algorithm 0x01)."""
    _check_text(text)
    _check_name(name)
    key_id = note_key_id(name, ALG_ED25519, key.public_key.raw)
    return text + "\n" + signature_line(name, key_id + sign_message(key, text.encode()))


def add_signatures(note: str, lines: Sequence[str]) -> str:
    """``note`` with further signature lines appended, skipping lines it already holds."""
    have = set(note.split("\n"))
    extra = [line for line in lines if line.rstrip("\n") not in have]
    return note + "".join(line if line.endswith("\n") else line + "\n" for line in extra)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The body of a tlog-checkpoint."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return format_checkpoint(self.origin, self.size, self.root_hash, self.extensions)


def format_checkpoint(
    origin: str, size: int, root_hash: bytes, extensions: Sequence[str] = ()
) -> str:
    if not origin or "\n" in origin or len(root_hash) != 32 or size < 0:
        raise InvalidNote("a checkpoint has an origin line, a size >= 0 and a 32-byte root")
    body = f"{origin}\n{size}\n{base64.b64encode(root_hash).decode()}\n"
    return body + "".join(f"{line}\n" for line in extensions)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's text (the note text, without signatures)."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise InvalidNote("a checkpoint ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise InvalidNote("a checkpoint has an origin, a tree size and a root hash line")
    origin, size_text, root_b64, *extensions = lines
    if not _DECIMAL.fullmatch(size_text) or int(size_text) >= 1 << 63:
        raise InvalidNote(f"checkpoint tree size {size_text!r} is not a decimal")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidNote(f"checkpoint root hash {root_b64!r} is not base64") from exc
    if len(root) != 32 or base64.b64encode(root).decode() != root_b64:
        raise InvalidNote(f"checkpoint root hash {root_b64!r} is not a 32-byte hash")
    if any(not line for line in extensions):
        raise InvalidNote("a checkpoint has no empty extension lines")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def _cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode()


def cosign_checkpoint(checkpoint_text: str, name: str, key: SigningKey, timestamp: int) -> str:
    """A cosignature/v1 signature line by witness ``name`` over ``checkpoint_text`` at ``timestamp``."""
    _check_text(checkpoint_text)
    _check_name(name)
    if not 0 < timestamp < 1 << 63:
        raise InvalidNote("a cosignature's timestamp is a positive POSIX time")
    key_id = note_key_id(name, ALG_COSIGNATURE_V1, key.public_key.raw)
    signature = sign_message(key, _cosigned_message(checkpoint_text, timestamp))
    return signature_line(name, key_id + struct.pack(">Q", timestamp) + signature)


def verify_cosignature(
    checkpoint_text: str, signature: NoteSignature, verifier: NoteVerifier
) -> int:
    """Check one cosignature/v1 line against ``verifier``; return its timestamp."""
    if verifier.algorithm != ALG_COSIGNATURE_V1 or (signature.name, signature.key_id) != (
        verifier.name,
        verifier.key_id,
    ):
        raise InvalidNote(f"the signature of {signature.name!r} is not by this witness key")
    if not _verifies(verifier, checkpoint_text, signature):
        raise InvalidNote(f"the cosignature of {signature.name!r} does not verify")
    return int(struct.unpack(">Q", signature.signature[:8])[0])
