"""Plain HTTP endpoints beside /graphql. Each route module exposes ``routes() -> list[BaseRoute]``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from pith_graph.http import (
    actions,
    bundles,
    explore,
    graphiql,
    integrity,
    keys,
    landing,
    log,
    paper_pages,
    reference_routes,
    schemas,
    witness,
)

__all__ = ["extra_routes"]

# The route modules in matching order: reference_routes' /pith/{suffix:path} catches all under
# /pith/, so the modules with more specific /pith/… routes come before it.
_ROUTE_MODULES = (
    landing,
    keys,
    schemas,
    log,
    witness,
    explore,
    graphiql,
    bundles,
    integrity,
    paper_pages,
    actions,
    reference_routes,
)


def extra_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for module in _ROUTE_MODULES:
        routes.extend(module.routes())
    return routes
