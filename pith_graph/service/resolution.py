"""Alias resolution: normalise with the core parser, look up candidates, decide.

Decision rules (graph model, ``schema/graph-model.md``):

* a full pith number names one paper (with ``pith:YEAR:``, the year must match too);
* a pith prefix of 8..25 characters is found when one paper starts with it, ambiguous otherwise;
* an arXiv id with a version names that version; without a version, the latest registered one;
* a DOI names the papers its alias links to: one arXiv id's versions -> the latest version;
  several different papers -> ambiguous.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver, Driver

from pith_graph.core.aliases import AliasQuery, QueryKind, parse_alias
from pith_graph.core.errors import InvalidAlias
from pith_graph.core.pith_number import PithNumber
from pith_graph.service.errors import AmbiguousAlias, BadInput, InvalidAliasInput, NotFound
from pith_graph.store import resolve as store

__all__ = [
    "MAX_ALIASES",
    "Resolution",
    "ResolveStatus",
    "decide",
    "exact_pith_number",
    "lookup_key",
    "require_found",
    "resolve_aliases",
    "resolve_aliases_sync",
    "resolve_paper",
]

MAX_ALIASES = 1000


class ResolveStatus(enum.StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"


@dataclass(slots=True)
class Resolution:
    """The outcome for one alias: ``paper`` (properties) when found, ``candidates`` when ambiguous,
    ``reason`` when invalid or not found. A value, though not frozen: a batch makes a thousand,
    and a frozen dataclass sets each field through ``object.__setattr__`` (twice the cost)."""

    alias: str
    status: ResolveStatus
    paper: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    query: AliasQuery | None = None

    @property
    def code(self) -> str | None:
        return _CODES[self.status]


_CODES: dict[ResolveStatus, str | None] = {
    ResolveStatus.FOUND: None,
    ResolveStatus.NOT_FOUND: "NOT_FOUND",
    ResolveStatus.AMBIGUOUS: "AMBIGUOUS_ALIAS",
    ResolveStatus.INVALID: "INVALID_ALIAS",
}


def lookup_key(query: AliasQuery) -> dict[str, Any]:
    """The store key for a parsed alias."""
    if query.kind is QueryKind.PITH:
        return {"kind": "pith", "value": query.value, "alias_kind": None}
    if query.kind is QueryKind.PITH_PREFIX:
        return {"kind": "pith_prefix", "value": query.value, "alias_kind": None}
    if query.kind is QueryKind.ARXIV:
        if query.version is not None:
            value = f"{query.value}v{query.version}"
            return {"kind": "alias", "value": value, "alias_kind": "arxiv_version"}
        return {"kind": "alias", "value": query.value, "alias_kind": "arxiv"}
    return {"kind": "alias", "value": query.value, "alias_kind": "doi"}


def _latest(papers: list[dict[str, Any]]) -> dict[str, Any]:
    return max(papers, key=lambda p: (p.get("version") or 0, p["pith_number"]))


def decide(alias: str, query: AliasQuery, candidates: list[dict[str, Any]]) -> Resolution:
    """Pick the answer among the candidates the store found (pure)."""
    if query.kind is QueryKind.PITH and query.year is not None:
        candidates = [c for c in candidates if c.get("year") == query.year]
    if not candidates:
        reason = f"no paper is registered under {alias!r}"
        return Resolution(alias, ResolveStatus.NOT_FOUND, reason=reason, query=query)
    if len(candidates) == 1:  # the one paper, whatever the kind (one id's latest is itself)
        return Resolution(alias, ResolveStatus.FOUND, paper=candidates[0], query=query)
    if query.kind in (QueryKind.PITH, QueryKind.PITH_PREFIX):
        return _ambiguous(alias, query, candidates)
    by_source: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in candidates:
        by_source.setdefault((c.get("source_kind", "arxiv"), c["source_id"]), []).append(c)
    if len(by_source) == 1:
        return Resolution(alias, ResolveStatus.FOUND, paper=_latest(candidates), query=query)
    return _ambiguous(alias, query, [_latest(ps) for ps in by_source.values()])


def _ambiguous(alias: str, query: AliasQuery, candidates: list[dict[str, Any]]) -> Resolution:
    ordered = sorted(candidates, key=lambda c: c["pith_number"])
    return Resolution(
        alias,
        ResolveStatus.AMBIGUOUS,
        candidates=ordered,
        reason=f"{alias!r} names {len(ordered)} papers",
        query=query,
    )


def _parse_all(aliases: Sequence[str]) -> dict[str, AliasQuery | Resolution]:
    """Each distinct alias text parsed once: its query, or its ``INVALID`` resolution."""
    if len(aliases) > MAX_ALIASES:
        raise BadInput(f"at most {MAX_ALIASES} aliases per request, got {len(aliases)}")
    parsed: dict[str, AliasQuery | Resolution] = {}
    for text in aliases:
        if type(text) is not str or text in parsed:
            continue  # what is not a string is refused when decided (_not_a_string)
        try:
            parsed[text] = parse_alias(text)
        except InvalidAlias as exc:
            parsed[text] = Resolution(text, ResolveStatus.INVALID, reason=str(exc))
    return parsed


class _Lookup:
    """The store keys of a batch of aliases: each distinct key once, however many aliases (a
    full pith number with and without its year, ``2603.13419`` and ``arXiv:2603.13419``, the
    same text twice) share it."""

    __slots__ = ("aliases", "keys", "parsed", "slot")

    def __init__(self, aliases: Sequence[str]) -> None:
        self.aliases = aliases
        self.parsed = _parse_all(aliases)
        self.keys: list[dict[str, Any]] = []
        # text -> index of its key in self.keys
        self.slot: dict[str, int] = {}
        index: dict[tuple[str, str, str | None], int] = {}
        for text, query in self.parsed.items():
            if isinstance(query, Resolution):
                continue
            key = lookup_key(query)
            seen = (key["kind"], key["value"], key["alias_kind"])
            at = index.get(seen)
            if at is None:
                at = index[seen] = len(self.keys)
                self.keys.append(key)
            self.slot[text] = at

    def decide(self, found: list[list[dict[str, Any]]]) -> list[Resolution]:
        """Every alias's resolution, in input order (one per distinct text, shared by its
        repeats)."""
        decided: dict[str, Resolution] = {}
        for text, query in self.parsed.items():
            decided[text] = (
                query if isinstance(query, Resolution) else decide(text, query, found[self.slot[text]])
            )
        out: list[Resolution] = []
        for text in self.aliases:
            resolution = decided.get(text) if type(text) is str else None
            out.append(resolution if resolution is not None else _not_a_string(text))
        return out


def _not_a_string(text: object) -> Resolution:
    try:
        parse_alias(text)  # type: ignore[arg-type]
    except InvalidAlias as exc:
        return Resolution(text, ResolveStatus.INVALID, reason=str(exc))  # type: ignore[arg-type]
    raise AssertionError("only strings are aliases")


async def resolve_aliases(
    driver: AsyncDriver,
    database: str,
    aliases: Sequence[str],
    *,
    projection: store.Projection = "full",
) -> list[Resolution]:
    """Resolve up to :data:`MAX_ALIASES` aliases with ONE store query, in input order.

    ``projection`` says which paper properties come back: all (``"full"``), the listing ones
    (no abstract or canonical JSON: :data:`pith_graph.store.papers.PAPER_FIELDS`), or the
    ``"brief"`` ones (:data:`pith_graph.store.papers.PAPER_BRIEF`)."""
    lookup = _Lookup(aliases)
    found = await store.candidates_for(driver, database, lookup.keys, projection=projection)
    return lookup.decide(found)


def resolve_aliases_sync(driver: Driver, database: str, aliases: Sequence[str]) -> list[Resolution]:
    """:func:`resolve_aliases` for the synchronous write paths (mutations, CLI)."""
    lookup = _Lookup(aliases)
    found = store.candidates_for_sync(driver, database, lookup.keys)
    return lookup.decide(found)


def require_found(resolution: Resolution) -> dict[str, Any]:
    """The paper of a resolution, or the matching :class:`ServiceError`."""
    if resolution.status is ResolveStatus.FOUND and resolution.paper is not None:
        return resolution.paper
    if resolution.status is ResolveStatus.AMBIGUOUS:
        raise AmbiguousAlias(
            resolution.reason or "ambiguous", [c["pith_number"] for c in resolution.candidates]
        )
    if resolution.status is ResolveStatus.INVALID:
        raise InvalidAliasInput(resolution.reason or "invalid alias")
    raise NotFound(resolution.reason or f"{resolution.alias!r} not found")


def exact_pith_number(alias: object) -> str | None:
    """The pith number an alias spells out in full (``pith:YEAR:BODY``, any case), which names
    at most one paper without a lookup: a read keyed by it finds that paper or nothing, as
    :func:`decide` would. ``None`` for every other notation (prefixes, arXiv ids, DOIs)."""
    if not isinstance(alias, str):
        return None
    try:
        query = parse_alias(alias)
    except InvalidAlias:
        return None
    if query.kind is not QueryKind.PITH or query.year is None:
        return None
    try:
        return PithNumber(query.year, query.value).full
    except ValueError:
        return None


async def resolve_paper(
    driver: AsyncDriver, database: str, alias: str, *, projection: store.Projection = "brief"
) -> dict[str, Any]:
    """The paper ``alias`` names, in any notation ``resolve`` takes (full or short pith number, a
    prefix, an arXiv id, a DOI, …), or the coded refusal ``resolve`` would report:
    :class:`InvalidAliasInput`, :class:`NotFound` or :class:`AmbiguousAlias`.

    Every field and route that names one paper goes through here.
    """
    if not isinstance(alias, str):
        raise InvalidAliasInput(f"expected an alias string, got {type(alias).__name__}")
    (resolution,) = await resolve_aliases(driver, database, [alias], projection=projection)
    return require_found(resolution)
