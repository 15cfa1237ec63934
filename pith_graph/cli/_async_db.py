"""Run one async store/service call from a CLI command, on the configured or local Neo4j."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from neo4j import AsyncDriver

from pith_graph.cli._neo4j import connected_settings
from pith_graph.config import Settings
from pith_graph.store.driver import open_async_driver
from pith_graph.store.migrations import apply_migrations_async

T = TypeVar("T")


def run_with_driver(fn: Callable[[AsyncDriver, Settings], Awaitable[T]]) -> T:
    """Connect (starting the local launcher if no NEO4J_URI), migrate, run ``fn``, close."""
    with connected_settings(Settings.from_env(), quiet=True) as settings:

        async def main() -> T:
            driver = open_async_driver(settings)
            try:
                await apply_migrations_async(driver, settings.neo4j_database)
                return await fn(driver, settings)
            finally:
                await driver.close()

        return asyncio.run(main())
