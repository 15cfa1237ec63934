"""``pith-graph export --all DIR``: the registry as plain files, to rebuild or mirror it from.

    DIR/manifest.json           what was exported: counts, the log's size, when, by which key
    DIR/keys.json               the registry's published keys (public parts, statuses)
    DIR/bundles/<pith>.json     every paper's signed pith_open_graph_bundle (``:`` as ``_``)
    DIR/log/checkpoint          the log's latest signed checkpoint (C2SP signed note)
    DIR/log/tile/...            its tiles and entry bundles (C2SP tlog-tiles paths)
    DIR/log/vkeys               the note verifier keys of the checkpoint

``pith-graph bundle import DIR`` rebuilds a registry from ``DIR/bundles``. Bundles carry a
paper's canonical record, receipt, aliases, graph snapshot and signed events; they do not carry
its citations and references, claims, integrity findings or API tokens, and the rebuilt
registry's log is its own (it logs the imports), which the exported tiles let anyone compare with.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pith_graph.cli.errors import EXIT_BLOCKED, CliError

__all__ = ["export_all", "register"]

_PAGE = 500


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the registry as files: every bundle, the log's checkpoint and tiles",
        description="Write every paper's signed bundle, the keys and the transparency log "
        "(checkpoint, tiles, entry bundles) into DIR, from which `pith-graph bundle import DIR` "
        "rebuilds a registry.",
    )
    parser.add_argument("--all", action="store_true", required=True, help="export everything")
    parser.add_argument("dir", type=Path, help="directory to write (must be empty or absent)")
    parser.set_defaults(func=_export)


def bundle_file_name(pith_number: str) -> str:
    return pith_number.replace(":", "_") + ".json"


def _tiles(size: int) -> list[tuple[int, int, int]]:
    """(level, index, width) of every tile, entry bundles (level -1) included, of a tree of ``size``."""
    from pith_graph.core.merkle import ENTRIES_LEVEL, TILE_HEIGHT, TILE_WIDTH

    tiles: list[tuple[int, int, int]] = []
    level, count = 0, size
    while count > 0:
        for index in range(count // TILE_WIDTH):
            tiles.append((level, index, TILE_WIDTH))
            if level == 0:
                tiles.append((ENTRIES_LEVEL, index, TILE_WIDTH))
        if count % TILE_WIDTH:
            tiles.append((level, count // TILE_WIDTH, count % TILE_WIDTH))
            if level == 0:
                tiles.append((ENTRIES_LEVEL, count // TILE_WIDTH, count % TILE_WIDTH))
        level, count = level + 1, count >> TILE_HEIGHT
    return tiles


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


async def export_all(driver: Any, settings: Any, key: Any, target: Path) -> dict[str, Any]:
    from pith_graph.core.merkle import format_tile_path
    from pith_graph.core.signing import PublicKey
    from pith_graph.service import bundles
    from pith_graph.service import log as log_service
    from pith_graph.service.keys import published_keys
    from pith_graph.store.export import pith_numbers_after

    database = settings.neo4j_database
    origin = settings.log_origin
    # The checkpoint covers every appended leaf, so the exported tiles are the whole log.
    await log_service.ensure_integrated(driver, database, key, origin)
    size, note = await log_service.current_checkpoint(driver, database)
    papers, after = 0, ""
    while page := await pith_numbers_after(driver, database, after, _PAGE):
        for pith in page:
            document = await bundles.export_bundle(driver, database, key, pith)
            text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            _write(target / "bundles" / bundle_file_name(pith), text)
            papers += 1
        after = page[-1]
    tiles = 0
    for level, index, width in _tiles(size):
        data = await log_service.tile_bytes(driver, database, level, index, width)
        if data is None:
            raise CliError(
                f"the log's tile {format_tile_path(level, index, width)} is missing",
                f"the checkpoint is at size {size}", "run `pith-graph serve` once to integrate the log",
            )  # fmt: skip
        _write(target / "log" / format_tile_path(level, index, width), data)
        tiles += 1
    if note is not None:
        _write(target / "log" / "checkpoint", note)
    keys = published_keys(settings.data_dir)
    _write(target / "keys.json", json.dumps(keys, indent=2) + "\n")
    public = [PublicKey(keys["key_id"], bytes.fromhex(keys["public_key_hex"]))]
    _write(target / "log" / "vkeys", "\n".join(log_service.note_verifier_keys(origin, public)) + "\n")
    manifest = {
        "format": "pith-graph-export/1",
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "papers": papers,
        "log_size": size,
        "log_origin": origin,
        "tiles": tiles,
        "key_id": key.key_id,
    }
    _write(target / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _export(args: argparse.Namespace) -> int:
    from pith_graph import keystore
    from pith_graph.cli._async_db import run_with_driver

    target: Path = args.dir
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CliError(f"{target} is not an empty directory", "an export never mixes with other files",
                       "choose a new directory", EXIT_BLOCKED)  # fmt: skip
    key = keystore.load_signing_key(keystore.data_dir_from_env())

    async def go(driver: Any, settings: Any) -> dict[str, Any]:
        return await export_all(driver, settings, key, target)

    manifest = run_with_driver(go)
    print(
        f"exported {manifest['papers']} bundles and the log (size {manifest['log_size']}, "
        f"{manifest['tiles']} tiles) into {target}"
    )
    return 0
