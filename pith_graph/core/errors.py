"""Errors raised by the pure core.

Every core error derives from :class:`PithError`; the parse errors are also ``ValueError`` so
callers that only know the standard library still catch them::

    PithError
    ├── InvalidMetadata (ValueError)   paper metadata that cannot become a canonical record
    ├── InvalidAlias (ValueError)      text that is no pith number, arXiv id or DOI
    ├── InvalidRecord (ValueError)     a pith_number_record v1 document that does not parse / hold
    ├── InvalidReceipt                 a receipt whose signature or digest does not verify
    │   └── UnknownSigningKey          its key id / fingerprint is not in the trust store
    └── InvalidEvent (ValueError)      a signed event that does not parse (events.py)
        ├── InvalidEventSignature      its id or Ed25519 signature does not verify
        └── UntrustedSigner            its signer claims what only a trusted key may (trust.py)
            ├── KeyIdCollision         a trusted key's id (or key) with another key (or id)
            └── RegistryImpersonation  the registry's role or signer id without a trusted key

Every message names the offending value.
"""

from __future__ import annotations

__all__ = [
    "InvalidAlias",
    "InvalidEvent",
    "InvalidEventSignature",
    "InvalidMetadata",
    "InvalidReceipt",
    "InvalidRecord",
    "KeyIdCollision",
    "PithError",
    "RegistryImpersonation",
    "UnknownSigningKey",
    "UntrustedSigner",
]


class PithError(Exception):
    """Root of every error raised by :mod:`pith_graph.core`."""


class InvalidMetadata(PithError, ValueError):
    """Paper metadata rejected at the boundary; ``field`` names the key and ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid metadata field {field!r}: {reason}")


class InvalidAlias(PithError, ValueError):
    """Text that is not any accepted alias notation; the message quotes it and lists the forms."""

    def __init__(self, text: str, reason: str, accepted: tuple[str, ...] = ()) -> None:
        self.text = text
        self.reason = reason
        message = f"invalid alias {text!r}: {reason}"
        if accepted:
            message += "; accepted forms: " + ", ".join(accepted)
        super().__init__(message)


class InvalidRecord(PithError, ValueError):
    """A v1 record document (or part of one) that fails to parse or to verify."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid record field {field!r}: {reason}")


class InvalidReceipt(PithError):
    """A receipt that does not verify: bad signature, bad encoding or digest mismatch."""


class UnknownSigningKey(InvalidReceipt):
    """The receipt's key id or fingerprint is not in the trust store, so it cannot be verified."""

    def __init__(self, key_id: str, fingerprint: str | None = None) -> None:
        self.key_id = key_id
        self.fingerprint = fingerprint
        detail = f" (fingerprint {fingerprint})" if fingerprint else ""
        super().__init__(f"unknown signing key {key_id!r}{detail}: not in the trust store")


class InvalidEvent(PithError, ValueError):
    """A signed event that does not have the canonical form of its kind; ``field`` names where."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"invalid event field {field!r}: {reason}")


class InvalidEventSignature(InvalidEvent):
    """An event whose Ed25519 signature (over its content id's digest bytes) does not verify."""


class UntrustedSigner(InvalidEvent):
    """A well-signed event whose signer claims an identity only a trusted key may hold."""


class KeyIdCollision(UntrustedSigner):
    """The signer names a trusted key's id but carries another public key (or the reverse)."""


class RegistryImpersonation(UntrustedSigner):
    """``signer_type: "registry"`` (or a registry signer id) from a key the trust store lacks."""
