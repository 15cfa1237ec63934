"""Plain HTTP endpoints beside /graphql. Each module exposes ``routes() -> list[BaseRoute]``."""

from __future__ import annotations

import importlib

from starlette.routing import BaseRoute

__all__ = ["ROUTE_MODULES", "extra_routes"]

# Modules whose routes the app serves, in matching order: compat's /pith/{suffix:path} catches
# everything under /pith/, so the modules with more specific /pith/… routes come before it.
ROUTE_MODULES: tuple[str, ...] = (
    "pith_graph.http.landing",
    "pith_graph.http.keys",
    "pith_graph.http.schemas",
    "pith_graph.http.log",
    "pith_graph.http.witness",
    "pith_graph.http.explore",
    "pith_graph.http.graphiql",
    "pith_graph.http.bundles",
    "pith_graph.http.integrity",
    "pith_graph.http.paper_pages",
    "pith_graph.http.actions",
    "pith_graph.http.compat",
)


def extra_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).routes())
    return routes
