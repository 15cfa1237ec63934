"""Entry point of the `pith-graph` command.

Each command group lives in its own module and exposes ``register(subparsers)``, which adds its
parser and sets ``func`` (a callable taking the parsed ``argparse.Namespace`` and returning an
exit code). ``main(argv)`` is testable in-process; ``run()`` is the console script.

A failure is one line on stderr and an exit code from :mod:`pith_graph.cli.errors`, whatever the
command; ``pith-graph --debug COMMAND`` (or ``PITH_DEBUG=1``) also prints the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from pith_graph import __version__
from pith_graph.cli import (
    bundle,
    db,
    demo,
    events,
    export,
    harvest,
    ingest,
    integrity,
    keys,
    log,
    mirror,
    record,
    schema,
    serve,
    tokens,
    witness,
)
from pith_graph.cli.errors import EXIT_CODES_HELP, EXIT_INTERRUPTED, describe

# The modules of the command groups, in the order `--help` lists them.
_COMMAND_MODULES = (
    serve,
    db,
    record,
    keys,
    tokens,
    ingest,
    harvest,
    demo,
    schema,
    events,
    bundle,
    log,
    witness,
    mirror,
    integrity,
    export,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pith-graph",
        description="Registry of pith numbers: content-addressed, Ed25519-signed paper ids.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument("--version", action="version", version=f"pith-graph {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        default=os.environ.get("PITH_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"},
        help="print a traceback with a failure's one-line message (also PITH_DEBUG=1)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print(f"{_prog(args)}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        line, code = describe(exc)
        print(f"{_prog(args)}: {line}", file=sys.stderr)
        return code


def _prog(args: argparse.Namespace) -> str:
    names = [args.command] + [
        str(value) for key, value in vars(args).items() if key.endswith("_command") and value
    ]
    return " ".join(["pith-graph", *[n for n in names if n]])


def run() -> None:
    sys.exit(main())
