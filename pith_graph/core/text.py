"""Title and abstract canonicalisation.

REFERENCE.md, "Identity" (V): ``title_canon_sha256`` is the SHA-256 of the title lower-cased, with
LaTeX and punctuation kept verbatim (``K\\"ahler``, ``$E_q(2)$``), whitespace runs collapsed to one
space and the ends trimmed; the abstract uses the same rule (verified on 2 abstracts).

Unicode normalisation (U in REFERENCE.md, our rule): the text is put in **NFC** before lower-casing
and again after (lower-casing can denormalise), so that a composed ``é`` and ``e`` + combining acute
hash alike. NFC leaves every ASCII string unchanged, so all the reference titles (all ASCII) keep
their verified hashes. Whitespace means any Unicode whitespace (``str.split()``).
"""

from __future__ import annotations

import hashlib
import unicodedata

__all__ = ["canonical_text", "text_sha256"]


def canonical_text(text: str) -> str:
    """Canonical form of a title or abstract: NFC, lower case, single spaces, trimmed."""
    lowered = unicodedata.normalize("NFC", text).lower()
    return " ".join(unicodedata.normalize("NFC", lowered).split())


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 :func:`canonical_text` of ``text`` (``title_canon_sha256``)."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()
