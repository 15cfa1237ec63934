"""Errors of the service layer; each carries the code clients see.

    ServiceError                 (code)
    ├── NotFound                 NOT_FOUND        no paper answers to the alias / pith number
    ├── AmbiguousAlias           AMBIGUOUS_ALIAS  several papers answer; ``candidates`` lists them
    ├── InvalidAliasInput        INVALID_ALIAS    the alias is not in any accepted form
    ├── BadInput                 BAD_INPUT        metadata, claims or a record are malformed/refused
    ├── TooCostly                QUERY_TOO_COMPLEX a search would read more than its cost limit
    ├── Unauthenticated          UNAUTHENTICATED  a write without a valid, unrevoked API token
    ├── Forbidden                FORBIDDEN        the token lacks the scope the write needs
    ├── EventRefused             (its kind's)     a signed event not stored (service/events.py)
    ├── LogError                 (given)          a log proof that cannot be served (service/log.py)
    └── MirrorError              (given)          a mirror sync that cannot go on (service/mirror.py)

An unreachable store is the store's own :class:`~pith_graph.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousAlias",
    "BadInput",
    "Forbidden",
    "InvalidAliasInput",
    "NotFound",
    "ServiceError",
    "TooCostly",
    "Unauthenticated",
]


class ServiceError(Exception):
    """Root of the service's errors; ``code`` is the client-facing error code."""

    code = "INTERNAL"


class NotFound(ServiceError):
    """Nothing is registered under the given alias."""

    code = "NOT_FOUND"


class AmbiguousAlias(ServiceError):
    """The alias names several papers (``candidates``: their pith numbers)."""

    code = "AMBIGUOUS_ALIAS"

    def __init__(self, message: str, candidates: Sequence[str]) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


class InvalidAliasInput(ServiceError):
    """The alias is in no accepted form; the message says why."""

    code = "INVALID_ALIAS"


class BadInput(ServiceError):
    """Input refused (malformed metadata, a record that does not verify, …); nothing was written."""

    code = "BAD_INPUT"


class TooCostly(ServiceError):
    """A bounded search (a citation path) would read more than its limit: refused before the
    step that would exceed it."""

    code = "QUERY_TOO_COMPLEX"


class Unauthenticated(ServiceError):
    """No API token, an unknown or malformed one, or a revoked one; nothing was written."""

    code = "UNAUTHENTICATED"


class Forbidden(ServiceError):
    """The API token is valid but lacks the scope this write needs; nothing was written."""

    code = "FORBIDDEN"
