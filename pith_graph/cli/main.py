"""Entry point of the `pith-graph` command.

Each command group lives in its own module and exposes ``register(subparsers)``, which adds its
parser and sets ``func`` (a callable taking the parsed ``argparse.Namespace`` and returning an
exit code). ``main(argv)`` is testable in-process; ``run()`` is the console script.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pith_graph import __version__

# Modules that provide command groups, in the order `--help` lists them.
_COMMAND_MODULES = (
    "pith_graph.cli.serve",
    "pith_graph.cli.db",
    "pith_graph.cli.record",
    "pith_graph.cli.keys",
    "pith_graph.cli.tokens",  # security (issue 7)
    "pith_graph.cli.ingest",
    "pith_graph.cli.demo",
    "pith_graph.cli.schema",
    "pith_graph.cli.events",  # events helper (issue 6)
    "pith_graph.cli.bundle",  # events helper (issue 6)
    "pith_graph.cli.log",  # events helper (issue 6)
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="pith-graph",
        description="Registry of pith numbers: content-addressed, Ed25519-signed paper ids.",
    )
    parser.add_argument("--version", action="version", version=f"pith-graph {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # command group not built yet in this checkout
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return int(func(args))


def run() -> None:
    sys.exit(main())
