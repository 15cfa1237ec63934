"""Load time of the explorer page on a running server (e.g. ``make serve`` with the demo data).

Each run opens a fresh browser context (cold cache), navigates to ``/explore?q=QUERY`` and waits
until the page marks itself loaded (card, references table and neighborhood graph drawn). It
prints the medians of the Navigation Timing marks and of that "ready" time, in milliseconds:

    .venv/bin/python scripts/explore_load_time.py --url http://127.0.0.1:8000 --runs 7
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from playwright.sync_api import sync_playwright

_MARKS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    ttfb_ms: nav.responseStart,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    load_event_ms: nav.loadEventEnd,
    ready_ms: Number(document.body.dataset.readyAt),
    graph_query_ms: Number(document.body.dataset.graphQueryMs),
    graph_draw_ms: Number(document.body.dataset.graphDrawMs),
    transferred_bytes: performance.getEntriesByType('resource')
      .reduce((n, r) => n + r.transferSize, nav.transferSize),
  };
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="base URL of the app")
    parser.add_argument("--query", default="hep-th/9711200", help="what the page searches for")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)

    samples: list[dict[str, float]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True)
        try:
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.on("pageerror", lambda exc: sys.exit(f"JavaScript error on the page: {exc}"))
                page.goto(f"{args.url}/explore?q={args.query}&depth={args.depth}")
                page.wait_for_function("document.body.dataset.loaded", timeout=120_000)
                samples.append(page.evaluate(_MARKS))
                context.close()
        finally:
            browser.close()
    medians = {key: round(statistics.median(s[key] for s in samples), 1) for key in samples[0]}
    print(json.dumps({"url": args.url, "query": args.query, "depth": args.depth,
                      "runs": args.runs, "median": medians,
                      "ready_ms_all": [round(s["ready_ms"], 1) for s in samples]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
