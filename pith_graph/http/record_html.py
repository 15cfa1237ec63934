"""The HTML view of a record: what ``/pith/<SUFFIX>`` answers to a browser (``Accept: text/html``).

The server renders the card from the v1 record (readable without JavaScript); the explorer
script then redraws it from GraphQL and adds the neighborhood graph and the references table.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from pith_graph.core.pith_number import parse_pith_number
from pith_graph.core.snippets import latex_snippet
from pith_graph.http.explore_page import explorer_page

__all__ = ["CHIPS", "render_html"]

# The reference system's record pages show verification_status as four chips.
CHIPS: tuple[tuple[str, str], ...] = (
    ("attested", "author_attested"),
    ("anchored", "externally_anchored"),
    ("stored", "storage_verified"),
    ("refs", "references_resolved"),
)


def _chips(record: dict[str, Any]) -> str:
    status = record.get("verification_status") or {}
    state = escape(str(record.get("attestation_state", "")))
    chips = [f'<span class="state state-{state}">{state}</span>']
    for name, flag in CHIPS:
        on = bool(status.get(flag))
        chips.append(
            f'<span class="chip {"on" if on else "off"}" data-chip="{name}" '
            f'data-state="{"on" if on else "off"}">{"&#10003;" if on else "&ndash;"} {name}</span>'
        )
    return f'<div class="chips" aria-label="verification status">{"".join(chips)}</div>'


def card_html(record: dict[str, Any]) -> str:
    """The card of one record, escaped HTML."""
    pith = parse_pith_number(record["pith_number"])
    paper = record.get("paper", {})
    receipt = record.get("receipt") or {}
    aliases = "".join(
        f'<li data-kind="{escape(a["alias_kind"])}"><span class="kind">{escape(a["alias_kind"])}'
        f'</span> <code>{escape(a["alias_value"])}</code></li>'
        for a in sorted(record.get("aliases", []), key=lambda a: a["alias_kind"])
    )
    source = record.get("source", {})
    receipt_text = (
        f'{escape(str(receipt.get("signature_status", "")))} &middot; {escape(str(receipt.get("key_id", "")))}'
        f' &middot; signed {escape(str(receipt.get("signed_at", "")))}'
        if receipt
        else "no receipt"
    )
    return f"""
<h2 class="title" id="card-title">{escape(str(paper.get("title", "")))}</h2>
<p class="authors">{escape(str(paper.get("authors_text", "")))}</p>
<p class="pith"><a class="pith-number" href="/pith/{pith.body}">{escape(pith.full)}</a>
  <button type="button" class="copy" data-copy="{escape(pith.full)}">Copy</button>
  <span class="short">{escape(pith.short)}</span></p>
{_chips(record)}
<dl class="facts">
  <dt>arXiv</dt><dd>{escape(str(source.get("id", "")))}v{escape(str(source.get("version", "")))}</dd>
  <dt>Category</dt><dd>{escape(str(paper.get("primary_cat", "")))}</dd>
  <dt>Submitted</dt><dd>{escape(str(paper.get("submitted_at", "")))}</dd>
  <dt>Receipt</dt><dd><span class="receipt">{receipt_text}</span></dd>
  <dt>Aliases</dt><dd><ul class="aliases">{aliases}</ul></dd>
</dl>
<p><img class="badge" src="/badge/{pith.body}.svg" alt="pith badge {escape(pith.short)}"></p>
<pre class="latex">{escape(latex_snippet(pith))}</pre>
<p class="links"><a href="/pith/{pith.body}.json">record JSON</a> &middot;
  <a href="/pith/{pith.body}/latex">LaTeX</a></p>
"""


def render_html(request: Request, record: dict[str, Any]) -> Response:
    title = f'{record.get("paper", {}).get("title", "")} · {record["short_pith_number"]}'
    page = explorer_page(title=title, initial_query=record["pith_number"], card_html=card_html(record))
    return HTMLResponse(page)
