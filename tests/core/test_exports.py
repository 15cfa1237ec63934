"""Every name in a core module's __all__ exists (cf. httpx tests/test_exported_members.py)."""

from __future__ import annotations

import importlib

import pytest

MODULES = [
    "pith_graph.core",
    "pith_graph.core.errors",
    "pith_graph.core.canonical",
    "pith_graph.core.text",
    "pith_graph.core.metadata",
    "pith_graph.core.record",
    "pith_graph.core.pith_number",
    "pith_graph.core.aliases",
    "pith_graph.core.signing",
    "pith_graph.core.receipts",
    "pith_graph.core.trust",
    "pith_graph.core.snapshot",
    "pith_graph.core.document",
    "pith_graph.core.key_documents",
    "pith_graph.core.events",  # events helper
    "pith_graph.core.merkle",  # events helper
    "pith_graph.core.merge",  # events helper
    "pith_graph.core.verification",  # events helper
    "pith_graph.core.log",  # events helper
    "pith_graph.core.bundle",  # events helper
    "pith_graph.keystore",
]


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__, name
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing


def test_core_imports_no_other_layer() -> None:
    import sys

    importlib.import_module("pith_graph.core")
    for mod in list(sys.modules):
        if mod.startswith("pith_graph.core"):
            source = sys.modules[mod]
            deps = {
                v.__name__
                for v in vars(source).values()
                if hasattr(v, "__name__") and isinstance(v, type(sys))
            }
            assert not {
                d
                for d in deps
                if d.startswith("pith_graph.") and not d.startswith("pith_graph.core")
            }


def test_errors_tree() -> None:
    from pith_graph.core import errors

    assert issubclass(errors.UnknownSigningKey, errors.InvalidReceipt)
    for cls in (errors.InvalidMetadata, errors.InvalidAlias, errors.InvalidRecord):
        assert issubclass(cls, errors.PithError) and issubclass(cls, ValueError)
    err = errors.InvalidMetadata("title", "must not be empty")
    assert (err.field, err.reason) == ("title", "must not be empty")
    assert "title" in str(err) and "must not be empty" in str(err)
