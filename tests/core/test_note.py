"""C2SP signed notes, checkpoints, vkeys and cosignature/v1 lines."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pith_graph.core.note import (
    ALG_COSIGNATURE_V1,
    Checkpoint,
    InvalidNote,
    NoteVerifier,
    add_signatures,
    cosign_checkpoint,
    format_checkpoint,
    note_key_id,
    open_note,
    parse_checkpoint,
    parse_note,
    parse_vkey,
    sign_note,
    split_signature_lines,
    verify_cosignature,
    vkey,
)
from pith_graph.core.signing import generate_signing_key

LOG_KEY = generate_signing_key("log", seed=b"\x07" * 32)
OTHER_KEY = generate_signing_key("other", seed=b"\x08" * 32)
WITNESS_KEY = generate_signing_key("witness", seed=b"\x09" * 32)
ORIGIN = "registry.example/log"
ROOT = hashlib.sha256(b"root").digest()


def test_key_id_is_the_spec_hash() -> None:
    raw = LOG_KEY.public_key.raw
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + raw).digest()[:4]
    assert note_key_id(ORIGIN, 1, raw) == expected


def test_signed_checkpoint_has_the_c2sp_shape() -> None:
    text = format_checkpoint(ORIGIN, 42, ROOT)
    assert text == f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    note = sign_note(text, ORIGIN, LOG_KEY)
    body, signature_block = note.split("\n\n")
    assert body + "\n" == text
    dash, name, blob = signature_block.rstrip("\n").split(" ")
    assert (dash, name) == ("\u2014", ORIGIN)
    raw = base64.b64decode(blob)
    assert raw[:4] == note_key_id(ORIGIN, 1, LOG_KEY.public_key.raw) and len(raw) == 68


def test_open_note_verifies_with_the_vkey() -> None:
    note = sign_note(format_checkpoint(ORIGIN, 1, ROOT), ORIGIN, LOG_KEY)
    verifier = parse_vkey(vkey(ORIGIN, LOG_KEY.public_key))
    text, verified = open_note(note, [verifier])
    assert parse_checkpoint(text) == Checkpoint(ORIGIN, 1, ROOT)
    assert [v for v, _ in verified] == [verifier]


def test_unknown_signatures_are_ignored_but_a_bad_known_one_is_refused() -> None:
    text = format_checkpoint(ORIGIN, 1, ROOT)
    note = add_signatures(sign_note(text, ORIGIN, LOG_KEY), [sign_note(text, "x", OTHER_KEY).split("\n\n")[1]])
    verifier = NoteVerifier.for_key(ORIGIN, LOG_KEY.public_key)
    assert len(open_note(note, [verifier])[1]) == 1
    with pytest.raises(InvalidNote, match="no signature by a known key"):
        open_note(note, [NoteVerifier.for_key(ORIGIN, OTHER_KEY.public_key)])
    forged = note.replace("\n1\n", "\n2\n", 1)
    with pytest.raises(InvalidNote, match="does not verify"):
        open_note(forged, [verifier])


def test_cosignature_round_trip() -> None:
    text = format_checkpoint(ORIGIN, 9, ROOT)
    line = cosign_checkpoint(text, "witness.example/w1", WITNESS_KEY, 1_700_000_000)
    (signature,) = split_signature_lines(line)
    verifier = NoteVerifier.for_key("witness.example/w1", WITNESS_KEY.public_key, ALG_COSIGNATURE_V1)
    assert verify_cosignature(text, signature, verifier) == 1_700_000_000
    assert parse_vkey(verifier.vkey) == verifier
    with pytest.raises(InvalidNote):
        verify_cosignature(format_checkpoint(ORIGIN, 10, ROOT), signature, verifier)
    cosigned = add_signatures(sign_note(text, ORIGIN, LOG_KEY), [line])
    _, verified = open_note(cosigned, [verifier, NoteVerifier.for_key(ORIGIN, LOG_KEY.public_key)])
    assert len(verified) == 2


@pytest.mark.parametrize(
    "bad",
    ["", "a\n1\n", "no blank line\n— a AAAA\n", "a\n1\nAA==\n\n", "t\n\n— a +++\n", "t\x01\n\n— a AAAAAAAA\n"],
)
def test_malformed_notes_are_refused(bad: str) -> None:
    with pytest.raises(InvalidNote):
        parse_note(bad)


@pytest.mark.parametrize(
    "bad", ["o\n01\nAAAA\n", "o\n1\n", "\n1\n" + "A" * 43 + "=\n", "o\n-1\n" + "A" * 43 + "=\n"]
)
def test_malformed_checkpoints_are_refused(bad: str) -> None:
    with pytest.raises(InvalidNote):
        parse_checkpoint(bad)


@given(
    origin=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40),
    size=st.integers(0, (1 << 63) - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=20), max_size=3),
)
def test_checkpoint_round_trip(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    text = format_checkpoint(origin, size, root, extensions)
    assert parse_checkpoint(text) == Checkpoint(origin, size, root, tuple(extensions))


@given(st.binary(max_size=300))
def test_parse_note_never_raises_anything_else(data: bytes) -> None:
    try:
        parse_note(data)
    except InvalidNote:
        pass


@given(st.binary(min_size=32, max_size=32))
def test_vkey_round_trip_for_any_key(raw: bytes) -> None:
    from pith_graph.core.signing import PublicKey

    text = vkey(ORIGIN, PublicKey("k", raw))
    assert parse_vkey(text) == NoteVerifier(ORIGIN, 1, raw)
