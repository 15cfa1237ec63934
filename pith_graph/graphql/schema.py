"""The GraphQL schema, assembled from the query, mutation and subscription roots."""

from __future__ import annotations

import strawberry

from pith_graph import __version__

__all__ = ["Query", "build_schema"]


@strawberry.type(description="Read access to the registry. Every read is public.")
class Query:
    @strawberry.field(description="The version of the pith-graph service answering.")
    def service_version(self) -> str:
        return __version__


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query)
