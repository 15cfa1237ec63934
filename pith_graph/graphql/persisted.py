"""Automatic persisted queries (the protocol Apollo clients speak).

A client sends ``extensions: {"persistedQuery": {"version": 1, "sha256Hash": H}}`` — over GET,
so that the request is a short, cacheable URL — and no ``query``. If this process knows the
document whose SHA-256 is ``H`` it runs it; otherwise it answers ``PERSISTED_QUERY_NOT_FOUND``
and the client sends the hash *with* the document once, which is checked against the hash and
kept. Documents are kept per process in a bounded LRU: a worker that has not seen a document
answers "not found" once and learns it, as the protocol expects.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import Any

__all__ = ["PersistedQueries", "PersistedQueryError"]

_HASH = re.compile(r"^[0-9a-f]{64}$")
# Kept documents are bounded in number and size (a hostile client cannot grow the memory of a
# worker past max_documents x _MAX_DOCUMENT_BYTES, 32 MiB); larger documents still run, unkept.
_MAX_DOCUMENT_BYTES = 32 * 1024


class PersistedQueryError(Exception):
    """A refusal of the protocol, answered as a GraphQL error with this code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PersistedQueries:
    def __init__(self, max_documents: int = 1024) -> None:
        self.max_documents = max_documents
        self._documents: OrderedDict[str, str] = OrderedDict()

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The document to run: ``query`` itself, or the one a persisted-query hash names."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                "PERSISTED_QUERY_NOT_SUPPORTED", "only persistedQuery version 1 is supported"
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _HASH.match(digest):
            raise PersistedQueryError(
                "BAD_INPUT", "persistedQuery.sha256Hash must be 64 lower-case hex digits"
            )
        if query is None:
            document = self._documents.get(digest)
            if document is None:
                raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            self._documents.move_to_end(digest)
            return document
        if hashlib.sha256(query.encode("utf-8")).hexdigest() != digest:
            raise PersistedQueryError(
                "BAD_INPUT", "persistedQuery.sha256Hash is not the SHA-256 of the query"
            )
        if len(query) > _MAX_DOCUMENT_BYTES:
            return query
        self._documents[digest] = query
        self._documents.move_to_end(digest)
        while len(self._documents) > self.max_documents:
            self._documents.popitem(last=False)
        return query
