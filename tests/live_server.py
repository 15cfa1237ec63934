"""The real app served by uvicorn on a loopback port, in a thread: for clients that need a socket
(the Go conformance checker, witnesses and mirrors talking to another registry)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from pith_graph.app import create_app
from pith_graph.config import Settings
from pith_graph.neo4j_local import free_port


@contextmanager
def live_server(settings: Settings, port: int | None = None) -> Iterator[tuple[str, Settings]]:
    """Serve ``settings`` on ``port`` (default: a free one); yield ``(base URL, settings)``."""
    port = port or free_port()
    served = dataclasses.replace(settings, host="127.0.0.1", port=port, base_url=None)
    config = uvicorn.Config(create_app(served), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", served
    finally:
        server.should_exit = True
        thread.join(timeout=30)
