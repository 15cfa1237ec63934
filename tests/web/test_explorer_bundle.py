"""The committed bundle in pith_graph/static/explore/ was built from the sources as they are.

The recipe is build.mjs's ``inputsHash``: sha256 over ``path\\n<sha256 of the file>\\n`` for
src/**, package.json, package-lock.json and build.mjs, in code-point order of the path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web" / "explore"
STATIC = ROOT / "pith_graph" / "static" / "explore"


def _inputs_hash() -> str:
    paths = sorted(
        [p.relative_to(WEB).as_posix() for p in (WEB / "src").rglob("*") if p.is_file()]
        + ["package.json", "package-lock.json", "build.mjs"]
    )
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path}\n{hashlib.sha256((WEB / path).read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def test_committed_bundle_is_built_from_the_current_sources() -> None:
    build = json.loads((STATIC / "BUILD.json").read_text(encoding="utf-8"))
    assert build["inputs_sha256"] == _inputs_hash(), "stale bundle: run `make explorer` and commit"
    assert (STATIC / "explore.js").stat().st_size > 100_000  # cytoscape is in it
    assert (STATIC / "explore.css").read_bytes() == (WEB / "src" / "explore.css").read_bytes()


def test_javascript_libraries_are_pinned_exactly() -> None:
    package = json.loads((WEB / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    for section in ("dependencies", "devDependencies"):
        for name, version in package[section].items():
            assert version[0].isdigit(), f"{name} is not pinned: {version}"
            assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert package["dependencies"]["cytoscape"].startswith("3.")
