"""Races with real threads: calls released together by a barrier, their errors collected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pith_graph.service.errors import ServiceError

T = TypeVar("T")


def race(n: int, call: Callable[[int], T]) -> list[T | ServiceError]:
    """Run ``call(0..n-1)`` on n threads released together; errors are returned, not raised."""
    barrier = threading.Barrier(n)

    def one(i: int) -> T | ServiceError:
        barrier.wait()
        try:
            return call(i)
        except ServiceError as exc:
            return exc

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))
