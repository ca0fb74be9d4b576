"""Backup → restore into an empty database → `anju fund check` passes and the annual report's figures
are identical, on the backend the suite runs on; a damaged, newer or misdirected archive is refused
before anything is written."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.db import connection

from anju.core import backup

ANJU = str(Path(sys.executable).parent / "anju")
CREATED: list[list[str]] = []  # the PostgreSQL databases made here, dropped when the module ends


@pytest.fixture(scope="module", autouse=True)
def _drop_created_databases():  # type: ignore[no-untyped-def]
    yield
    for command in CREATED:
        subprocess.run(["dropdb", "--if-exists", *command], check=False, capture_output=True)


def _database_url(tmp: Path, name: str) -> str:
    """A new, empty database of the suite's backend: a file for SQLite, a new database for PostgreSQL."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp / name}.sqlite3"
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    database = f"anju_backup_{name}_{uuid.uuid4().hex[:8]}"
    server = ["-h", str(config["HOST"] or "127.0.0.1"), "-p", str(config["PORT"] or 5432), "-U", str(config["USER"])]
    subprocess.run(["createdb", *server, database], check=True)
    CREATED.append([*server, database])
    return f"postgres://{config['USER']}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{database}"


def _anju(data: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DEBUG": "1", "ANJU_ENV_FILE": "", "ANJU_DATA_DIR": str(data), "DATABASE_URL": url}
    return subprocess.run([ANJU, *args], env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A small demo city with an attached file, its backup archive."""
    data = tmp_path_factory.mktemp("source")
    url = _database_url(data, "source")
    for args in (["migrate", "-v", "0"], ["demo", "--scale", "0.002"]):
        done = _anju(data, url, *args)
        assert done.returncode == 0, done.stderr
    (data / "media" / "attachments").mkdir(parents=True, exist_ok=True)
    (data / "media" / "attachments" / "quote.pdf").write_bytes(b"%PDF-1.4 quote")
    archive = data / "anju.tar"
    done = _anju(data, url, "backup", str(archive))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == 1
    return data, url, archive


def test_a_backup_restores_into_an_empty_database_with_the_same_figures(source, tmp_path: Path) -> None:
    data, url, archive = source
    target = tmp_path / "target"
    target_url = _database_url(tmp_path, "target")
    restored = _anju(target, target_url, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    result = json.loads(restored.stdout)
    assert result["fund_check"]["ok"] and result["fund_check"]["entries"] > 0
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(backup.MANIFEST))  # type: ignore[arg-type]
    assert result["counts"] == manifest["tables"] and manifest["tables"]["core_user"] >= 7
    assert (target / "media" / "attachments" / "quote.pdf").read_bytes() == b"%PDF-1.4 quote"
    for folder, database in ((data, url), (target, target_url)):
        done = _anju(folder, database, "report", "annual", "2023", "--out", str(folder / "report"))
        assert done.returncode == 0, done.stderr
    assert (data / "report" / "figures.json").read_bytes() == (target / "report" / "figures.json").read_bytes()
    # A second restore into the now full database is refused and names what is there.
    again = _anju(target, target_url, "restore", str(archive))
    assert again.returncode != 0 and "不是空的" in again.stderr and "arrears_arrearsitem" in again.stderr


def _rewritten(archive: Path, out: Path, change: dict[str, bytes]) -> Path:
    with tarfile.open(archive) as tar, tarfile.open(out, "w") as copy:
        for member in tar.getmembers():
            body = change.get(member.name, tar.extractfile(member).read())  # type: ignore[union-attr]
            member.size = len(body)
            copy.addfile(member, io.BytesIO(body))
    return out


@pytest.mark.django_db
def test_damaged_newer_or_truncated_archives_are_refused_before_anything_is_written(source, tmp_path: Path) -> None:
    _, _, archive = source
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(backup.MANIFEST))  # type: ignore[arg-type]
        database = next(name for name in manifest["files"] if name.startswith("database."))
        body = tar.extractfile(database).read()  # type: ignore[union-attr]
    cases = {
        "checksum": _rewritten(archive, tmp_path / "a.tar", {database: body[:-1] + bytes([body[-1] ^ 1])}),
        "newer_schema": _rewritten(
            archive,
            tmp_path / "b.tar",
            {backup.MANIFEST: json.dumps(manifest | {"migrations": {"core": "9999_from_the_future"}}).encode()},
        ),
    }
    truncated = tmp_path / "c.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    cases["truncated"] = truncated
    before = connection.introspection.table_names()
    for code, path in cases.items():
        with pytest.raises(backup.BackupError) as refused:
            backup.restore(path)
        assert refused.value.code == f"backup.{code}"
    # The suite's own database has tables: the sound archive is refused for that.
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(archive)
    assert refused.value.code == "backup.not_empty"
    assert connection.introspection.table_names() == before


@pytest.mark.django_db
def test_an_archive_naming_files_outside_the_attachments_is_refused(source, tmp_path: Path) -> None:
    _, _, archive = source
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(backup.MANIFEST))  # type: ignore[arg-type]
    body = b"owned"
    digest = __import__("hashlib").sha256(body).hexdigest()
    for evil in ("media/../../escaped.txt", "/tmp/escaped.txt", "elsewhere/escaped.txt"):
        forged = manifest | {"files": manifest["files"] | {evil: digest}}
        path = tmp_path / "evil.tar"
        with tarfile.open(archive) as tar, tarfile.open(path, "w") as copy:
            for member in tar.getmembers():
                data = json.dumps(forged).encode() if member.name == backup.MANIFEST else tar.extractfile(member).read()  # type: ignore[union-attr]
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
            extra = tarfile.TarInfo(evil.lstrip("/"))
            extra.size = len(body)
            copy.addfile(extra, io.BytesIO(body))
        with pytest.raises(backup.BackupError) as refused:
            backup.restore(path)
        assert refused.value.code == "backup.format", evil
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_the_archive_is_readable_by_its_owner_only(source) -> None:
    _, _, archive = source
    assert archive.stat().st_mode & 0o077 == 0
