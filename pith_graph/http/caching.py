"""HTTP caching: strong ETags and 304s for every GET, and the write generation of a host.

Every document this service serves is a function of the graph: the same graph gives the same
bytes. So a strong ``ETag`` (the SHA-256 of the body) is exact, and ``If-None-Match`` is
answered with ``304 Not Modified`` without sending the body again. Routes say how long a copy
may be kept: immutable documents (log tiles) set ``Cache-Control: public, max-age=…, immutable``
themselves; everything else gets ``no-cache`` (keep it, but revalidate) unless it set its own.

:class:`WriteGeneration` is a counter in a small memory-mapped file of the data directory that
every acknowledged write bumps before its answer is sent; all worker processes of the host read
it, so a cached answer computed before a write is never served after it.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ConditionalGet", "ResponseCache", "WriteGeneration", "etag_matches", "strong_etag"]

_COUNTER = struct.Struct("<Q")
# Bodies larger than this are streamed through untouched (no ETag): documents are far smaller.
_MAX_TAGGED_BODY = 8 * 1024 * 1024


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, a list of tags, or ``*``."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


class ConditionalGet:
    """ETag every complete 200 answer to a GET/HEAD; answer a matching If-None-Match with 304."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or ())
        if_none_match = request_headers.get(b"if-none-match", b"").decode("latin-1")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passthrough = False

        async def buffering_send(message: Message) -> None:
            nonlocal start, size, passthrough
            if passthrough:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or ())
                streaming = headers.get(b"content-type", b"").startswith(b"text/event-stream")
                if message["status"] != 200 or streaming or b"etag" in headers:
                    passthrough = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > _MAX_TAGGED_BODY:
                passthrough = True
                assert start is not None
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                chunks.clear()
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            if message.get("more_body", False):
                return
            assert start is not None
            await _send_tagged(start, b"".join(chunks), if_none_match, send)

        await self.app(scope, receive, buffering_send)


async def _send_tagged(start: Message, body: bytes, if_none_match: str, send: Send) -> None:
    etag = strong_etag(body)
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    names = {k.lower() for k, _ in headers}
    headers.append((b"etag", etag.encode()))
    if b"cache-control" not in names:
        headers.append((b"cache-control", b"no-cache"))
    if if_none_match and etag_matches(if_none_match, etag):
        # RFC 9110 §15.4.5: a 304 carries the validators and caching headers, never a body.
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() in (b"etag", b"cache-control", b"vary", b"expires", b"content-location")
            or k.lower().startswith(b"ratelimit")
        ]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class WriteGeneration:
    """A host-wide counter of acknowledged writes, shared by the worker processes through a
    memory-mapped file: reading it is a memory load, bumping it takes a file lock."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "write-generation"
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _COUNTER.size:
                os.ftruncate(fd, _COUNTER.size)
            self._map = mmap.mmap(fd, _COUNTER.size)
        finally:
            os.close(fd)
        self._lock_path = data_dir / "write-generation.lock"

    def current(self) -> int:
        return int(_COUNTER.unpack_from(self._map, 0)[0])

    def bump(self) -> int:
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            value = self.current() + 1
            _COUNTER.pack_into(self._map, 0, value)
            return value


@dataclass(frozen=True, slots=True)
class _CachedAnswer:
    generation: int
    expires_at: float
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class ResponseCache:
    """Answers to cacheable GraphQL reads (GET, persisted queries), per process, bounded, valid
    while no write happened on this host since and for at most ``ttl`` seconds."""

    def __init__(self, generation: WriteGeneration, ttl: float, max_entries: int = 1024) -> None:
        self.generation = generation
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _CachedAnswer] = OrderedDict()

    def get(self, key: str, now: float) -> _CachedAnswer | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.generation != self.generation.current() or entry.expires_at <= now:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    def put(
        self,
        key: str,
        generation: int,
        now: float,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> None:
        self._entries[key] = _CachedAnswer(generation, now + self.ttl, status, tuple(headers), body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
