"""The pure core of pith-graph: canonical records, pith numbers, aliases, receipts, documents.

No I/O, no clock, no environment: callers pass ``now`` and keys in. See
``shared/docs/REFERENCE.md`` for the reference rules each module reproduces.
"""

from pith_graph.core.aliases import (
    Alias,
    AliasKind,
    AliasQuery,
    QueryKind,
    derived_aliases,
    is_valid_arxiv_id,
    parse_alias,
    split_arxiv_version,
)
from pith_graph.core.canonical import CanonicalBytes, Digest, canonical_bytes, sha256_digest
from pith_graph.core.document import (
    Check,
    ParsedRecord,
    VerificationReport,
    build_record_document,
    parse_record_document,
    require_valid,
    verify_record_document,
)
from pith_graph.core.errors import (
    InvalidAlias,
    InvalidMetadata,
    InvalidReceipt,
    InvalidRecord,
    PithError,
    UnknownSigningKey,
)
from pith_graph.core.metadata import PaperMetadata, parse_metadata
from pith_graph.core.pith_number import PithNumber, parse_pith_number, pith_number_for
from pith_graph.core.receipts import BUILDER_VERSION, Receipt, issue_receipt, verify_receipt
from pith_graph.core.record import CanonicalRecord, canonical_record, record_digest
from pith_graph.core.signing import (
    PublicKey,
    SigningKey,
    generate_signing_key,
    sign_digest,
    signing_key_from_seed,
    verify_digest_signature,
)
from pith_graph.core.snapshot import section_sha256
from pith_graph.core.text import canonical_text, text_sha256
from pith_graph.core.trust import (
    REFERENCE_REGISTRY_KEY,
    KeyStatus,
    TrustedKey,
    TrustStore,
    default_trust_store,
)

__all__ = [
    "BUILDER_VERSION",
    "REFERENCE_REGISTRY_KEY",
    "Alias",
    "AliasKind",
    "AliasQuery",
    "CanonicalBytes",
    "CanonicalRecord",
    "Check",
    "Digest",
    "InvalidAlias",
    "InvalidMetadata",
    "InvalidReceipt",
    "InvalidRecord",
    "KeyStatus",
    "PaperMetadata",
    "ParsedRecord",
    "PithError",
    "PithNumber",
    "PublicKey",
    "QueryKind",
    "Receipt",
    "SigningKey",
    "TrustStore",
    "TrustedKey",
    "UnknownSigningKey",
    "VerificationReport",
    "build_record_document",
    "canonical_bytes",
    "canonical_record",
    "canonical_text",
    "default_trust_store",
    "derived_aliases",
    "generate_signing_key",
    "is_valid_arxiv_id",
    "issue_receipt",
    "parse_alias",
    "parse_metadata",
    "parse_pith_number",
    "parse_record_document",
    "pith_number_for",
    "record_digest",
    "require_valid",
    "section_sha256",
    "sha256_digest",
    "sign_digest",
    "signing_key_from_seed",
    "split_arxiv_version",
    "text_sha256",
    "verify_digest_signature",
    "verify_receipt",
    "verify_record_document",
]
