"""Long imports and exports go to the worker: a list of more than BACKGROUND_ROWS rows is exported as a job
whose file is the same as the page's export, and a file of more than BACKGROUND_ROWS rows is imported as
a job that shows its summary, or its error table with nothing written."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anju.core import imports
from anju.core.models import AuditEvent, Job, Role
from anju.core.tests.test_imports import RolesImport, upload, xlsx
from anju.lib.ids import mask_id
from anju.lib.tabular import count_rows
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path


@pytest.fixture
def spec() -> Iterator[RolesImport]:
    spec = RolesImport()
    imports.register(spec)
    yield spec
    imports._specs.pop(spec.key)


def _sheet(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    assert book.active is not None
    return [[cell.value for cell in row] for row in book.active.iter_rows()]


def _job_file(client: Client, job: Job) -> bytes:
    response = client.get(reverse("core:job_file", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_a_long_list_is_exported_by_a_job_with_the_pages_rows_and_masking(
    settings, client_for: Callable[..., Client]
) -> None:  # type: ignore[no-untyped-def]
    people = [registry.person(name=name, seq=i + 1, phone=f"1390000000{i}") for i, name in enumerate("甲乙丙丁")]
    client = client_for("information")  # may export, may not see full ID numbers
    url = reverse("registry:persons") + "?sort=name&export=xlsx"
    inline = _sheet(client.get(url).content)
    assert not Job.objects.exists()

    settings.BACKGROUND_ROWS = 3
    response = client.get(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == Job.Status.DONE and (job.done, job.total) == (4, 4) and job.owner == client.user  # type: ignore[attr-defined]
    exported = _sheet(_job_file(client, job))
    assert exported == inline and len(exported) == 5
    assert mask_id(people[0].id_number) in {cell for row in exported for cell in row}
    assert people[0].id_number not in {cell for row in exported for cell in row}
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=client.user)  # type: ignore[attr-defined]
    assert events.count() == 2 and events.filter(note__contains="export=xlsx").count() == 2
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert job.file_name in page and "<dd>4</dd>" in page


def test_a_background_export_checks_the_owners_permission_when_it_runs(client_for: Callable[..., Client]) -> None:
    registry.person()
    client = client_for("finance")  # may view the registry, may not export
    job = Job.objects.create(
        kind="core.export",
        title="导出",
        owner=client.user,
        params={"path": "/registry/persons/", "query": "export=xlsx", "ip": ""},  # type: ignore[attr-defined]
    )
    from anju.core.jobs import run_job

    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file and job.error == "没有执行这项任务的权限。"


def test_a_long_file_is_imported_by_a_job_that_shows_its_summary(
    settings, spec: RolesImport, client_for: Callable[..., Client]
) -> None:  # type: ignore[no-untyped-def]
    settings.BACKGROUND_ROWS = 2
    client = client_for("admin")
    rows = [["代码", "名称", "人数"], *([f"r{i}", f"角色{i}", i] for i in range(3))]
    file = io.BytesIO(xlsx(*rows))
    file.name = "roles.xlsx"
    response = client.post(reverse("core:import", args=[spec.key]), {"file": file})
    job = Job.objects.get(kind="core.import")
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == Job.Status.DONE and (job.done, job.total) == (3, 3)
    assert set(Role.objects.filter(code__startswith="r").values_list("code", flat=True)) == {"r0", "r1", "r2"}
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == client.user and event.ip == "127.0.0.1"  # type: ignore[attr-defined]
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert re.search(r"<dt>新增</dt><dd>3</dd>", page)
    assert not any(path.name == "input" for path in (settings.DATA_DIR / "jobs" / str(job.pk)).glob("*"))


def test_a_long_bad_file_fails_its_job_with_the_error_table_and_writes_nothing(
    settings, spec: RolesImport, client_for: Callable[..., Client]
) -> None:  # type: ignore[no-untyped-def]
    settings.BACKGROUND_ROWS = 2
    client = client_for("admin")
    rows = [["代码", "名称", "人数"], ["ok1", "甲", 1], ["ok2", "", 1], ["ok3", "丙", "多"]]
    upload(client, spec.key, xlsx(*rows))
    job = Job.objects.get(kind="core.import")
    assert job.status == Job.Status.FAILED and "2处错误" in job.error and job.result["error_count"] == 2
    assert not Role.objects.filter(code__startswith="ok").exists()
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    table = page.split('id="import-errors"')[1].split("</table>")[0]
    assert re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td>", table) == [("3", "名称"), ("4", "人数")]


def test_a_short_file_is_still_imported_on_the_page(spec: RolesImport, client_for: Callable[..., Client]) -> None:
    html = upload(client_for("admin"), spec.key, xlsx(["代码", "名称", "人数"], ["s1", "甲", 1]))
    assert 'id="import-summary"' in html and not Job.objects.exists()


@pytest.mark.parametrize("rows", [1, 40, 6000])
def test_rows_are_counted_without_reading_the_cells(rows: int) -> None:
    content = xlsx(*([i, "x"] for i in range(rows)))
    assert count_rows("a.xlsx", content, 10_000) == rows
    # Counting stops soon after the limit: enough to tell "more than 10".
    assert count_rows("a.xlsx", content, 10) == rows if rows <= 10 else count_rows("a.xlsx", content, 10) > 10
    text = "\n".join(f"{i},x" for i in range(rows)).encode()
    assert count_rows("a.csv", text, 10_000) == rows == count_rows("a.csv", text + b"\n", 10_000)
    assert count_rows("a.txt", b"not a table", 10) == 0
