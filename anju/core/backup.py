"""One-file backups of a center's data and their restore into an empty database.

`write(path)` makes a tar archive holding the database — SQLite through its online-backup API (a
consistent copy while the server runs), PostgreSQL as `pg_dump --format=custom` of a snapshot — the
attached files (MEDIA_ROOT), and `manifest.json`: the format, the time, the database vendor, the last
migration of each app, the row count of every table (counted in the same snapshot as the dump), and
the SHA-256 of every other member. `restore(path)` refuses before writing anything when the archive is
truncated, a checksum differs, its schema is newer than this code's migrations or the database already
has tables; then it restores, checks every table's row count against the manifest and brings the schema
up to date (`migrate`)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from anju.lib.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(DomainError):
    """Codes: ``backup.truncated``, ``backup.checksum``, ``backup.format``, ``backup.newer_schema``,
    ``backup.not_empty``, ``backup.vendor``, ``backup.counts``, ``backup.tool``."""

    prefix = "backup"


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: dict[str, int]
    files: int

    def as_dict(self) -> dict[str, Any]:
        rows = sum(self.tables.values())
        return {"file": str(self.path), "tables": len(self.tables), "rows": rows, "files": self.files}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _applied_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        rows = cursor.fetchall()
    last: dict[str, str] = {}
    for app, name in rows:
        last[app] = name
    return last


def _tables(cursor: Any) -> list[str]:
    return sorted(connection.introspection.table_names(cursor))


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端", code="tool") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[:500]}", code="tool")


def _dump_database(folder: Path) -> tuple[str, dict[str, int]]:
    """The database into the folder, and the row counts of the same moment."""
    if connection.vendor == "sqlite":
        target = folder / SQLITE_MEMBER
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        with copy:
            connection.connection.backup(copy)
        rows = copy.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        tables = sorted(name for (name,) in rows if not name.startswith("sqlite_"))
        counts = {t: int(copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}
        copy.close()
        return SQLITE_MEMBER, counts
    if connection.vendor == "postgresql":
        target = folder / PG_MEMBER
        # Count in a snapshot and hand the same snapshot to pg_dump: the counts are the dump's.
        with connections["default"].cursor() as pg:
            pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                pg.execute("SELECT pg_export_snapshot()")
                snapshot = pg.fetchone()[0]
                counts = _count_rows(pg, _tables(pg))
                name = settings.DATABASES["default"]["NAME"]
                _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner", "-f", str(target), name])
            finally:
                pg.execute("COMMIT")
        return PG_MEMBER, counts
    raise BackupError(f"不支持的数据库：{connection.vendor}", code="vendor")


def write(path: Path) -> Summary:
    """Write the backup archive at `path` (replaced only once complete)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="anju-backup-") as work:
        folder = Path(work)
        member, counts = _dump_database(folder)
        files = {member: _sha256(folder / member)}
        media = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for file in media_files:
            files[f"media/{file.relative_to(media).as_posix()}"] = _sha256(file)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": _applied_migrations(),
            "tables": counts,
            "files": files,
        }
        partial = path.with_name(path.name + ".partial")
        # The archive holds every ID number and attachment: readable by its owner only.
        partial.touch(mode=0o600)
        partial.chmod(0o600)
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(folder / member, arcname=member)
            for file in media_files:
                archive.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
        partial.replace(path)
    return Summary(path, counts, len(media_files))


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _safe_name(name: str) -> bool:
    """A member name the restore may use: the database file, or a relative path under media/ (no "..")."""
    if name in (SQLITE_MEMBER, PG_MEMBER):
        return True
    parts = Path(name).parts
    return len(parts) >= 2 and parts[0] == "media" and not name.startswith("/") and ".." not in parts


def _read_checked(path: Path, folder: Path) -> dict[str, Any]:
    """Extract the archive into the folder and check it whole: manifest, members, checksums, schema."""
    try:
        with tarfile.open(path, "r") as archive:
            members = {member.name for member in archive.getmembers() if member.isfile()}
            archive.extractall(folder, filter="data")
    except tarfile.FilterError as exc:  # a member outside the archive's folder, a link, a device
        raise BackupError(f"备份文件的成员不安全：{exc}", code="format") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"备份文件不完整或已损坏：{exc}", code="truncated") from exc
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError("备份文件缺少清单（manifest.json）", code="format") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}", code="format")
    names = set(manifest["files"])
    unsafe = sorted(name for name in names if not _safe_name(name))
    if unsafe or names != members - {MANIFEST}:
        listed = "、".join((unsafe or sorted(names ^ (members - {MANIFEST})))[:5])
        raise BackupError(f"备份文件的成员与清单不符：{listed}", code="format")
    for name, expected in manifest["files"].items():
        member = folder / name
        if not member.is_file():
            raise BackupError(f"备份文件缺少 {name}", code="truncated")
        if _sha256(member) != expected:
            raise BackupError(f"{name} 的校验和不符：文件已损坏或被改动", code="checksum")
    known = _known_migrations()
    newer = sorted(f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known)
    if newer:
        raise BackupError(f"备份来自更新的版本（本程序没有迁移 {'、'.join(newer[:5])}）：请先升级", code="newer_schema")
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {connection.vendor}", code="vendor")
    return manifest


def restore(path: Path) -> Summary:
    """Restore the archive into this (empty) database and MEDIA_ROOT; see the module's docstring."""
    with tempfile.TemporaryDirectory(prefix="anju-restore-") as work:
        folder = Path(work)
        manifest = _read_checked(Path(path), folder)
        with connection.cursor() as cursor:
            present = _tables(cursor)
        if present:
            names = "、".join(present[:8]) + ("…" if len(present) > 8 else "")
            raise BackupError(f"目标数据库不是空的（已有 {len(present)} 张表：{names}）", code="not_empty")
        if connection.vendor == "sqlite":
            target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            source = sqlite3.connect(folder / SQLITE_MEMBER)
            with target:
                source.backup(target)
            source.close()
            target.close()
            connection.close()
        else:
            name = settings.DATABASES["default"]["NAME"]
            # One transaction: a failure leaves the database as empty as it was.
            restore_args = ["--no-owner", "--exit-on-error", "--single-transaction", "-d", name]
            _run(["pg_restore", *restore_args, str(folder / PG_MEMBER)])
        with connection.cursor() as cursor:
            counts = _count_rows(cursor, sorted(manifest["tables"]))
        differ = {t: (manifest["tables"][t], n) for t, n in counts.items() if n != manifest["tables"][t]}
        if differ:
            raise BackupError(f"恢复后的行数与清单不符：{differ}；请删除并重建该数据库后再恢复", code="counts")
        media = Path(settings.MEDIA_ROOT).resolve()
        restored = 0
        for name in manifest["files"]:
            if name.startswith("media/"):
                destination = (media / name.removeprefix("media/")).resolve()
                if not destination.is_relative_to(media):
                    raise BackupError(f"备份文件的成员越出附件目录：{name}", code="format")
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(folder / name, destination)
                restored += 1
    return Summary(Path(path), counts, restored)
