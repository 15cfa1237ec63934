"""GraphQL types of the registry. Each is built from a store row by one small constructor."""

from __future__ import annotations

import asyncio
import enum
import json
from collections.abc import Awaitable, Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info
from strawberry.types.base import get_object_definition

from pith_graph.core.paper import PaperProperties
from pith_graph.graphql.context import Context, request_context, request_loaders
from pith_graph.graphql.cursors import PageInfo, decode_cursor, encode_cursor, page_info
from pith_graph.graphql.integrity import PaperIntegrity, paper_integrity
from pith_graph.graphql.loaders import Loaders, NotReady, ready
from pith_graph.graphql.selection import asks_for, fields_under, paper_projection
from pith_graph.service.dashboards import EVIDENCE, MAX_RELATED_COST
from pith_graph.service.errors import BadInput
from pith_graph.service.events import RecordStatus
from pith_graph.service.records import claim_json, record_document
from pith_graph.service.resolution import Resolution
from pith_graph.service.resolution import ResolveStatus as ResolutionStatus
from pith_graph.store.citations import PageKey
from pith_graph.store.papers import PaperDetails

MAX_PAPER_EVENTS = 1000

T = TypeVar("T")
V = TypeVar("V")

if TYPE_CHECKING:
    from pith_graph.graphql.dashboards import RelatedConnection, YearCount

__all__ = [
    "MAX_PAGE",
    "CitationConnection",
    "Paper",
    "RelatedBy",
    "ResolveResult",
    "ResolveStatus",
    "SortOrder",
    "page_key",
    "prefetch_pages",
    "resolve_result_rows",
]

MAX_PAGE = 500


@strawberry.type(description="Where a paper's metadata comes from (an arXiv id and version).")
class Source:
    kind: str
    id: str
    version: int


@strawberry.type(description="The Ed25519 receipt over the canonical record's SHA-256.")
class Receipt:
    kind: str
    key_id: str
    algorithm: str
    signed_at: str
    signature_b64: str
    signed_message: str
    builder_version: str
    receipt_version: str
    canonical_sha256: str
    last_reissued_at: str
    signature_status: str
    first_computed_at: str
    public_key_fingerprint: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Receipt:
        return cls(**{f: row.get(f, "") for f in cls.__annotations__})


@strawberry.type(description="An alias of a paper: arxiv, arxiv_version, doi, pith_short_8/12/16.")
class Alias:
    kind: str
    value: str
    created_at: str | None


@strawberry.type(description="A claim made about a paper (C1, C2, …).")
class Claim:
    claim_id: str
    kind: str
    text: str
    status: str
    attestation: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Claim:
        return cls(**claim_json(row))


@strawberry.enum(description="Order of a connection, by the neighbours' submission date.")
class SortOrder(enum.Enum):
    SUBMITTED_ASC = "submitted_asc"
    SUBMITTED_DESC = "submitted_desc"


@strawberry.enum(description="How `Paper.related` relates papers.")
class RelatedBy(enum.Enum):
    COCITATION = "COCITATION"
    COUPLING = "COUPLING"


@strawberry.type(description="How many items share one value.")
class FacetCount:
    value: str
    count: int


@strawberry.type(description="Counts of neighbours by primary category and by year.")
class Facets:
    by_primary_category: list[FacetCount]
    by_year: list[FacetCount]


@strawberry.type(description="A cited work that is not registered: its identifier as cited.")
class UnresolvedWork:
    kind: str
    value: str


@strawberry.type
class CitationEdge:
    cursor: str
    resolved: bool = strawberry.field(description="False when the cited work is not registered.")
    node: Paper | None = strawberry.field(description="The paper; null when unresolved.")
    work: UnresolvedWork | None = strawberry.field(description="Set when unresolved.")
    position: int | None
    raw: str | None


@strawberry.type(description="A keyset-paged list of references or citations.")
class CitationConnection:
    total_count: int
    page_info: PageInfo
    edges: list[CitationEdge]
    facets: Facets | None = strawberry.field(
        description="Counts of the whole list by primary category and year, filters ignored (what "
        "a dashboard shows beside a filtered list). Registered papers only."
    )
    filtered_facets: Facets | None = strawberry.field(
        description="The same counts over the filtered list (equal to `facets` without filters)."
    )


def _facets(by_category: list[dict[str, Any]], by_year: list[dict[str, Any]]) -> Facets:
    return Facets(
        by_primary_category=[
            FacetCount(value=str(f["value"]), count=f["count"]) for f in by_category
        ],
        by_year=[FacetCount(value=str(f["value"]), count=f["count"]) for f in by_year],
    )


def page_key(
    selected: Info[Context, None] | list[Any],
    pith: str,
    direction: str,
    first: int,
    after: str | None,
    order: SortOrder,
    categories: list[str] | None,
    year: int | None,
) -> PageKey:
    """The page a ``references``/``citations`` field asks for, with what its selection
    (``selected``: the field's info, or its selected fields) shows."""
    if not 0 <= first <= MAX_PAGE:
        raise BadInput(f"first must be 0..{MAX_PAGE}, got {first}")
    return PageKey(
        pith=pith,
        direction=direction,
        first=first,
        after=decode_cursor(after, (str, str)) if after else None,
        descending=order is SortOrder.SUBMITTED_DESC,
        categories=tuple(categories) if categories is not None else None,
        year=year,
        facets=asks_for(selected, "facets") or asks_for(selected, "filteredFacets"),
        total=asks_for(selected, "totalCount"),
        aliases=asks_for(selected, "edges", "node", "aliases"),
        brief=paper_projection(selected, ("edges", "node")) == "brief",
    )


def prefetch_pages(info: Info[Context, None], path: tuple[str, ...], pith: str) -> None:
    """Start loading the pages the ``references``/``citations`` fields of the paper at ``path``
    (under the current field) will ask for, before the paper is known to be there: for a paper
    named by its full pith number, so that the page and the lookup run at once. A field whose
    arguments do not make a page is left to ask itself."""
    definition = get_object_definition(Paper, strict=True)
    for name, direction in (("references", "out"), ("citations", "in")):
        fields = fields_under(info, (*path, name))
        if not fields:
            continue
        paper_field = definition.get_field(name)
        assert paper_field is not None  # references and citations are fields of Paper
        defaults = {a.python_name: a.default for a in paper_field.arguments}
        for field in fields:
            args = {**defaults, **field.arguments}
            order = args.get("order")
            try:
                # A literal argument comes as its source text ("50"), a variable's as its value.
                first, year = (
                    int(v) if isinstance(v, str) else v for v in (args["first"], args["year"])
                )
                key = page_key(
                    [field],
                    pith,
                    direction,
                    first,
                    args["after"],
                    order if isinstance(order, SortOrder) else SortOrder[str(order)],
                    args["categories"],
                    year,
                )
            except Exception:  # the field itself reports what is wrong with its arguments
                continue
            info.context.loaders.neighbour_page.load(key)


async def _connection(
    info: Info[Context, None],
    pith: str,
    direction: str,
    first: int,
    after: str | None,
    order: SortOrder,
    categories: list[str] | None,
    year: int | None,
) -> CitationConnection:
    key = page_key(info, pith, direction, first, after, order, categories, year)
    page = await info.context.loaders.neighbour_page.load(key)
    # Rows in CitationEdge's shape, not CitationEdges: plain fields read dict rows
    # (execution.read_field), and a page's fifty edges skip fifty dataclass constructors.
    edges = [
        {
            "cursor": encode_cursor([row["s"], row["t"]]),
            "resolved": row["paper"] is not None,
            "node": Paper.from_row(row["paper"]) if row["paper"] is not None else None,
            "work": row["work"],
            "position": row["position"],
            "raw": row["raw"],
        }
        for row in page.rows
    ]
    return CitationConnection(
        total_count=page.total or 0,
        page_info=page_info(after, page.has_next, [e["cursor"] for e in edges]),
        edges=edges,  # type: ignore[arg-type]  # rows in CitationEdge's shape (see above)
        facets=_facets(page.by_category, page.by_year) if key.facets else None,
        filtered_facets=(
            _facets(page.filtered_by_category, page.filtered_by_year) if key.facets else None
        ),
    )


@strawberry.type(description="A registered paper version and its pith-number record (v1).")
class Paper:
    pith_number: str
    short_pith_number: str
    pith_body: str
    canonical_sha256: str
    source: Source
    title: str
    license: str
    primary_cat: str
    cross_cats: list[str]
    categories: list[str]
    submitted_at: str
    year: int
    authors: list[str]
    authors_text: str
    doi: str | None
    journal_ref: str | None
    comments: str | None
    is_latest: bool = strawberry.field(description="The newest registered version of its id.")
    created_at: str | None
    updated_at: str | None
    citation_count: int = strawberry.field(
        description="Registered papers citing this one (stored, = citations.totalCount)."
    )
    reference_count: int = strawberry.field(
        description="Works this paper cites, unregistered ones included (= references.totalCount)."
    )
    mirrored_from: str | None = strawberry.field(
        description="The base URL of the registry this paper was mirrored from; null when it "
        "was registered here."
    )
    # The store row: the listing properties (store.papers.PAPER_FIELDS), or all of them.
    row: strawberry.Private[dict[str, Any]]
    # A plain attribute (lists of papers complete it without a resolver): a references page
    # reads its papers' aliases with the page (PageKey.aliases); otherwise it is the batched
    # details read of the request (see _aliases).
    aliases: list[Alias] = strawberry.field(description="Every alias node that names this paper.")
    # Plain attributes too, though they read more than the row (:data:`_PAPER_REQUEST_READERS`):
    # each is answered at once from what the request has already read for this paper (its
    # whole row; its details and record status, read with the lookup), and is a future, which
    # graphql-core awaits, only while a read is still to come. A paper whose fields are all
    # attributes is completed by the execution's compiled plan (execution.PithExecution), not
    # field by field; an ``async def`` field costs a coroutine and a round of the event loop
    # even when its value is at hand.
    abstract: str = strawberry.field(
        description="The abstract (an imported record has its 600-character excerpt)."
    )
    canonical_record: JSON = strawberry.field(
        description="The canonical record whose SHA-256 the receipt signs."
    )
    receipt: Receipt | None = strawberry.field(
        description="The receipt signing this paper's canonical SHA-256."
    )
    claims: list[Claim] = strawberry.field(description="Claims about the paper, in claim order.")
    record: JSON = strawberry.field(
        description="The full pith_number_record v1 document (as /pith/<id>.json)."
    )
    verification_status: JSON = strawberry.field(
        description="The record's verification_status flags."
    )
    event_summary: JSON = strawberry.field(
        description="Accepted signed events per event_type (events helper)."
    )
    attestation_state: str = strawberry.field(description="The record's attestation_state.")
    graph_snapshot: JSON = strawberry.field(
        description="The record's graph_snapshot (sections with their SHA-256)."
    )
    integrity: PaperIntegrity = strawberry.field(
        description="Integrity findings and detector runs (the record's graph_snapshot.integrity)."
    )
    links: JSON = strawberry.field(
        description="The record's links (html, json, graph_json, events_json, …)."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Paper:
        """A Paper over its store row. Fields are read from the row when first asked for
        (:meth:`__getattr__`): a 1,000-paper answer that selects two fields builds two values a
        paper, not two dozen (the dataclass constructor took about 12 µs a paper)."""
        paper = object.__new__(cls)
        paper.__dict__["row"] = row
        return paper

    def __getattr__(self, name: str) -> Any:
        # Only called for what the instance does not hold yet: a field, read once.
        read = _PAPER_FIELD_READERS.get(name)
        if read is not None:
            value = read(self.__dict__["row"])
        else:
            read_more = _PAPER_REQUEST_READERS.get(name)
            if read_more is None:
                raise AttributeError(name)
            value = read_more(self)
        self.__dict__[name] = value
        return value

    def _row_now(self, loaders: Loaders) -> dict[str, Any] | NotReady:
        """All properties, abstract and canonical JSON included, when the request holds them."""
        if "canonical_json" in self.row:
            return self.row
        row = ready(loaders.paper_by_pith, self.pith_number)
        return self.row if row is None else row

    async def _full_row(self, loaders: Loaders) -> dict[str, Any]:
        """All properties, abstract and canonical JSON included (one batched read if listed)."""
        if "canonical_json" in self.row:
            return self.row
        row = await loaders.paper_by_pith.load(self.pith_number)
        return row if row is not None else self.row

    def _from_full_row(self, read: Callable[[dict[str, Any]], Any]) -> Any:
        """``read`` of the whole row: now, or a future of it."""
        loaders = request_loaders()
        row = self._row_now(loaders)
        if isinstance(row, NotReady):
            return asyncio.ensure_future(_then(self._full_row(loaders), read))
        return read(row)

    def _from_details(self, read: Callable[[PaperDetails], Any]) -> Any:
        """``read`` of the paper's details (receipt, aliases, claims): now, or a future of it."""
        loaders = request_loaders()
        details = ready(loaders.details_by_pith, self.pith_number)
        if isinstance(details, NotReady):
            return asyncio.ensure_future(
                _then(loaders.details_by_pith.load(self.pith_number), _or_none(read))
            )
        return read(details if details is not None else _NO_DETAILS)

    def _from_document(self, read: Callable[[dict[str, Any]], Any]) -> Any:
        """``read`` of the record document, built once per paper and request however many
        fields use it: now when the request holds the paper's whole row and status, else a
        future of it."""
        document: dict[str, Any] | asyncio.Future[dict[str, Any]] | None = self.__dict__.get(
            "_record_document"
        )
        if document is None:
            context = request_context()
            status = ready(context.loaders.record_status_by_pith, self.pith_number)
            row = self._row_now(context.loaders)
            if isinstance(status, NotReady) or isinstance(row, NotReady):
                document = asyncio.ensure_future(self._build_document(context))
            else:
                document = _assemble_document(row, status, context.base_url)
            self.__dict__["_record_document"] = document
        if isinstance(document, dict):
            return read(document)
        return asyncio.ensure_future(_then(document, read))

    async def _build_document(self, context: Context) -> dict[str, Any]:
        # Together, not one after the other: each await would otherwise wait for its own batch.
        # The status carries the receipt, aliases and claims (read in the same query).
        status, row = await asyncio.gather(
            context.loaders.record_status_by_pith.load(self.pith_number),
            self._full_row(context.loaders),
        )
        return _assemble_document(row, status, context.base_url)

    @strawberry.field(
        description="Accepted signed events about this paper, oldest first, in their wire form "
        "{event, event_id, signature_b64} (as the record's `events`); the first `first` "
        f"(1..{MAX_PAPER_EVENTS}). The `events` query pages them with cursors."
    )
    async def events(self, info: Info[Context, None], first: int = 100) -> list[JSON]:
        if not 0 < first <= MAX_PAPER_EVENTS:
            raise BadInput(f"first must be 1..{MAX_PAPER_EVENTS}, got {first}")
        status = await info.context.loaders.record_status_by_pith.load(self.pith_number)
        return [JSON(e) for e in status.events[:first]] if status is not None else []

    @strawberry.field(description="Works this paper cites (unregistered ones: resolved false).")
    async def references(
        self,
        info: Info[Context, None],
        first: int = 20,
        after: str | None = None,
        order: SortOrder = SortOrder.SUBMITTED_ASC,
        categories: list[str] | None = None,
        year: int | None = None,
    ) -> CitationConnection:
        return await _connection(
            info, self.pith_number, "out", first, after, order, categories, year
        )

    @strawberry.field(
        description="Citing papers per year of their submission, ascending (sums to "
        "citationCount)."
    )
    async def citations_by_year(
        self, info: Info[Context, None]
    ) -> list[Annotated[YearCount, strawberry.lazy("pith_graph.graphql.dashboards")]]:
        from pith_graph.graphql import dashboards

        return await dashboards.citations_by_year(self, info)

    @strawberry.field(
        description="Papers most often cited together with this one (COCITATION) or sharing the "
        "most references with it (COUPLING), each with its score (the shared count) and up to "
        f"{EVIDENCE} shared papers; keyset-paged (first at most {MAX_PAGE}), ties by pith number. "
        f"Bounded: a paper whose pass would read more than {MAX_RELATED_COST:,} two-hop rows (its "
        "citing papers' reference counts, or its references' citation counts, summed) is refused "
        "with QUERY_TOO_COMPLEX in this field."
    )
    async def related(
        self,
        info: Info[Context, None],
        by: RelatedBy = RelatedBy.COCITATION,
        first: int = 10,
        after: str | None = None,
    ) -> Annotated[RelatedConnection, strawberry.lazy("pith_graph.graphql.dashboards")]:
        from pith_graph.graphql import dashboards

        return await dashboards.related(self, info, by, first, after)

    @strawberry.field(description="Registered papers citing this one.")
    async def citations(
        self,
        info: Info[Context, None],
        first: int = 20,
        after: str | None = None,
        order: SortOrder = SortOrder.SUBMITTED_ASC,
        categories: list[str] | None = None,
        year: int | None = None,
    ) -> CitationConnection:
        return await _connection(
            info, self.pith_number, "in", first, after, order, categories, year
        )


def _text(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(name, "")


def _optional(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(name)


def _strings(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: list(row.get(name) or [])


def _count(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: int(row.get(name) or 0)


_NO_DETAILS = PaperDetails(None, [], [])


async def _then(pending: Awaitable[V], read: Callable[[V], T]) -> T:
    return read(await pending)


def _or_none(read: Callable[[PaperDetails], T]) -> Callable[[PaperDetails | None], T]:
    return lambda details: read(details if details is not None else _NO_DETAILS)


def _assemble_document(
    row: dict[str, Any], status: RecordStatus | None, base_url: str
) -> dict[str, Any]:
    details = status.details if status is not None else None
    return record_document(row, details or _NO_DETAILS, base_url, status)


def _abstract(row: dict[str, Any]) -> str:
    return str(row.get("abstract") or "")


def _canonical_record(row: dict[str, Any]) -> JSON:
    return JSON(json.loads(row["canonical_json"]))


def _receipt(details: PaperDetails) -> Receipt | None:
    return Receipt.from_row(details.receipt) if details.receipt is not None else None


def _claims(details: PaperDetails) -> list[Claim]:
    return [Claim.from_row(c) for c in details.claims]


# The fields of Paper that read more than its row: each of the paper, now or as a future.
_PAPER_REQUEST_READERS: dict[str, Callable[[Paper], Any]] = {
    "abstract": lambda p: p._from_full_row(_abstract),
    "canonical_record": lambda p: p._from_full_row(_canonical_record),
    "receipt": lambda p: p._from_details(_receipt),
    "claims": lambda p: p._from_details(_claims),
    "record": lambda p: p._from_document(JSON),
    "verification_status": lambda p: p._from_document(lambda d: JSON(d["verification_status"])),
    "event_summary": lambda p: p._from_document(lambda d: JSON(d["event_summary"])),
    "attestation_state": lambda p: p._from_document(lambda d: str(d["attestation_state"])),
    "graph_snapshot": lambda p: p._from_document(lambda d: JSON(d["graph_snapshot"])),
    "integrity": lambda p: p._from_document(
        lambda d: paper_integrity(p.pith_number, d["graph_snapshot"]["integrity"])
    ),
    "links": lambda p: p._from_document(lambda d: JSON(d["links"])),
    "aliases": lambda p: _aliases(p),
}


def _aliases(paper: Paper) -> Any:
    """A paper's aliases: from its row when the read carried them (a references page's), else
    from the request's batched details read. Either way the store's alias rows as they are, in
    Alias's shape ({kind, value, created_at}): plain fields read dict rows
    (execution.read_field), and a page's hundreds of aliases need no object built for them."""
    listed = paper.row.get("aliases")
    return listed if listed is not None else paper._from_details(_detail_aliases)


def _detail_aliases(details: PaperDetails) -> list[dict[str, Any]]:
    return details.aliases


def _source(row: dict[str, Any]) -> dict[str, Any]:
    # A dict row in Source's shape (execution.read_field), not an object: a thousand a
    # resolveMany.
    return {"kind": row.get("source_kind", "arxiv"), "id": row["source_id"], "version": row["version"]}


def _readers() -> dict[str, Callable[[dict[str, Any]], Any]]:
    """How each plain field of ``Paper`` reads the store row: the stored properties
    (:class:`pith_graph.core.paper.PaperProperties`, the one definition) by their types, then
    the fields the API derives (short pith number, source)."""
    by_type: dict[Any, Callable[[str], Callable[[dict[str, Any]], Any]]] = {
        "str": _text,
        "str | None": _optional,
        "tuple[str, ...]": _strings,
        "int": lambda name: (lambda row: row[name]),
    }
    readers = {f.name: by_type[f.type](f.name) for f in fields(PaperProperties)}
    readers.update(
        pith_number=lambda row: row["pith_number"],
        submitted_at=lambda row: row["submitted_at"],
        short_pith_number=lambda row: f"pith:{row['pith_body'][:8]}",
        source=_source,
        is_latest=lambda row: bool(row.get("is_latest")),
        created_at=_optional("created_at"),
        updated_at=_optional("updated_at"),
        citation_count=_count("citation_count"),
        reference_count=_count("reference_count"),
    )
    plain = {
        f.python_name
        for f in get_object_definition(Paper, strict=True).fields
        if f.base_resolver is None
    }
    return {
        name: read
        for name, read in readers.items()
        if name in plain and name not in _PAPER_REQUEST_READERS
    }


_PAPER_FIELD_READERS = _readers()


@strawberry.enum
class ResolveStatus(enum.Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"


@strawberry.type(description="The outcome of resolving one alias.")
class ResolveResult:
    alias: str
    status: ResolveStatus
    code: str | None = strawberry.field(
        description="NOT_FOUND, AMBIGUOUS_ALIAS or INVALID_ALIAS; null when found."
    )
    paper: Paper | None
    candidates: list[Paper] = strawberry.field(description="The papers an ambiguous alias names.")
    reason: str | None = strawberry.field(description="Why it is not found, ambiguous or invalid.")


def resolve_result_rows(results: list[Resolution]) -> list[dict[str, Any]]:
    """The answers of :class:`ResolveResult` as dict rows in its shape, which plain fields
    read (execution.read_field) and the plan completes: a ``resolveMany`` builds a thousand, and
    an object apiece cost more than completing them. A resolution repeated in the list (an
    alias given twice) is one row."""
    rows: dict[int, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for r in results:
        row = rows.get(id(r))
        if row is None:
            row = rows[id(r)] = {
                "alias": r.alias,
                "status": _STATUSES[r.status],
                "code": r.code,
                "paper": Paper.from_row(r.paper) if r.paper is not None else None,
                "candidates": [Paper.from_row(c) for c in r.candidates] if r.candidates else [],
                "reason": r.reason,
            }
        out.append(row)
    return out


_STATUSES = {s: ResolveStatus(s.value) for s in ResolutionStatus}
