"""How the CLI fails: one line on stderr (what went wrong, why, what to do) and an exit code.

| exit | meaning |
| --- | --- |
| 0 | done |
| 1 | the command ran and the answer is no: a proof or record did not verify, the database is behind its migrations, a consistency check found problems, an input was refused |
| 2 | usage or configuration: bad arguments or input file, an invalid setting, an unsafe key file |
| 3 | the database: Neo4j cannot be reached, or the local Neo4j could not be built or started |
| 4 | blocked: another process holds what the command needs (a running ``serve`` or ``db start`` over the store, a port taken by another program, a non-empty target) |
| 70 | an internal error (a bug): the line says so; ``--debug`` prints the traceback |
| 130 | interrupted (Ctrl-C) |

``main`` turns any exception a command lets escape into that line; ``--debug`` adds the traceback.
"""

from __future__ import annotations

__all__ = [
    "EXIT_BLOCKED",
    "EXIT_CODES_HELP",
    "EXIT_DATABASE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_NO",
    "EXIT_USAGE",
    "CliError",
    "describe",
]

EXIT_NO = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_BLOCKED = 4
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "exit codes: 0 done; 1 the answer is no (not verified, behind, refused); 2 usage or "
    "configuration; 3 Neo4j unreachable or the local Neo4j could not start; 4 blocked by another "
    "process (a running serve, a taken port); 70 internal error; 130 interrupted. "
    "Failures print one line; --debug adds the traceback."
)


class CliError(Exception):
    """A failure a command explains itself: ``what`` happened, ``why``, and what to ``do``."""

    def __init__(self, what: str, why: str = "", do: str = "", exit_code: int = EXIT_USAGE) -> None:
        self.what, self.why, self.do, self.exit_code = what, why, do, exit_code
        super().__init__(_line(what, why, do))


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _line(what: str, why: str = "", do: str = "") -> str:
    parts = [_first_line(what)]
    if why:
        parts.append(_first_line(why))
    text = ": ".join(p for p in parts if p)
    return f"{text}; {_first_line(do)}" if do else text


def describe(exc: BaseException) -> tuple[str, int]:
    """The one line and the exit code for an exception that escaped a command."""
    from pith_graph.config import ConfigError
    from pith_graph.keystore import KeyStoreError
    from pith_graph.neo4j_local import LocalNeo4jError, LocalNeo4jPortTaken, LocalNeo4jRunning
    from pith_graph.store.errors import MigrationError, StoreUnavailable

    if isinstance(exc, CliError):
        return str(exc), exc.exit_code
    if isinstance(exc, ConfigError):
        return _line("invalid setting", str(exc), "fix that environment variable"), EXIT_USAGE
    if isinstance(exc, KeyStoreError):
        return _line("the signing key cannot be used", str(exc), "see `pith-graph keys`"), EXIT_USAGE
    if isinstance(exc, (LocalNeo4jRunning, LocalNeo4jPortTaken)):
        return _line(str(exc)), EXIT_BLOCKED
    if isinstance(exc, LocalNeo4jError):
        multi = "\n" in str(exc).strip()
        do = "--debug shows its output" if multi else ""
        return _line("the local Neo4j failed", str(exc), do), EXIT_DATABASE
    if isinstance(exc, StoreUnavailable):
        return (
            _line(
                "Neo4j is not reachable",
                str(exc),
                "start it (`pith-graph db start`) or check NEO4J_URI and its credentials",
            ),
            EXIT_DATABASE,
        )
    if isinstance(exc, MigrationError):
        return _line("a migration failed", str(exc), "see neo4j/migrations/"), EXIT_DATABASE
    from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

    if isinstance(exc, AuthError):
        return (
            _line("Neo4j refused the credentials", str(exc), "check NEO4J_USER and NEO4J_PASSWORD"),
            EXIT_DATABASE,
        )
    if isinstance(exc, (ServiceUnavailable, SessionExpired)):
        return (
            _line("Neo4j is not reachable", str(exc), "start it or check NEO4J_URI"),
            EXIT_DATABASE,
        )
    if isinstance(exc, FileNotFoundError):
        return _line("no such file", str(exc.filename or exc), "check the path"), EXIT_USAGE
    if isinstance(exc, PermissionError):
        return _line("permission denied", str(exc.filename or exc), "check the file's owner and mode"), EXIT_USAGE
    if isinstance(exc, OSError):
        return _line("an operating-system call failed", str(exc)), EXIT_USAGE
    name = type(exc).__name__
    return (
        _line(f"internal error ({name})", str(exc) or name, "rerun with --debug and report the traceback"),
        EXIT_INTERNAL,
    )
