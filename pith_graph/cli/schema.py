"""`pith-graph schema export`: write the GraphQL SDL to schema/schema.graphql (or stdout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_OUTPUT", "register", "schema_sdl"]

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("schema", help="the GraphQL schema (SDL)")
    commands = parser.add_subparsers(dest="schema_command", metavar="SUBCOMMAND", required=True)
    export = commands.add_parser("export", help="write the SDL (default: schema/schema.graphql)")
    export.add_argument(
        "--output", "-o", default=str(DEFAULT_OUTPUT), help="file to write, or - for stdout"
    )
    export.set_defaults(func=_export)


def schema_sdl() -> str:
    """The SDL of the live schema, newline-terminated (imported here so that the CLI's other
    commands start without loading the GraphQL layer)."""
    from pith_graph.graphql import schema

    return schema.schema_sdl()


def _export(args: argparse.Namespace) -> int:
    sdl = schema_sdl()
    if args.output == "-":
        sys.stdout.write(sdl)
        return 0
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sdl, encoding="utf-8")
    print(f"pith-graph schema: wrote {path}", file=sys.stderr)
    return 0
