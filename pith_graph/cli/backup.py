"""``pith-graph db backup FILE`` / ``db restore FILE`` / ``db check``: the local launcher's store,
offline, with Neo4j's own tools (``neo4j-admin database dump|load|check`` on the launcher's
classpath, see :func:`pith_graph.neo4j_local.run_admin_tool`).

A backup is one tar file::

    manifest.json     format, when, versions, the migration level, key ids, sha256 of the dump
    neo4j.dump        Neo4j's archive of the ``neo4j`` database (papers, receipts, events, log)
    keys/keys.json    the signing keys' public parts and metadata (status, created, retired)
    keys/<id>.key     the private seeds, only with --include-private-key

Offline means the store is closed: with a launcher running on it (``pith-graph serve`` or
``pith-graph db start``) these commands refuse, naming its pid (exit 4). With ``NEO4J_URI`` the
database is not ours to dump: use Neo4j's or Aura's backups (README, Operations).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pith_graph import __version__
from pith_graph.cli.errors import EXIT_BLOCKED, EXIT_NO, EXIT_USAGE, CliError
from pith_graph.config import Settings

__all__ = ["BACKUP_FORMAT", "backup", "check", "register", "restore"]

BACKUP_FORMAT = "pith-graph-backup/1"
_DATABASE = "neo4j"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "backup",
        help="dump the local Neo4j (offline) and the signing keys' public parts into FILE",
        description="Write FILE (a tar): Neo4j's dump of the registry's database and the signing "
        "keys' public parts and metadata. The local Neo4j must be stopped (not serving).",
    )
    parser.add_argument("file", type=Path, help="the backup file to write")
    parser.add_argument(
        "--include-private-key",
        action="store_true",
        help="also copy the private signing seeds (then keep FILE as secret as the keys)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.set_defaults(func=_backup)

    parser = commands.add_parser(
        "restore",
        help="load a backup FILE into the local Neo4j's (empty) data directory, offline",
        description="Load FILE's database dump into the local Neo4j and its keys into "
        "PITH_DATA_DIR/keys. Refuses a data directory that already holds a database or "
        "other keys unless --force.",
    )
    parser.add_argument("file", type=Path, help="a file written by `pith-graph db backup`")
    parser.add_argument(
        "--force", action="store_true", help="replace the database and keys already there"
    )
    parser.set_defaults(func=_restore)

    parser = commands.add_parser(
        "check", help="run Neo4j's consistency check on the local store (offline)"
    )
    parser.set_defaults(func=_check)


def _local(settings: Settings, command: str) -> Path:
    if not settings.uses_local_neo4j:
        raise CliError(
            f"db {command} works on the local launcher's store only",
            "NEO4J_URI is set, and a remote database is not ours to dump or load",
            "use that server's own backups (neo4j-admin database backup, or Aura's snapshots; "
            "see README, Operations)",
            EXIT_USAGE,
        )
    return settings.local_neo4j_dir


def _refuse_if_running(neo4j_dir: Path, command: str) -> None:
    from pith_graph.neo4j_local import running_launcher

    live = running_launcher(neo4j_dir)
    if live is not None:
        raise CliError(
            f"cannot {command} while the local Neo4j runs",
            f"pid {live.pid} serves {live.uri} from {neo4j_dir} (a `pith-graph serve` or `db start`)",
            "stop it (SIGTERM / Ctrl-C), run this again, then start it again",
            EXIT_BLOCKED,
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(settings: Settings, file: Path, *, include_private_key: bool = False, force: bool = False) -> dict[str, Any]:
    """Write the backup; returns its manifest."""
    from pith_graph.keystore import keys_dir
    from pith_graph.neo4j_local import run_admin_tool

    neo4j_dir = _local(settings, "backup")
    if file.exists() and not force:
        raise CliError(f"{file} exists", "a backup never overwrites silently", "pass --force or choose another name", EXIT_BLOCKED)
    if not (neo4j_dir / "store" / "data" / "databases" / _DATABASE).is_dir():
        raise CliError(
            "nothing to back up", f"no Neo4j database under {neo4j_dir}",
            "check PITH_DATA_DIR (start `pith-graph serve` once to create the registry)",
        )  # fmt: skip
    _refuse_if_running(neo4j_dir, "back up")
    keys = keys_dir(settings.data_dir)
    index = keys / "keys.json"
    key_ids = [k["key_id"] for k in json.loads(index.read_text())["keys"]] if index.exists() else []
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=file.parent, prefix=".pith-backup-") as scratch:
        run_admin_tool(
            ["database", "dump", _DATABASE, f"--to-path={scratch}", "--overwrite-destination=true"],
            neo4j_dir, heap="1g",
        )  # fmt: skip
        dump = Path(scratch) / f"{_DATABASE}.dump"
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "pith_graph_version": __version__,
            "database": _DATABASE,
            "dump_sha256": _sha256(dump),
            "dump_bytes": dump.stat().st_size,
            "key_ids": key_ids,
            "includes_private_keys": include_private_key,
        }
        partial = Path(scratch) / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=f"{_DATABASE}.dump")
            if index.exists():
                archive.add(index, arcname="keys/keys.json")
            if include_private_key:
                for key_id in key_ids:
                    seed = keys / f"{key_id}.key"
                    if seed.exists():
                        _add_bytes(archive, f"keys/{key_id}.key", seed.read_bytes(), 0o600)
        if include_private_key:
            os.chmod(partial, 0o600)
        os.replace(partial, file)
    return manifest


def _members(archive: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members = {}
    for member in archive.getmembers():
        name = member.name
        if not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
            raise CliError("not a pith-graph backup", f"unexpected entry {name!r}", "check the file")
        members[name] = member
    return members


def restore(settings: Settings, file: Path, *, force: bool = False) -> dict[str, Any]:
    """Load the backup into the local store and key directory; returns its manifest."""
    from pith_graph.keystore import keys_dir
    from pith_graph.neo4j_local import run_admin_tool

    neo4j_dir = _local(settings, "restore")
    if not file.is_file():
        raise CliError(f"no backup file {file}", "it does not exist", "check the path")
    _refuse_if_running(neo4j_dir, "restore")
    try:
        archive = tarfile.open(file, "r")  # noqa: SIM115 (closed by the with block below)
    except tarfile.TarError as exc:
        raise CliError(f"{file} is not a pith-graph backup", str(exc), "check the file") from exc
    with archive, tempfile.TemporaryDirectory(prefix=".pith-restore-") as scratch:
        members = _members(archive)
        if "manifest.json" not in members or f"{_DATABASE}.dump" not in members:
            raise CliError(f"{file} is not a pith-graph backup", "no manifest.json or neo4j.dump", "check the file")
        manifest: dict[str, Any] = json.loads(archive.extractfile(members["manifest.json"]).read())  # type: ignore[union-attr]
        if manifest.get("format") != BACKUP_FORMAT:
            raise CliError(f"{file}: unknown backup format {manifest.get('format')!r}", f"this version reads {BACKUP_FORMAT}", "use the pith-graph that wrote it")
        database_dir = neo4j_dir / "store" / "data" / "databases" / _DATABASE
        keys = keys_dir(settings.data_dir)
        if not force:
            if database_dir.is_dir() and any(database_dir.iterdir()):
                raise CliError(
                    "the local Neo4j already holds a database", f"{database_dir} is not empty",
                    "restore into an empty PITH_DATA_DIR, or pass --force to replace it", EXIT_BLOCKED,
                )  # fmt: skip
            if (keys / "keys.json").exists():
                theirs = json.loads((keys / "keys.json").read_text())
                ours = json.loads(archive.extractfile(members["keys/keys.json"]).read()) if "keys/keys.json" in members else {"keys": []}  # type: ignore[union-attr]
                if theirs != ours:
                    raise CliError(
                        "other signing keys are there", f"{keys / 'keys.json'} differs from the backup's",
                        "restore into an empty PITH_DATA_DIR, or pass --force to replace them", EXIT_BLOCKED,
                    )  # fmt: skip
        dump_dir = Path(scratch)
        with archive.extractfile(members[f"{_DATABASE}.dump"]) as source, open(dump_dir / f"{_DATABASE}.dump", "wb") as target:  # type: ignore[union-attr]
            shutil.copyfileobj(source, target, 1 << 20)
        if _sha256(dump_dir / f"{_DATABASE}.dump") != manifest.get("dump_sha256"):
            raise CliError(f"{file} is damaged", "the dump's SHA-256 is not the manifest's", "use another copy", EXIT_NO)
        run_admin_tool(
            ["database", "load", _DATABASE, f"--from-path={dump_dir}", "--overwrite-destination=true"],
            neo4j_dir, heap="1g",
        )  # fmt: skip
        keys.mkdir(parents=True, exist_ok=True)
        os.chmod(keys, 0o700)
        for name, member in members.items():
            if not name.startswith("keys/") or "/" in name[len("keys/"):]:
                continue
            data = archive.extractfile(member).read()  # type: ignore[union-attr]
            path = keys / name[len("keys/"):]
            private = name.endswith(".key")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(path, 0o600 if private else 0o644)
    return manifest


def check(settings: Settings) -> tuple[bool, str]:
    """Neo4j's consistency check of the local store: (consistent, the tool's summary)."""
    from pith_graph.neo4j_local import LocalNeo4jError, run_admin_tool

    neo4j_dir = _local(settings, "check")
    _refuse_if_running(neo4j_dir, "check the store")
    reports = neo4j_dir / "check-reports"
    reports.mkdir(parents=True, exist_ok=True)
    try:
        result = run_admin_tool(["database", "check", _DATABASE, f"--report-path={reports}"], neo4j_dir)
    except LocalNeo4jError as exc:
        if "inconsisten" in str(exc).lower():
            return False, f"inconsistencies found; the report is in {reports}"
        raise
    return True, (result.stdout + result.stderr).strip().splitlines()[-1:][0] if (result.stdout + result.stderr).strip() else "consistent"


def _backup(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.include_private_key:
        print(
            "pith-graph db backup: WARNING: --include-private-key copies the registry's private "
            f"signing seeds into {args.file}: anyone with that file can sign as the registry",
            file=sys.stderr,
        )
    manifest = backup(settings, args.file, include_private_key=args.include_private_key, force=args.force)
    keys = ", ".join(manifest["key_ids"]) or "none"
    print(f"wrote {args.file}: database dump {manifest['dump_bytes']} bytes, keys {keys}"
          f"{' (with private seeds)' if args.include_private_key else ' (public parts)'}")  # fmt: skip
    return 0


def _restore(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    manifest = restore(settings, args.file, force=args.force)
    print(
        f"restored {args.file} (written {manifest['created_at']}) into {settings.data_dir}; "
        "start it with `pith-graph serve`"
    )
    if not manifest.get("includes_private_keys"):
        print(
            "pith-graph db restore: the backup has no private signing seed: install it in "
            f"{settings.data_dir / 'keys'} (or PITH_SIGNING_KEY) before serving writes",
            file=sys.stderr,
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    consistent, summary = check(Settings.from_env())
    print(("consistent: " if consistent else "NOT CONSISTENT: ") + summary)
    return 0 if consistent else EXIT_NO
