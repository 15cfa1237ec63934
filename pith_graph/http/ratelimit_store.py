"""A `limits` storage backend over one SQLite file, shared by every worker process of a host.

The rate-limit *algorithm* is the `limits` library's sliding-window counter
(:class:`limits.strategies.SlidingWindowCounterRateLimiter`); this module only gives it a store
that all ``pith-graph serve --workers N`` processes see, so a client's budget is one budget
however the kernel spreads its connections over the workers. Each hit is one short
``BEGIN IMMEDIATE`` transaction (SQLite's write lock makes check-and-increment atomic across
processes). Counters are ephemeral: the file lives in the data directory, synchronous writes
are off (a crash may forget a few hits, never grant more than a window's budget twice), and
expired rows are swept now and then.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from math import floor
from pathlib import Path

from limits.storage import Storage
from limits.storage.base import SlidingWindowCounterSupport, TimestampedSlidingWindow

__all__ = ["SQLiteRateLimitStorage"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL,
    expires_at REAL NOT NULL
)
"""
_SWEEP_EVERY = 1024  # hits between two deletions of expired counters


class SQLiteRateLimitStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """``sqlite:///path/to/file`` — counters in one SQLite file (one connection per thread)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        path = uri.removeprefix("sqlite://")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._hits = 0
        with self._connection() as conn:
            conn.execute(_SCHEMA)
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE below).
            conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")
            self._local.conn = conn
        return conn

    # -- the plain counter operations `limits` strategies build on ------------------------

    def _get(self, conn: sqlite3.Connection, key: str, now: float) -> int:
        row = conn.execute(
            "SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, now)
        ).fetchone()
        return int(row[0]) if row else 0

    def _incr(self, conn: sqlite3.Connection, key: str, expiry: float, amount: int, now: float) -> int:
        conn.execute(
            """
            INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET
              value = CASE WHEN expires_at > ? THEN value + excluded.value ELSE excluded.value END,
              expires_at = CASE WHEN expires_at > ? THEN expires_at ELSE excluded.expires_at END
            """,
            (key, amount, now + expiry, now, now),
        )
        return self._get(conn, key, now)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        conn = self._connection()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            value = self._incr(conn, key, expiry, amount, now)
        finally:
            conn.execute("COMMIT")
        return value

    def get(self, key: str) -> int:
        return self._get(self._connection(), key, time.time())

    def get_expiry(self, key: str) -> float:
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ?", (key,))
            .fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        conn = self._connection()
        count = conn.execute("SELECT count(*) FROM counters").fetchone()[0]
        conn.execute("DELETE FROM counters")
        return int(count)

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))

    # -- the sliding-window counter, atomic across processes -----------------------------

    def _window(
        self, conn: sqlite3.Connection, key: str, expiry: int, now: float
    ) -> tuple[str, str, int, float, int, float]:
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        previous = self._get(conn, previous_key, now)
        current = self._get(conn, current_key, now)
        previous_ttl = 0.0 if previous == 0 else (1 - (((now - expiry) / expiry) % 1)) * expiry
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous_key, current_key, previous, previous_ttl, current, current_ttl

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        if amount > limit:
            return False
        conn = self._connection()
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            _, current_key, previous, previous_ttl, current, _ = self._window(
                conn, key, expiry, now
            )
            if floor(previous * previous_ttl / expiry + current) + amount > limit:
                return False
            # A new counter lives two windows: it is the "previous" window of the next one.
            self._incr(conn, current_key, 2 * expiry, amount, now)
            return True
        finally:
            conn.execute("COMMIT")
            self._sweep(conn, now)

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        _, _, previous, previous_ttl, current, current_ttl = self._window(
            self._connection(), key, expiry, time.time()
        )
        return previous, previous_ttl, current, current_ttl

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        previous_key, current_key = self.sliding_window_keys(key, expiry, time.time())
        self.clear(previous_key)
        self.clear(current_key)

    def _sweep(self, conn: sqlite3.Connection, now: float) -> None:
        self._hits += 1
        if self._hits % _SWEEP_EVERY == 0:
            conn.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
