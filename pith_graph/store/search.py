"""Title search over the full-text index ``paper_title`` (migration 0001), keyset-paged.

Results are ordered by ``(score DESC, pith_number)``; the cursor is the last row's pair. The user's
text is text: every character of Lucene's query syntax (``:``, ``(``, ``-``, ``*``, ``&&``, …) is
escaped, and so are the keywords ``AND``, ``OR``, ``NOT`` and ``TO`` (a leading backslash makes
the parser read them as terms), so ``NOT black`` searches for both words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver

from pith_graph.store._run import read_async

__all__ = ["MAX_SEARCH_TEXT", "SearchPage", "lucene_escape", "search_titles"]

# Longest search text: at most ~500 words, within Lucene's limit of 1,024 clauses per query.
MAX_SEARCH_TEXT = 1000

_SEARCH: LiteralString = """
CALL db.index.fulltext.queryNodes('paper_title', $text) YIELD node, score
WITH collect({paper: node, score: score}) AS hits
WITH size(hits) AS total,
  [h IN hits WHERE $after IS NULL OR h.score < $after[0]
     OR (h.score = $after[0] AND h.paper.pith_number > $after[1])] AS rest
UNWIND (CASE WHEN rest = [] THEN [null] ELSE rest END) AS h
WITH total, h ORDER BY h.score DESC, h.paper.pith_number
WITH total, collect(h)[0..$first + 1] AS page
RETURN total, [h IN page WHERE h IS NOT NULL | {paper: properties(h.paper), score: h.score}] AS rows
"""

_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
# Lucene's classic query parser reads these words, in capitals, as operators.
_LUCENE_KEYWORDS = re.compile(r"(?<![\w\\])(AND|OR|NOT|TO)(?!\w)")


def lucene_escape(text: str) -> str:
    """Escape Lucene's query syntax and keywords so ``text`` is matched as words."""
    return _LUCENE_KEYWORDS.sub(r"\\\1", _LUCENE_SPECIAL.sub(r"\\\1", text))


@dataclass(frozen=True, slots=True)
class SearchPage:
    rows: list[dict[str, Any]]  # {paper: properties, score}
    has_next: bool
    total: int


async def search_titles(
    driver: AsyncDriver,
    database: str,
    title: str,
    *,
    first: int,
    after: tuple[float, str] | None = None,
) -> SearchPage:
    """Papers whose title matches ``title``, best first."""
    records = await read_async(
        driver,
        database,
        _SEARCH,
        text=lucene_escape(title),
        first=first,
        after=list(after) if after is not None else None,
    )
    r = records[0]
    rows = [dict(x) for x in r["rows"]]
    return SearchPage(rows[:first], len(rows) > first, r["total"])
