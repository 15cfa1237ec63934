"""``/schemas/pith-number/v1.json``: the JSON Schema (draft 2020-12) of the record we serve.

The file is ``schema/pith-number-record.schema.json``, shipped inside the package. Its ``$id``
is this registry's own URL for it, the one every record names in ``schema_url``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pith_graph.core.document import SCHEMA_PATH

__all__ = ["record_schema", "routes"]


@functools.cache
def _schema_text() -> str:
    return (resources.files("pith_graph") / "static" / "schemas" / "pith-number-v1.json").read_text(
        "utf-8"
    )


def record_schema(base_url: str) -> dict[str, Any]:
    """The record schema, ``$id`` set to ``base_url`` + :data:`SCHEMA_PATH`."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return {**schema, "$id": base_url.rstrip("/") + SCHEMA_PATH}


async def record_schema_endpoint(request: Request) -> JSONResponse:
    schema = record_schema(request.app.state.settings.public_base_url)
    return JSONResponse(
        schema,
        media_type="application/schema+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def routes() -> list[BaseRoute]:
    return [Route(SCHEMA_PATH, record_schema_endpoint, methods=["GET"])]
