"""Mutation root: every write goes through the service (sign outside the transaction, one write)."""

from __future__ import annotations

import contextlib
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from pith_graph.core.errors import InvalidMetadata
from pith_graph.core.metadata import metadata_warnings, parse_metadata
from pith_graph.core.tokens import Scope
from pith_graph.graphql.auth import needs
from pith_graph.graphql.context import Context, to_thread
from pith_graph.graphql.types import Claim, Paper
from pith_graph.service import claims as claims_service
from pith_graph.service import importing, references, registration
from pith_graph.service.errors import BadInput, NotFound
from pith_graph.service.resolution import resolve_paper

__all__ = ["RegistryMutations"]


@strawberry.input(description="Source of the metadata: an arXiv id and version.")
class SourceInput:
    kind: str = "arxiv"
    id: str
    version: int


@strawberry.input(description="Metadata of one paper version, as arXiv lists it.")
class PaperInput:
    source: SourceInput
    title: str
    abstract: str
    submitted_at: str = strawberry.field(
        description="v1 submission time, ISO 8601 (UTC). Refused (BAD_INPUT) when in the future, "
        "before year 1000 or, for arXiv, before August 1991; more than a month away from the "
        "month the arXiv id encodes, it is accepted with a SUBMISSION_DATE_MISMATCH warning in "
        "the response's extensions.warnings."
    )
    primary_cat: str
    cross_cats: list[str] = strawberry.field(default_factory=list)
    authors: list[str]
    license: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None

    def to_raw(self) -> dict[str, Any]:
        return {
            "source": {"kind": self.source.kind, "id": self.source.id, "version": self.source.version},
            "title": self.title,
            "abstract": self.abstract,
            "submitted_at": self.submitted_at,
            "primary_cat": self.primary_cat,
            "cross_cats": list(self.cross_cats),
            "authors": list(self.authors),
            "license": self.license,
            "doi": self.doi,
            "journal_ref": self.journal_ref,
            "comments": self.comments,
        }


@strawberry.input
class ClaimInput:
    kind: str = strawberry.field(description="e.g. strongest_claim, weakest_assumption")
    text: str


@strawberry.type
class ReferenceResult:
    alias: str
    resolved: bool
    pith_number: str | None


@strawberry.type
class AddReferencesResult:
    citing: Paper
    references: list[ReferenceResult]


async def _paper(info: Info[Context, None], pith: str) -> Paper:
    with contextlib.suppress(KeyError):  # a write may have changed what this request loaded
        info.context.loaders.paper_by_pith.clear(pith)
        info.context.loaders.details_by_pith.clear(pith)
    row = await info.context.loaders.paper_by_pith.load(pith)
    if row is None:
        raise NotFound(f"no paper has the pith number {pith!r}")
    return Paper.from_row(row)


@strawberry.type
class RegistryMutations:
    @strawberry.mutation(
        description="Register a paper version (idempotent: same content, same pith number).",
        extensions=needs(Scope.REGISTER),
    )
    async def register_paper(self, info: Info[Context, None], input: PaperInput) -> Paper:
        registry = info.context.registry
        key = await to_thread(registry.signing_key)
        raw = input.to_raw()
        pith = await to_thread(
            registration.register_paper, registry.sync_driver, info.context.database, key, raw
        )
        with contextlib.suppress(InvalidMetadata):  # it parsed for the registration just now
            for warning in metadata_warnings(parse_metadata(raw)):
                info.context.warn(warning.code, warning.message, info.path.as_list())
        return await _paper(info, pith)

    @strawberry.mutation(
        description="Record that `citing` cites each of `cited` (aliases; unregistered -> Work).",
        extensions=needs(Scope.REGISTER),
    )
    async def add_references(
        self, info: Info[Context, None], citing: str, cited: list[str]
    ) -> AddReferencesResult:
        registry = info.context.registry
        pith, outcomes = await to_thread(
            references.add_references, registry.sync_driver, info.context.database, citing, cited
        )
        return AddReferencesResult(
            citing=await _paper(info, pith),
            references=[
                ReferenceResult(alias=o.alias, resolved=o.resolved, pith_number=o.pith_number)
                for o in outcomes
            ],
        )

    @strawberry.mutation(
        description="Add claims (C1, C2, …; machine_extracted, unclaimed). `pithNumber`: any "
        "alias `resolve` takes.",
        extensions=needs(Scope.REGISTER),
    )
    async def add_claims(
        self, info: Info[Context, None], pith_number: str, claims: list[ClaimInput]
    ) -> list[Claim]:
        registry = info.context.registry
        paper = await resolve_paper(
            info.context.driver, info.context.database, pith_number, projection="brief"
        )
        rows = await to_thread(
            claims_service.add_claims,
            registry.sync_driver,
            info.context.database,
            paper["pith_number"],
            [{"kind": c.kind, "text": c.text} for c in claims],
        )
        return [Claim.from_row(r) for r in rows]

    @strawberry.mutation(
        description="Import a v1 record from another registry: verified first, refused if tampered.",
        extensions=needs(Scope.IMPORT),
    )
    async def import_record(self, info: Info[Context, None], record: JSON) -> Paper:
        if not isinstance(record, dict):
            raise BadInput("record: expected a JSON object")
        registry = info.context.registry
        trust = await to_thread(registry.trust_store)
        pith = await to_thread(
            importing.import_record, registry.sync_driver, info.context.database, record, trust
        )
        return await _paper(info, pith)
