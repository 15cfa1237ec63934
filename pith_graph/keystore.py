"""Signing keys on disk and in the environment (the I/O shell around :mod:`pith_graph.core.signing`).

Layout under the data directory (``$PITH_DATA_DIR``, default ``./.pith``)::

    keys/
      keys.json          {"keys": [{key_id, public_key_hex, status, created_at, retired_at}]}
      <key_id>.key       the 32-byte Ed25519 seed, hex, mode 0600

Exactly one key is ``current`` (new receipts use it); rotated keys become ``retired`` and stay in
the trust store so that old receipts keep verifying. A key file readable by group or others is
refused. ``PITH_SIGNING_KEY`` (32-byte seed, base64 or hex) with ``PITH_SIGNING_KEY_ID`` overrides
the directory's current key. Private bytes never appear in a repr, a log line or an error.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pith_graph.core.key_documents import rotation_announcement
from pith_graph.core.signing import (
    PublicKey,
    SigningKey,
    generate_signing_key,
    signing_key_from_seed,
)
from pith_graph.core.trust import KeyStatus, TrustedKey, TrustStore, default_trust_store

__all__ = [
    "KeyInfo",
    "KeyStoreError",
    "data_dir_from_env",
    "generate_key",
    "key_index_stamp",
    "keys_dir",
    "list_keys",
    "load_key_file",
    "load_signing_key",
    "load_signing_key_from_env",
    "rotate_key",
    "trust_store_for",
]

_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ENV_DATA_DIR = "PITH_DATA_DIR"
ENV_KEY = "PITH_SIGNING_KEY"
ENV_KEY_ID = "PITH_SIGNING_KEY_ID"


class KeyStoreError(Exception):
    """A key that cannot be created, found or loaded safely; the message says what to do."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One entry of ``keys.json`` (public data only)."""

    key_id: str
    public_key: PublicKey
    status: KeyStatus
    created_at: str
    retired_at: str | None = None
    # A key made by `keys rotate`: the handover statement signed by the key it retired
    # (:func:`pith_graph.core.key_documents.rotation_announcement`).
    rotation: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "public_key_hex": self.public_key.hex,
            "status": self.status.value,
            "created_at": self.created_at,
            "retired_at": self.retired_at,
            **({"rotation": dict(self.rotation)} if self.rotation else {}),
        }


def data_dir_from_env(env: Mapping[str, str] | None = None) -> Path:
    """``$PITH_DATA_DIR`` or ``./.pith``."""
    env = os.environ if env is None else env
    return Path(env.get(ENV_DATA_DIR) or ".pith")


def keys_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "keys"


def key_index_stamp(data_dir: Path) -> tuple[int, int, int] | None:
    """(inode, mtime ns, size) of ``keys.json``, None without one: the index is replaced
    atomically on every change, so a different stamp means other keys."""
    try:
        stat = (keys_dir(data_dir) / "keys.json").stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_key_id(key_id: str) -> str:
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise KeyStoreError(f"invalid key id {key_id!r}: use 1-64 of A-Z a-z 0-9 . _ -")
    return key_id


def list_keys(data_dir: Path) -> tuple[KeyInfo, ...]:
    """The keys recorded in ``keys.json`` (empty when there is none)."""
    index = keys_dir(data_dir) / "keys.json"
    if not index.exists():
        return ()
    try:
        raw = json.loads(index.read_text("utf-8"))
        return tuple(
            KeyInfo(
                key_id=item["key_id"],
                public_key=PublicKey(item["key_id"], bytes.fromhex(item["public_key_hex"])),
                status=KeyStatus(item["status"]),
                created_at=item["created_at"],
                retired_at=item.get("retired_at"),
                rotation=item.get("rotation") if isinstance(item.get("rotation"), dict) else None,
            )
            for item in raw["keys"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyStoreError(f"{index} is not a valid key index: {exc}") from exc


def _write_index(data_dir: Path, keys: tuple[KeyInfo, ...]) -> None:
    index = keys_dir(data_dir) / "keys.json"
    tmp = index.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"keys": [k.to_json() for k in keys]}, indent=2) + "\n", "utf-8")
    tmp.replace(index)


def _write_key_file(path: Path, key: SigningKey) -> None:
    # O_EXCL + 0600 from the start: the seed is never on disk with wider permissions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.export_seed().hex() + "\n")


def _default_key_id(key: SigningKey, moment: datetime) -> str:
    return f"pith-graph-{moment.astimezone(UTC):%Y-%m}-{key.public_key.fingerprint[:8]}"


def generate_key(
    data_dir: Path,
    key_id: str | None = None,
    now: datetime | None = None,
    *,
    seed: bytes | None = None,
) -> KeyInfo:
    """Create a new key and make it current; refuses when a current key already exists."""
    existing = list_keys(data_dir)
    if any(k.status is KeyStatus.CURRENT for k in existing):
        raise KeyStoreError(
            f"{keys_dir(data_dir)} already has a current key; use `pith-graph keys rotate`"
        )
    return _add_key(data_dir, existing, key_id, _now(now), seed)


def rotate_key(
    data_dir: Path,
    new_key_id: str | None = None,
    now: datetime | None = None,
    *,
    seed: bytes | None = None,
) -> KeyInfo:
    """Retire the current key (it stays trusted) and make a new key current, announced by the
    retired key (a signed handover that followers check before trusting the new key)."""
    moment = _now(now)
    existing = list_keys(data_dir)
    if not any(k.status is KeyStatus.CURRENT for k in existing):
        raise KeyStoreError(
            f"{keys_dir(data_dir)} has no current key; use `pith-graph keys generate`"
        )
    (old,) = [k for k in existing if k.status is KeyStatus.CURRENT][-1:]
    # A retired key whose seed was removed (compromised, say) announces nothing: followers then
    # need the new key given by hand.
    old_file = keys_dir(data_dir) / f"{old.key_id}.key"
    announcer = load_key_file(old_file, old.key_id) if old_file.exists() else None
    retired = tuple(
        KeyInfo(k.key_id, k.public_key, KeyStatus.RETIRED, k.created_at, _stamp(moment))
        if k.status is KeyStatus.CURRENT
        else k
        for k in existing
    )
    return _add_key(data_dir, retired, new_key_id, moment, seed, announcer)


def _add_key(
    data_dir: Path,
    existing: tuple[KeyInfo, ...],
    key_id: str | None,
    moment: datetime,
    seed: bytes | None,
    announcer: SigningKey | None = None,
) -> KeyInfo:
    directory = keys_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = generate_signing_key("pending", seed)
    key_id = _check_key_id(key_id or _default_key_id(key, moment))
    if any(k.key_id == key_id for k in existing):
        raise KeyStoreError(f"key id {key_id!r} already exists in {directory}")
    key = signing_key_from_seed(key_id, key.export_seed())
    _write_key_file(directory / f"{key_id}.key", key)
    rotation = (
        None if announcer is None
        else rotation_announcement(announcer, key.public_key, _stamp(moment))
    )  # fmt: skip
    info = KeyInfo(key_id, key.public_key, KeyStatus.CURRENT, _stamp(moment), rotation=rotation)
    _write_index(data_dir, existing + (info,))
    return info


def load_key_file(path: Path, key_id: str) -> SigningKey:
    """Load a seed file; refuses files readable by group or others (``chmod 600`` fixes it)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise KeyStoreError(f"signing key file {path} does not exist") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyStoreError(
            f"signing key file {path} is accessible by group/others (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {path}`"
        )
    text = path.read_text("ascii").strip()
    try:
        return signing_key_from_seed(key_id, _decode_seed(text))
    except ValueError as exc:
        raise KeyStoreError(
            f"signing key file {path} does not hold a 32-byte seed (hex or base64)"
        ) from exc


def _decode_seed(text: str) -> bytes:
    text = text.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    try:
        seed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not hex or base64") from exc
    if len(seed) != 32:
        raise ValueError("not 32 bytes")
    return seed


def signing_key_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``PITH_SIGNING_KEY`` and ``PITH_SIGNING_KEY_ID`` of ``env`` (the process environment
    by default): what the key functions below take as ``env``, read once by a long-running app."""
    env = os.environ if env is None else env
    return {name: env[name] for name in (ENV_KEY, ENV_KEY_ID) if name in env}


def load_signing_key_from_env(env: Mapping[str, str] | None = None) -> SigningKey | None:
    """The key in ``PITH_SIGNING_KEY`` (+ ``PITH_SIGNING_KEY_ID``), or None when unset."""
    env = os.environ if env is None else env
    secret = env.get(ENV_KEY)
    if not secret:
        return None
    key_id = env.get(ENV_KEY_ID)
    if not key_id:
        raise KeyStoreError(f"{ENV_KEY} is set but {ENV_KEY_ID} is not; set the key id too")
    try:
        return signing_key_from_seed(_check_key_id(key_id), _decode_seed(secret))
    except ValueError as exc:
        # Never echo the secret itself.
        raise KeyStoreError(f"{ENV_KEY} must be a 32-byte Ed25519 seed in hex or base64") from exc


def load_signing_key(data_dir: Path, env: Mapping[str, str] | None = None) -> SigningKey:
    """The key new receipts use: ``PITH_SIGNING_KEY`` if set, else the directory's current key."""
    from_env = load_signing_key_from_env(env)
    if from_env is not None:
        return from_env
    current = [k for k in list_keys(data_dir) if k.status is KeyStatus.CURRENT]
    if not current:
        raise KeyStoreError(
            f"no signing key in {keys_dir(data_dir)}; run `pith-graph keys generate` or set {ENV_KEY}"
        )
    info = current[-1]
    key = load_key_file(keys_dir(data_dir) / f"{info.key_id}.key", info.key_id)
    if key.public_key != info.public_key:
        raise KeyStoreError(
            f"key file of {info.key_id!r} does not match its public key in keys.json"
        )
    return key


def trust_store_for(data_dir: Path, env: Mapping[str, str] | None = None) -> TrustStore:
    """Reference registry key + our current and retired keys (+ the environment key, if any)."""
    own: list[TrustedKey] = [
        TrustedKey(k.public_key, k.status, k.created_at, k.retired_at) for k in list_keys(data_dir)
    ]
    from_env = load_signing_key_from_env(env)
    if from_env is not None and all(k.key.raw != from_env.public_key.raw for k in own):
        # The environment key signs new receipts: current, listed last.
        own.append(TrustedKey(from_env.public_key, KeyStatus.CURRENT))
    return default_trust_store(own)
