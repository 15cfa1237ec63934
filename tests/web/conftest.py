"""Browser tests: the real ``pith-graph serve`` on the demo data, driven through Debian's Chromium.

Chromium comes from ``make browser`` (``apt-get install chromium``; Playwright never downloads a
browser here). Without it the tests fail and say how to install it: they never skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from pith_graph.config import Settings
from pith_graph.neo4j_local import free_port

CHROMIUM = Path(os.environ.get("PITH_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
_READY_TIMEOUT = 900.0  # the demo load runs before the server listens; CI machines are shared
# Shared 2-core machines answer slowly at times: wait generously, still fail on a real hang.
_UI_TIMEOUT_MS = 30_000
expect.set_options(timeout=_UI_TIMEOUT_MS)


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pith-graph serve exited early:\n{log.read_text()[-4000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"pith-graph serve not ready in {_READY_TIMEOUT}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``pith-graph serve`` with ``PITH_LOAD_DEMO=1`` (as ``make serve``) on the session Neo4j.

    One server for every browser module: they only read. The modules that read the demo run last
    (tests/conftest.py), so no other test empties the graph under it.

    ``PITH_EXPLORE_URL`` points the tests at a server already running on the demo data instead
    (for iterating on the page; the suite itself always starts its own).
    """
    existing = os.environ.get("PITH_EXPLORE_URL", "").strip().rstrip("/")
    if existing:
        yield existing
        return
    # The session's demo, loaded once for every module that reads it; the server finds the graph
    # full and loads nothing, and signs with the key that signed the demo (same data directory).
    settings: Settings = request.getfixturevalue("demo")
    assert settings.neo4j_uri is not None
    port = free_port()
    log = tmp_path_factory.mktemp("explore-serve") / "serve.log"
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "PITH_DATA_DIR": str(settings.data_dir),
        "PITH_HOST": "127.0.0.1",
        "PITH_PORT": str(port),
        "PITH_LOAD_DEMO": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pith_graph.cli", "serve", "--log-level", "warning"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def offsite_requests() -> list[str]:
    """URLs the page tried to fetch from anywhere but the app: the page must work offline."""
    return []


@pytest.fixture
def page(browser: Browser, demo_server: str, offsite_requests: list[str]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=demo_server, viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_server)
    app_host = urlsplit(demo_server).netloc

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request.url).netloc == app_host or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            offsite_requests.append(request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(_UI_TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not offsite_requests, f"the page fetched from outside the app: {offsite_requests}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
