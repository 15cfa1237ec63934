"""The ``pith_number_record`` v1 document: build it, parse it, verify it.

The shape is the founding record's (REFERENCE.md "Documents it serves", R; fixture
``seed-2603.13419v2.json``): the same top-level keys, names, nesting and types. ``paper.title`` is
the raw title, ``paper.abstract_excerpt`` the first 600 characters of the raw abstract,
``paper.authors_text`` the author names in alphabetical order joined with ``", "``.
Graph-snapshot section hashes follow our own rule (:mod:`pith_graph.core.snapshot`).

Verification checks everything that is present and reports each check; it never turns an exception
into ``False`` silently: every failure is a :class:`Check` with status ``mismatch``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from pith_graph.core.aliases import Alias, AliasKind, derived_aliases
from pith_graph.core.canonical import Digest
from pith_graph.core.errors import InvalidAlias, InvalidReceipt, InvalidRecord, UnknownSigningKey
from pith_graph.core.metadata import PaperMetadata
from pith_graph.core.pith_number import PithNumber, parse_pith_number, pith_number_for
from pith_graph.core.receipts import Receipt, verify_receipt
from pith_graph.core.record import CanonicalRecord, record_digest
from pith_graph.core.signing import verify_digest_signature
from pith_graph.core.snapshot import section_sha256, with_section_sha256
from pith_graph.core.text import text_sha256
from pith_graph.core.trust import TrustStore

__all__ = [
    "DEFAULT_BASE_URL",
    "RECORD_TYPE",
    "SAMPLE_SIZE",
    "SCHEMA_PATH",
    "SCHEMA_URL",
    "TOP_LEVEL_KEYS",
    "Check",
    "ParsedRecord",
    "RecordGraph",
    "VerificationReport",
    "build_record_document",
    "paper_section",
    "parse_record_document",
    "require_valid",
    "verify_record_document",
]

RECORD_TYPE = "pith_number_record"
SCHEMA_PATH = "/schemas/pith-number/v1.json"
DEFAULT_BASE_URL = "https://pith.science"
SCHEMA_URL = DEFAULT_BASE_URL + SCHEMA_PATH  # the reference system's
ABSTRACT_EXCERPT_LENGTH = 600
# How many references, citing papers and formal records a record lists as its ``sample``.
SAMPLE_SIZE = 10
TOP_LEVEL_KEYS = (
    "record_type",
    "schema_url",
    "pith_number",
    "short_pith_number",
    "schema_version",
    "canonical_sha256",
    "source",
    "attestation_state",
    "paper",
    "verification_status",
    "canonical_record",
    "receipt",
    "graph_snapshot",
    "aliases",
    "events",
    "event_summary",
    "paper_claims",
    "inbound_citations",
    "formal_canon",
    "links",
    "agent_actions",
    "created_at",
    "updated_at",
)


# --- building -------------------------------------------------------------------------------


def paper_section(meta: PaperMetadata) -> dict[str, Any]:
    """The ``paper`` object of a record (also the ``graph_snapshot.paper`` section)."""
    return {
        "title": meta.title,
        "license": meta.license,
        "headline": meta.headline,
        "cross_cats": list(meta.cross_cats),
        "primary_cat": meta.primary_cat,
        "authors_text": ", ".join(sorted(meta.authors)),
        "submitted_at": meta.submitted_at,
        "abstract_excerpt": meta.abstract[:ABSTRACT_EXCERPT_LENGTH],
    }


def _default_verification_status(graph_snapshot: bool) -> dict[str, Any]:
    return {
        "content_addressed": True,
        "pith_receipt": True,
        "author_attested": False,
        "weak_author_claims": 0,
        "strong_author_claims": 0,
        "externally_anchored": False,
        "storage_verified": False,
        "citation_signatures": 0,
        "replication_records": 0,
        "graph_snapshot": graph_snapshot,
        "references_resolved": False,
        "formal_links_present": False,
    }


@dataclass(frozen=True, slots=True)
class RecordGraph:
    """What the graph says around one record: the facts its graph sections are derived from.

    ``references``: its references (``CITES`` out: registered papers and unregistered works);
    ``resolved_references``: those that resolve to a paper registered here;
    ``reference_sample``: the first :data:`SAMPLE_SIZE` references in citation order;
    ``internal_anchors``: its signed citations (``citation_signature``) of registered papers;
    ``citations``: registered papers citing it; ``citation_sample``: the newest of them;
    ``inbound_anchors``: registered papers with a signed citation of it;
    ``author_claims`` / ``strong_author_claims``: effective authorship claims;
    ``formal_evidence``: effective ``formal_bridge`` records, each as
    ``{event_id, created_at, evidence_url, evidence_sha256, outcome, summary, signer_id}``.
    """

    references: int = 0
    resolved_references: int = 0
    reference_sample: tuple[Mapping[str, Any], ...] = ()
    internal_anchors: int = 0
    citations: int = 0
    citation_sample: tuple[Mapping[str, Any], ...] = ()
    inbound_anchors: int = 0
    author_claims: int = 0
    strong_author_claims: int = 0
    formal_evidence: tuple[Mapping[str, Any], ...] = ()


def _graph_sections(graph: RecordGraph, claims: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``claims``, ``references``, ``formal_canon`` and ``author_claims`` sections."""
    return {
        "claims": with_section_sha256({"count": len(claims), "items": [dict(c) for c in claims]}),
        "references": with_section_sha256(
            {
                "count": graph.references,
                "sample": [dict(r) for r in graph.reference_sample[:SAMPLE_SIZE]],
                "resolved_work": graph.resolved_references,
                "internal_anchors": graph.internal_anchors,
            }
        ),
        "formal_canon": _counts_section((("evidence_count", len(graph.formal_evidence)),)),
        "author_claims": _counts_section(
            (("count", graph.author_claims), ("strong_count", graph.strong_author_claims))
        ),
    }


def _counts_section(counts: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    """``with_section_sha256`` of a section of counts alone, a new dict each time."""
    return {**dict(counts), "snapshot_sha256": _counts_sha256(counts)}


@lru_cache(maxsize=512)
def _counts_sha256(counts: tuple[tuple[str, int], ...]) -> str:
    # Such a section takes few values (mostly zeros): hashed once per value, not per record.
    return section_sha256(dict(counts))


def _inbound_citations(graph: RecordGraph) -> dict[str, Any]:
    return {
        "count": graph.citations,
        "internal_anchor_count": graph.inbound_anchors,
        "sample": [dict(c) for c in graph.citation_sample[:SAMPLE_SIZE]],
    }


def _formal_canon(graph: RecordGraph) -> dict[str, Any]:
    return {
        "evidence_count": len(graph.formal_evidence),
        "sample": [dict(e) for e in graph.formal_evidence[:SAMPLE_SIZE]],
        # Where the formal artefacts (Lean, Coq, ...) live: each evidence URL once.
        "anchors": sorted({str(e["evidence_url"]) for e in graph.formal_evidence}),
    }


def _default_graph_snapshot(
    meta: PaperMetadata,
    record: CanonicalRecord,
    builder_version: str,
    graph: RecordGraph,
    claims: Sequence[Mapping[str, Any]],
    integrity: Mapping[str, Any] | None,
) -> dict[str, Any]:
    sections = _graph_sections(graph, claims)
    return {
        "paper": paper_section(meta),
        "claims": sections["claims"],
        "source": {"id": record.source_id, "kind": record.source_kind, "version": record.version},
        "verdict": {
            "id": None,
            "model_set": {},
            "created_at": None,
            "strongest_claim": "",
            "one_line_summary": "",
            "pipeline_version": None,
            "weakest_assumption": "",
            "pith_extraction_headline": "",
        },
        "integrity": (
            dict(integrity)
            if integrity is not None
            else with_section_sha256(
                {
                    "clean": True,
                    "summary": {"advisory": 0, "critical": 0, "by_detector": {}, "informational": 0},
                    "endpoint": f"/pith/{record.source_id}/integrity.json",
                    "findings": [],
                    "available": True,
                    "detectors_run": [],
                }
            )
        ),
        "references": sections["references"],
        "formal_canon": sections["formal_canon"],
        "author_claims": sections["author_claims"],
        "builder_version": builder_version,
    }


def _links(base_url: str, pith: PithNumber, arxiv_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    base = base_url.rstrip("/")
    body, short = pith.body, pith.prefix(8)
    page = f"{base}/pith/{body}"
    api = f"{base}/api/pith-number/{body}"
    links = {
        "html": page,
        "json": f"{page}.json",
        "graph_json": f"{api}/graph.json",
        "events_json": f"{api}/events.json",
        "paper": f"{base}/paper/{short}",
    }
    actions = {
        "view_html": page,
        "download_json": f"{page}.json",
        "view_paper": f"{base}/paper/{short}",
        "resolve_alias": f"{base}/api/pith-number/resolve?arxiv={quote(arxiv_id, safe='/.')}&json=true",
        "fetch_graph": f"{api}/graph.json",
        "fetch_events": f"{api}/events.json",
        "actions": {
            "anchor_timestamp": f"{page}/action/timestamp_anchor",
            "attest_storage": f"{page}/action/storage_attestation",
            "attest_author": f"{page}/action/author_attestation",
            "sign_citation": f"{page}/action/citation_signature",
            "submit_replication": f"{page}/action/replication_record",
        },
    }
    return links, actions


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"document times must be timezone-aware, got {moment!r}")
    return moment.isoformat()


def build_record_document(
    meta: PaperMetadata,
    record: CanonicalRecord,
    digest: Digest,
    pith: PithNumber,
    receipt: Receipt,
    aliases_created_at: datetime,
    created_at: datetime,
    updated_at: datetime,
    base_url: str = DEFAULT_BASE_URL,
    verification_status: Mapping[str, Any] | None = None,
    events: Sequence[Mapping[str, Any]] = (),
    event_summary: Mapping[str, Any] | None = None,
    paper_claims: Sequence[Mapping[str, Any]] = (),
    graph_snapshot: Mapping[str, Any] | None = None,
    inbound_citations: Mapping[str, Any] | None = None,
    attestation_state: str = "computed",
    graph: RecordGraph | None = None,
    integrity: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble the full ``pith_number_record`` v1 document, keys in the reference order.

    The graph sections (``graph_snapshot.claims/references/formal_canon/author_claims``,
    ``inbound_citations``, ``formal_canon``) are derived from ``graph`` and ``paper_claims``;
    without ``graph`` they say "nothing known" (zeros). ``integrity``
    (:func:`pith_graph.core.integrity.section.integrity_section`) replaces the default, empty
    ``graph_snapshot.integrity`` section.
    """
    graph = graph if graph is not None else RecordGraph()
    if graph_snapshot is not None:
        snapshot = dict(graph_snapshot)
        if integrity is not None:
            snapshot["integrity"] = dict(integrity)
    else:
        # The given integrity section in place of the default one, not hashed only to be replaced.
        snapshot = _default_graph_snapshot(
            meta, record, receipt.builder_version, graph, paper_claims, integrity
        )
    status = (
        dict(verification_status)
        if verification_status is not None
        else _default_verification_status(True)
    )
    alias_time = _iso(aliases_created_at)
    links, actions = _links(base_url, pith, record.source_id)
    return {
        "record_type": RECORD_TYPE,
        # Each registry names the schema it serves itself (``/schemas/pith-number/v1.json``).
        "schema_url": base_url.rstrip("/") + SCHEMA_PATH,
        "pith_number": pith.full,
        "short_pith_number": pith.short,
        "schema_version": record.schema_version,
        "canonical_sha256": digest.hex,
        "source": {"kind": record.source_kind, "id": record.source_id, "version": record.version},
        "attestation_state": attestation_state,
        "paper": paper_section(meta),
        "verification_status": status,
        "canonical_record": record.to_json(),
        "receipt": receipt.to_json(),
        "graph_snapshot": snapshot,
        "aliases": [
            {**alias.to_json(), "created_at": alias_time} for alias in derived_aliases(record, pith)
        ],
        "events": [dict(e) for e in events],
        "event_summary": dict(event_summary) if event_summary is not None else {},
        "paper_claims": [dict(c) for c in paper_claims],
        "inbound_citations": dict(inbound_citations)
        if inbound_citations is not None
        else _inbound_citations(graph),
        "formal_canon": _formal_canon(graph),
        "links": links,
        "agent_actions": actions,
        "created_at": _iso(created_at),
        "updated_at": _iso(updated_at),
    }


# --- verification report --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One verified field: ``status`` is ``ok``, ``mismatch``, ``unverified`` or ``absent``."""

    field: str
    status: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The outcome of :func:`verify_record_document`; ``ok`` is False iff some check mismatches."""

    checks: tuple[Check, ...]
    pith_number: str | None = None

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "mismatch")

    @property
    def unverified(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "unverified")

    @property
    def ok(self) -> bool:
        return not self.failures

    def status_of(self, field: str) -> str:
        for check in self.checks:
            if check.field == field:
                return check.status
        return "absent"

    def summary_line(self) -> str:
        """``OK <pith> — what was checked`` or ``FAIL <pith> — field: why; ...``."""
        name = self.pith_number or "<no pith number>"
        if not self.ok:
            parts = [f"{c.field}: {c.detail}" for c in self.failures + self.unverified]
            return f"FAIL {name} — " + "; ".join(parts)
        parts = [c.detail for c in self.checks if c.status == "ok" and c.detail]
        parts += [f"{c.field} UNVERIFIED ({c.detail})" for c in self.unverified]
        return f"OK {name} — " + (", ".join(parts) if parts else "nothing to check")


def require_valid(report: VerificationReport) -> None:
    """Raise :class:`InvalidRecord` listing every failing field of ``report``."""
    if not report.ok:
        fields = ", ".join(c.field for c in report.failures)
        raise InvalidRecord(fields, "; ".join(f"{c.field}: {c.detail}" for c in report.failures))


# --- verification ---------------------------------------------------------------------------


def _alias_pairs(raw: Any) -> dict[str, str]:
    """Accept the list form ``[{alias_kind, alias_value}]`` and the dict form ``{kind: value}``."""
    if isinstance(raw, Mapping):
        return {str(k): v for k, v in raw.items()}
    if isinstance(raw, list):
        pairs: dict[str, str] = {}
        for item in raw:
            if (
                not isinstance(item, Mapping)
                or "alias_kind" not in item
                or "alias_value" not in item
            ):
                raise InvalidRecord(
                    "aliases", f"expected {{alias_kind, alias_value}}, got {item!r}"
                )
            pairs[str(item["alias_kind"])] = item["alias_value"]
        return pairs
    raise InvalidRecord("aliases", f"expected a list or an object, got {raw!r}")


class _Checker:
    def __init__(self) -> None:
        self.checks: list[Check] = []

    def add(self, field: str, status: str, detail: str = "") -> None:
        self.checks.append(Check(field, status, detail))

    def compare(self, field: str, got: Any, expected: Any, ok_detail: str = "") -> None:
        if got == expected:
            self.add(field, "ok", ok_detail)
        else:
            self.add(field, "mismatch", f"is {got!r}, expected {expected!r}")


def verify_record_document(doc: Mapping[str, Any], trust: TrustStore) -> VerificationReport:
    """Check every identity field present in a v1 record (or any part of one).

    1. ``canonical_record`` parses and hashes to ``canonical_sha256``;
    2. ``pith_number``/``short_pith_number`` derive from the digest (year from ``submitted_at``);
    3. ``source`` and ``paper`` agree with the canonical record, field by field;
    4. the aliases are exactly the derived ones;
    5. the receipt is over the digest and verifies with a trusted key (unknown key: unverified).
    The digest of steps 2-5 is ``canonical_sha256`` when given (else the recomputed hash), so a
    changed canonical field is named once, not echoed by every derived field.
    """
    if not isinstance(doc, Mapping):
        raise InvalidRecord("<root>", f"expected a JSON object, got {type(doc).__name__}")
    c = _Checker()
    record: CanonicalRecord | None = None
    digest: Digest | None = None

    # 1. canonical record and hash
    if "canonical_record" in doc:
        try:
            record = CanonicalRecord.from_json(doc["canonical_record"])
        except InvalidRecord as exc:
            c.add(exc.field, "mismatch", exc.reason)
    stated: Digest | None = None
    if "canonical_sha256" in doc:
        try:
            stated = Digest.from_hex(doc["canonical_sha256"])
        except ValueError as exc:
            c.add("canonical_sha256", "mismatch", str(exc))
    if record is not None:
        computed = record_digest(record)
        if stated is not None:
            if stated == computed:
                c.add("canonical_sha256", "ok", "canonical hash")
            else:
                c.add(
                    "canonical_sha256",
                    "mismatch",
                    f"canonical_record hashes to {computed.hex}, the document says {stated.hex}",
                )
        else:
            c.add("canonical_sha256", "absent", "recomputed from canonical_record")
        digest = stated or computed
    elif stated is not None:
        c.add("canonical_sha256", "ok", "")  # present and well-formed; nothing to recompute it from
        digest = stated

    # 2. pith number and short form
    pith: PithNumber | None = None
    stated_pith: PithNumber | None = None
    if "pith_number" in doc:
        try:
            stated_pith = (
                parse_pith_number(doc["pith_number"])
                if isinstance(doc["pith_number"], str)
                else None
            )
        except InvalidAlias:
            stated_pith = None
        if stated_pith is None:
            c.add("pith_number", "mismatch", f"{doc['pith_number']!r} is not pith:YYYY:<26 base32>")
    if digest is not None:
        year = (
            record.submitted_year
            if record is not None
            else (stated_pith.year if stated_pith else None)
        )
        if year is not None:
            pith = pith_number_for(digest, year)
        if stated_pith is not None and pith is not None:
            c.compare("pith_number", stated_pith.full, pith.full, "pith number")
    if "short_pith_number" in doc and (pith or stated_pith) is not None:
        expected_short = (pith or stated_pith).short  # type: ignore[union-attr]
        c.compare("short_pith_number", doc["short_pith_number"], expected_short, "short form")

    # 3. source and paper against the canonical record
    if record is not None:
        _check_against_record(c, doc, record)

    # 4. aliases
    source = record or _source_only(doc)
    if "aliases" in doc and pith is not None and source is not None:
        _check_aliases(c, doc["aliases"], source, pith)

    # 5. receipt
    if "receipt" in doc and digest is not None:
        _check_receipt(c, doc["receipt"], digest, trust)

    name = doc.get("pith_number") if isinstance(doc.get("pith_number"), str) else None
    return VerificationReport(tuple(c.checks), name)


def _source_only(doc: Mapping[str, Any]) -> CanonicalRecord | None:
    """A stand-in record carrying only the source (for alias checks without canonical_record)."""
    src = doc.get("source")
    if (
        not isinstance(src, Mapping)
        or not isinstance(src.get("id"), str)
        or not isinstance(src.get("version"), int)
    ):
        return None
    return CanonicalRecord(
        src.get("kind", "arxiv"),
        src["id"],
        src["version"],
        "",
        "",
        "0000-01-01T00:00:00Z",
        (),
        "",
        "",
    )


def _check_against_record(c: _Checker, doc: Mapping[str, Any], record: CanonicalRecord) -> None:
    if isinstance(doc.get("source"), Mapping):
        src = doc["source"]
        got = {"kind": src.get("kind"), "id": src.get("id"), "version": src.get("version")}
        want = {"kind": record.source_kind, "id": record.source_id, "version": record.version}
        for key in ("kind", "id", "version"):
            if got[key] != want[key]:
                c.add(
                    f"canonical_record.source.{key}",
                    "mismatch",
                    f"is {want[key]!r} but source.{key} is {got[key]!r}",
                )
    paper = doc.get("paper")
    if not isinstance(paper, Mapping):
        return
    pairs = (
        ("license", paper.get("license"), record.license),
        ("primary_cat", paper.get("primary_cat"), record.primary_cat),
        ("submitted_at", paper.get("submitted_at"), record.submitted_at),
    )
    for name, in_paper, in_record in pairs:
        if name in paper and in_paper != in_record:
            c.add(
                f"canonical_record.metadata.{name}",
                "mismatch",
                f"is {in_record!r} but paper.{name} is {in_paper!r}",
            )
    if isinstance(paper.get("cross_cats"), list) and sorted(paper["cross_cats"]) != list(
        record.cross_cats_sorted
    ):
        c.add(
            "canonical_record.metadata.cross_cats_sorted",
            "mismatch",
            f"is {list(record.cross_cats_sorted)!r} but paper.cross_cats is {paper['cross_cats']!r}",
        )
    if isinstance(paper.get("title"), str):
        if text_sha256(paper["title"]) != record.title_canon_sha256:
            c.add(
                "canonical_record.metadata.title_canon_sha256",
                "mismatch",
                f"is not the hash of paper.title {paper['title']!r}",
            )
        else:
            c.add("paper.title", "ok", "title hash")
    excerpt = paper.get("abstract_excerpt")
    # A shorter-than-600 excerpt is the whole abstract, so its hash can be checked too.
    if isinstance(excerpt, str) and len(excerpt) < ABSTRACT_EXCERPT_LENGTH:
        if text_sha256(excerpt) != record.abstract_canon_sha256:
            c.add(
                "canonical_record.metadata.abstract_canon_sha256",
                "mismatch",
                "is not the hash of paper.abstract_excerpt (the whole abstract)",
            )


def _check_aliases(c: _Checker, raw: Any, record: CanonicalRecord, pith: PithNumber) -> None:
    try:
        got = _alias_pairs(raw)
    except InvalidRecord as exc:
        c.add("aliases", "mismatch", exc.reason)
        return
    want = {a.kind.value: a.value for a in derived_aliases(record, pith)}
    # Only the kinds present are checked: some reference records list only arxiv/arxiv_version/doi.
    bad = [
        f"{k}={v!r} (expected {want[k]!r})" for k, v in got.items() if k in want and v != want[k]
    ]
    extra = sorted(set(got) - set(want))
    if bad or extra:
        detail = "; ".join(bad + [f"unknown alias kind {k!r}" for k in extra])
        c.add("aliases", "mismatch", detail)
    else:
        c.add("aliases", "ok", f"{len(got)} aliases")


def _check_receipt(c: _Checker, raw: Any, digest: Digest, trust: TrustStore) -> None:
    if not isinstance(raw, Mapping):
        c.add("receipt", "mismatch", f"expected an object, got {raw!r}")
        return
    key_id = raw.get("key_id")
    try:
        if "public_key_fingerprint" in raw and "canonical_sha256" in raw:
            key = verify_receipt(Receipt.from_json(raw), digest, trust)
        else:
            # The short receipts of reference-records.jsonl: key id + signature only.
            if raw.get("algorithm", "ed25519") != "ed25519":
                raise InvalidReceipt(f"unsupported algorithm {raw.get('algorithm')!r}")
            key = trust.by_key_id(str(key_id))
            verify_digest_signature(key, digest, str(raw.get("signature_b64")))
    except UnknownSigningKey as exc:
        c.add("receipt", "unverified", f"key {exc.key_id!r} is not in the trust store")
    except InvalidReceipt as exc:
        c.add("receipt", "mismatch", str(exc))
    else:
        c.add("receipt", "ok", f"receipt (key {key.key_id}) verified")


# --- parsing for import ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """The identity parts of a v1 record, parsed (not verified: call :func:`verify_record_document`)."""

    pith: PithNumber
    canonical_sha256: Digest
    record: CanonicalRecord | None
    receipt: Receipt | None
    aliases: tuple[Alias, ...]
    aliases_created_at: str | None
    paper: Mapping[str, Any] | None
    document: Mapping[str, Any]


def parse_record_document(doc: Mapping[str, Any]) -> ParsedRecord:
    """Parse a v1 record (full, or the short jsonl form); raises :class:`InvalidRecord` naming the field."""
    if not isinstance(doc, Mapping):
        raise InvalidRecord("<root>", f"expected a JSON object, got {type(doc).__name__}")
    try:
        pith = parse_pith_number(doc.get("pith_number"))  # type: ignore[arg-type]
    except InvalidAlias as exc:
        raise InvalidRecord("pith_number", str(exc)) from exc
    try:
        digest = Digest.from_hex(doc.get("canonical_sha256"))  # type: ignore[arg-type]
    except ValueError as exc:
        raise InvalidRecord("canonical_sha256", str(exc)) from exc
    record = (
        CanonicalRecord.from_json(doc["canonical_record"]) if "canonical_record" in doc else None
    )
    receipt = None
    if isinstance(doc.get("receipt"), Mapping) and "public_key_fingerprint" in doc["receipt"]:
        try:
            receipt = Receipt.from_json(doc["receipt"])
        except InvalidReceipt as exc:
            raise InvalidRecord("receipt", str(exc)) from exc
    aliases: list[Alias] = []
    created: str | None = None
    if "aliases" in doc:
        for kind, value in _alias_pairs(doc["aliases"]).items():
            try:
                aliases.append(Alias(AliasKind(kind), str(value)))
            except ValueError as exc:
                raise InvalidRecord("aliases", f"unknown alias kind {kind!r}") from exc
        if isinstance(doc["aliases"], list) and doc["aliases"]:
            created = doc["aliases"][0].get("created_at")
    paper = doc.get("paper") if isinstance(doc.get("paper"), Mapping) else None
    return ParsedRecord(pith, digest, record, receipt, tuple(aliases), created, paper, doc)
