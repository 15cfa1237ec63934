"""Stored counts, kept exact inside every writer's transaction: each paper's citation and
reference counts, and the aggregate cells the dashboards' ``aggregate`` reads.

Every ``Paper`` node carries two integer properties:

* ``p.citation_count``: the number of ``CITES`` relationships ending at ``p``, i.e. the number of
  registered papers citing it (a pair of papers has at most one ``CITES`` edge, and only papers
  cite). It equals ``citations.totalCount`` and the sum of ``citationsByYear``.
* ``p.reference_count``: the number of ``CITES`` relationships starting at ``p``, to papers *and*
  to unregistered works (``references.totalCount``, unresolved references included).

Both are the node's relationship degree, which Neo4j keeps as a counter, so recomputing them is
cheap; storing them makes ``papers(order: MOST_CITED)`` and ``citedByAtLeast`` index-backed
(``neo4j/migrations/0100_paper_counts.cypher``) instead of a degree read per paper and request.

Aggregate cells (``neo4j/migrations/0101_aggregate_cells.cypher``): every paper is counted in
exactly one ``(:PaperCell {key})``, the cell of its combination of the properties ``aggregate``
filters and groups by: ``latest`` (``is_latest``), ``versions`` (registered versions of its arXiv
id), ``year``, ``license`` (``''`` for none), ``primary`` (primary category) and ``categories``
(the paper's list, primary first then cross-listings sorted). A cell holds ``papers`` (how many
papers are in it) and ``citations`` (the sum of their ``citation_count``); a
``(:CitationCell {key})`` per cell and citing year holds ``n``, the CITES edges from papers of
that year into the cell's papers. ``p.count_cell`` is the key of the cell ``p`` is counted in.
A ``(:CitationCountCell {key})`` per cell and citation count (key ``cell@count``) holds
``papers``, the cell's papers with exactly that ``citation_count``, so that ``citedByAtLeast``
is a sum over cells too (a paper whose count changes moves between two of them).
Distinct combinations grow far slower than papers (a few thousand for a million hep-th-like
papers), so an aggregate reads cells, not papers. A cell at zero is the same as no cell.

The rule for writers (registration, ``addReferences``, ingest, record and bundle import all go
through the paper writer and the citation writer): after adding or moving CITES edges in a
transaction, call :func:`refresh_counts` in that same transaction with the papers whose edges
changed, by arXiv id (``source_ids``, every registered version of each) and/or by
``pith_numbers``; a new paper must be named too, and so must every version of an arXiv id that
got a new version (its ``latest``/``versions`` change). A CITES edge to a paper is created with
``r.counts_pending = true`` (:data:`PENDING_ON_CREATE`); the refresh counts it into its target's
citation cell and removes the mark, so an edge is counted exactly once, by the transaction that
created it. The refresh recomputes both counts of the named papers, the citation count of every
paper they cite and the reference count of every paper citing them, moves named papers whose
cell changed (with their whole citation histogram), then applies the summed deltas to the cells.
A paper no writer counted (no ``count_cell``: created by hand, as some tests do) is in no cell
until a writer names it or :func:`rebuild_cells` runs.

Concurrency: each paper is write-locked (a ``SET`` of its current value) *before* its old values
are read, in pith-number order; cells are locked the same way, in key order, after every paper:
two transactions touching one paper or one cell queue, the second recounts after the first
commits, and no update is lost (no read-then-write). A bulk load, which writes the store files
directly, builds the cells once from the loaded graph with :func:`rebuild_cells` (the same
statement as the migration's backfill).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import LiteralString

from neo4j import Driver, ManagedTransaction

from pith_graph.store._run import Statement, tx_rows, unmanaged_sync

__all__ = [
    "COUNT_CELL_STATEMENTS",
    "PAPER_CELL_STATEMENTS",
    "PENDING_ON_CREATE",
    "REBUILD_STATEMENTS",
    "rebuild_cells",
    "refresh_counts",
    "refresh_counts_statement",
]

# The ON CREATE item of every MERGE of a CITES edge to a paper (see the module docstring).
PENDING_ON_CREATE: LiteralString = "ON CREATE SET r.counts_pending = true"

# The cell dimensions of a paper ``p`` and the key of a dimensions map ``d`` (the migration
# 0101_aggregate_cells.cypher spells the same formulas; a test keeps them equal).
_DIMS: LiteralString = """{latest: coalesce(p.is_latest, false),
       versions: COUNT { (:Paper {source_id: p.source_id}) },
       year: p.year, license: coalesce(p.license, ''), primary: coalesce(p.primary_cat, ''),
       categories: coalesce(p.categories, [])}"""
_KEY: LiteralString = """toString(d.latest) + '|' + toString(d.versions) + '|'
       + coalesce(toString(d.year), '') + '|' + d.license + '|' + d.primary + '|'
       + reduce(s = '', c IN d.categories | s + c + ',')"""

_REFRESH: LiteralString = (
    """
CALL () {
  UNWIND $source_ids AS sid
  MATCH (p:Paper {source_id: sid})
  RETURN p
  UNION
  UNWIND $pith_numbers AS pn
  MATCH (p:Paper {pith_number: pn})
  RETURN p
}
WITH p ORDER BY p.pith_number
SET p.citation_count = p.citation_count, p.reference_count = p.reference_count
WITH p, p.count_cell AS old_cell, coalesce(p.citation_count, 0) AS old_cc, """
    + _DIMS
    + """ AS d
WITH p, old_cell, old_cc, d, """
    + _KEY
    + """ AS new_cell
SET p.citation_count = COUNT { (p)<-[:CITES]-() },
    p.reference_count = COUNT { (p)-[:CITES]->() },
    p.count_cell = new_cell
WITH collect({p: p, old: old_cell, new: new_cell, old_cc: old_cc, d: d}) AS named
WITH named, [x IN named | x.p] AS named_nodes
// The papers the named ones cite: their citation counts (cells unchanged).
CALL (named_nodes) {
  UNWIND named_nodes AS p
  MATCH (p)-[:CITES]->(t:Paper)
  WHERE NOT t IN named_nodes
  WITH DISTINCT t ORDER BY t.pith_number
  SET t.citation_count = t.citation_count
  WITH t, coalesce(t.citation_count, 0) AS old_cc
  SET t.citation_count = COUNT { (t)<-[:CITES]-() }
  WITH t AS p, old_cc, t.citation_count - old_cc AS delta
  WHERE delta <> 0 AND t.count_cell IS NOT NULL
  RETURN collect({cell: p.count_cell, papers: 0, citations: delta, d: """
    + _DIMS
    + """, old_cc: old_cc, new_cc: p.citation_count}) AS cited
}
// The papers citing the named ones: their reference counts (not in any cell).
CALL (named_nodes) {
  UNWIND named_nodes AS p
  MATCH (c:Paper)-[:CITES]->(p)
  WHERE NOT c IN named_nodes
  WITH DISTINCT c ORDER BY c.pith_number
  SET c.reference_count = c.reference_count
  WITH c
  SET c.reference_count = COUNT { (c)-[:CITES]->() }
  RETURN count(c) AS citing
}
// Paper-cell deltas: a named paper that changed cell leaves the old one and enters the new one
// with its citations; one that stayed adds its change of citation count.
WITH named, named_nodes, cited,
     [x IN named WHERE x.old IS NOT NULL AND x.old <> x.new
        | {cell: x.old, papers: -1, citations: -x.old_cc, d: null}]
   + [x IN named WHERE x.old IS NULL OR x.old <> x.new
        | {cell: x.new, papers: 1, citations: x.p.citation_count, d: x.d}]
   + [x IN named WHERE x.old = x.new AND x.p.citation_count <> x.old_cc
        | {cell: x.new, papers: 0, citations: x.p.citation_count - x.old_cc, d: x.d}]
   + cited AS cell_deltas,
// Citation-count-cell deltas: a named paper whose cell or count changed leaves its old
// (cell, count) and enters the new one; a cited paper moves from its old count to its new one.
     [x IN named WHERE x.old IS NOT NULL
                   AND (x.old <> x.new OR x.old_cc <> x.p.citation_count)
        | {cell: x.old, count: x.old_cc, papers: -1}]
   + [x IN named WHERE x.old IS NULL OR x.old <> x.new OR x.old_cc <> x.p.citation_count
        | {cell: x.new, count: x.p.citation_count, papers: 1}]
   + reduce(a = [], x IN cited | a + [{cell: x.cell, count: x.old_cc, papers: -1},
                                      {cell: x.cell, count: x.new_cc, papers: 1}])
     AS count_deltas
// Citation-cell deltas: a moved paper takes its whole histogram along (the edges counted before
// this transaction leave the old cell, all of them enter the new one); every other new edge adds
// one to its target's cell for the citing paper's year.
CALL (named) {
  UNWIND [x IN named WHERE x.old IS NULL OR x.old <> x.new] AS x
  WITH x, x.p AS p
  CALL (x, p) {
    MATCH (c:Paper)-[r:CITES]->(p) WHERE x.old IS NOT NULL AND r.counts_pending IS NULL
    WITH c.year AS year, count(*) AS n
    RETURN collect({cell: x.old, year: year, n: -n}) AS out
  }
  CALL (x, p) {
    MATCH (c:Paper)-[:CITES]->(p)
    WITH c.year AS year, count(*) AS n
    RETURN collect({cell: x.new, year: year, n: n}) AS into
  }
  RETURN collect(out + into) AS moved
}
WITH cell_deltas, count_deltas, reduce(a = [], m IN moved | a + m) AS moved_deltas,
     [x IN named WHERE x.old IS NULL OR x.old <> x.new | x.p] AS moved_nodes
CALL (moved_nodes) {
  MATCH (c:Paper)-[r:CITES]->(t:Paper)
    USING INDEX r:CITES(counts_pending)
    WHERE r.counts_pending = true
  REMOVE r.counts_pending
  WITH c, t WHERE NOT t IN moved_nodes AND t.count_cell IS NOT NULL
  WITH t.count_cell AS cell, c.year AS year, count(*) AS n
  RETURN collect({cell: cell, year: year, n: n}) AS edge_deltas
}
// Cells last, in key order, each locked before it is read.
CALL (cell_deltas) {
  UNWIND cell_deltas AS x
  WITH x.cell AS key, sum(x.papers) AS papers, sum(x.citations) AS citations,
       head(collect(x.d)) AS d
  WHERE papers <> 0 OR citations <> 0
  WITH key, papers, citations, d ORDER BY key
  MERGE (cell:PaperCell {key: key})
    ON CREATE SET cell += d, cell.papers = 0, cell.citations = 0
  SET cell.papers = cell.papers
  WITH cell, papers, citations
  SET cell.papers = cell.papers + papers, cell.citations = cell.citations + citations
  RETURN count(*) AS cells
}
CALL (moved_deltas, edge_deltas) {
  UNWIND moved_deltas + edge_deltas AS x
  WITH x.cell AS cell, x.year AS year, sum(x.n) AS n
  WHERE n <> 0
  WITH cell + '#' + coalesce(toString(year), '') AS key, cell, year, n ORDER BY key
  MATCH (pc:PaperCell {key: cell})
  MERGE (y:CitationCell {key: key})
    ON CREATE SET y.latest = pc.latest, y.versions = pc.versions, y.year = pc.year,
                  y.license = pc.license, y.primary = pc.primary, y.categories = pc.categories,
                  y.cell = cell, y.citing_year = year, y.n = 0
  SET y.n = y.n
  WITH y, n
  SET y.n = y.n + n
  RETURN count(*) AS year_cells
}
CALL (count_deltas) {
  UNWIND count_deltas AS x
  WITH x.cell AS cell, x.count AS count, sum(x.papers) AS papers
  WHERE papers <> 0
  WITH cell + '@' + toString(count) AS key, cell, count, papers ORDER BY key
  MATCH (pc:PaperCell {key: cell})
  MERGE (y:CitationCountCell {key: key})
    ON CREATE SET y.latest = pc.latest, y.versions = pc.versions, y.year = pc.year,
                  y.license = pc.license, y.primary = pc.primary, y.categories = pc.categories,
                  y.cell = cell, y.citation_count = count, y.papers = 0
  SET y.papers = y.papers
  WITH y, papers
  SET y.papers = y.papers + papers
  RETURN count(*) AS count_cells
}
RETURN cells, year_cells, count_cells
"""
)

# The backfill of the cells from the graph as it is (the migrations' data statements): every
# paper's cell key, then each cell and citation cell counted (migration 0101), then the
# citation-count cells (migration 0102).
PAPER_CELL_STATEMENTS: tuple[LiteralString, ...] = (
    "MATCH (c:PaperCell) CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (c:CitationCell) CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS",
    """MATCH (p:Paper)
CALL (p) {
  WITH """ + _DIMS + """ AS d
  SET p.count_cell = """ + _KEY + """
} IN TRANSACTIONS OF 10000 ROWS""",
    """MATCH (p:Paper)
WITH p.count_cell AS key, count(*) AS papers, sum(p.citation_count) AS citations,
     head(collect(p)) AS p
WITH key, papers, citations, """ + _DIMS + """ AS d
MERGE (cell:PaperCell {key: key})
SET cell += d, cell.papers = papers, cell.citations = citations""",
    """MATCH (c:Paper)-[:CITES]->(p:Paper)
WITH p.count_cell AS cell, c.year AS year, count(*) AS n
MATCH (pc:PaperCell {key: cell})
MERGE (y:CitationCell {key: cell + '#' + coalesce(toString(year), '')})
SET y.latest = pc.latest, y.versions = pc.versions, y.year = pc.year, y.license = pc.license,
    y.primary = pc.primary, y.categories = pc.categories, y.cell = cell, y.citing_year = year,
    y.n = n""",
)
COUNT_CELL_STATEMENTS: tuple[LiteralString, ...] = (
    "MATCH (c:CitationCountCell) CALL (c) { DELETE c } IN TRANSACTIONS OF 10000 ROWS",
    """MATCH (p:Paper) WHERE p.count_cell IS NOT NULL
WITH p.count_cell AS cell, coalesce(p.citation_count, 0) AS count, count(*) AS papers
MATCH (pc:PaperCell {key: cell})
MERGE (y:CitationCountCell {key: cell + '@' + toString(count)})
SET y.latest = pc.latest, y.versions = pc.versions, y.year = pc.year, y.license = pc.license,
    y.primary = pc.primary, y.categories = pc.categories, y.cell = cell,
    y.citation_count = count, y.papers = papers""",
)
REBUILD_STATEMENTS: tuple[LiteralString, ...] = PAPER_CELL_STATEMENTS + COUNT_CELL_STATEMENTS


def _params(
    source_ids: Iterable[str], pith_numbers: Iterable[str]
) -> dict[str, list[str]]:
    return {"source_ids": sorted(set(source_ids)), "pith_numbers": sorted(set(pith_numbers))}


def refresh_counts_statement(
    *, source_ids: Iterable[str] = (), pith_numbers: Iterable[str] = ()
) -> Statement | None:
    """:func:`refresh_counts` as a statement of a write plan (``None``: nothing to recount)."""
    params = _params(source_ids, pith_numbers)
    if params["source_ids"] or params["pith_numbers"]:
        return _REFRESH, dict(params)
    return None


def refresh_counts(
    tx: ManagedTransaction,
    *,
    source_ids: Iterable[str] = (),
    pith_numbers: Iterable[str] = (),
) -> None:
    """Recompute the stored counts and cells around the named papers, in the caller's transaction."""
    statement = refresh_counts_statement(source_ids=source_ids, pith_numbers=pith_numbers)
    if statement is not None:
        tx_rows(tx, statement[0], **statement[1])


def rebuild_cells(driver: Driver, database: str) -> None:
    """Build every aggregate cell from the graph (a bulk-loaded store; nothing else writing)."""
    for statement in REBUILD_STATEMENTS:
        unmanaged_sync(driver, database, statement)
