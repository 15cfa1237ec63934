"""An in-process broadcaster: the service publishes, GraphQL subscriptions listen.

One process only: subscribers in *this* process see what *this* process accepted or registered.
Publishing is thread-safe: the sync write path runs in worker threads, so each message is handed
to a subscriber's queue on that subscriber's own event loop (``call_soon_threadsafe``).
Several API processes would need a shared channel (Neo4j CDC, Redis pub/sub); that is not built.
Each subscriber has a bounded queue; a subscriber too slow to keep up loses the oldest messages
rather than slowing writers down.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["Broadcaster", "broadcaster", "registration_message"]

_QUEUE_SIZE = 1000


class Broadcaster:
    """Fan-out of messages (plain dicts) to every current subscriber."""

    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[dict[str, Any]], asyncio.AbstractEventLoop] = {}

    def publish(self, message: dict[str, Any]) -> None:
        """Hand ``message`` to every subscriber, from any thread; never blocks."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for queue, loop in list(self._queues.items()):
            if loop is running:
                _offer(queue, message)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(_offer, queue, message)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(_QUEUE_SIZE)
        self._queues[queue] = asyncio.get_running_loop()
        try:
            yield queue
        finally:
            self._queues.pop(queue, None)

    @property
    def subscriber_count(self) -> int:
        return len(self._queues)


def _offer(queue: asyncio.Queue[dict[str, Any]], message: dict[str, Any]) -> None:
    if queue.full():
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
    queue.put_nowait(message)


# The process's broadcaster. The event service publishes ``{"kind": "event", ...}`` and the
# registration service ``{"kind": "registration", "pith_number", "categories"}`` after commit.
broadcaster = Broadcaster()


def registration_message(pith_number: str, categories: list[str]) -> dict[str, Any]:
    """What the registration service publishes after a paper's registration commits."""
    return {
        "kind": "registration",
        "pith_number": pith_number,
        "categories": list(categories),
        "event": None,
    }
