"""The package's folders import each other in one direction: ingest → service → store → core,
with http and graphql as the shell around them and app and cli outermost."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pith_graph

PACKAGE = Path(pith_graph.__file__).parent

# Each part of the package (a folder, or a module at the top) may import only parts of a lower
# layer; parts of one layer do not import each other.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"config"}),
    frozenset({"store", "keystore", "neo4j_local"}),
    frozenset({"service"}),
    frozenset({"ingest"}),
    frozenset({"http"}),
    frozenset({"graphql"}),
    frozenset({"app"}),
    frozenset({"cli"}),
)
RANK = {part: rank for rank, layer in enumerate(LAYERS) for part in layer}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def _imports(path: Path) -> Iterator[str]:
    """Every pith_graph module ``path`` imports, at the top or inside a function."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield name if _is_module(name) else base


def _part(module: str) -> str:
    """The folder (or top-level module) of the package that ``module`` belongs to."""
    return module.split(".")[1]


def folder_imports() -> dict[str, set[str]]:
    """part → the other parts it imports."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        if module == "pith_graph":
            continue
        source = _part(module)
        targets = graph.setdefault(source, set())
        for imported in _imports(path):
            if imported.startswith("pith_graph.") and _part(imported) != source:
                targets.add(_part(imported))
    return graph


def test_every_part_of_the_package_has_a_layer() -> None:
    assert set(folder_imports()) <= set(RANK)


def test_folders_import_only_lower_layers() -> None:
    upward = sorted(
        f"{source} -> {target}"
        for source, targets in folder_imports().items()
        for target in targets
        if RANK[target] >= RANK[source]
    )
    assert upward == []


def test_the_folder_import_graph_has_no_cycle() -> None:
    graph = folder_imports()
    done: set[str] = set()

    def visit(part: str, path: tuple[str, ...]) -> None:
        assert part not in path, " -> ".join((*path, part))
        if part in done:
            return
        for target in sorted(graph.get(part, ())):
            visit(target, (*path, part))
        done.add(part)

    for part in sorted(graph):
        visit(part, ())
