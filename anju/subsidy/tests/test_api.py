"""The subsidy API: programs, applications created (the counter's checks, duplicates flagged), listed and
detailed with flags and history (IDs masked without see_id), batches and the bank's results."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.subsidy import actions, payments
from anju.subsidy.models import Application, Program
from anju.subsidy.tests import factories as f

pytestmark = pytest.mark.django_db


def payload(n: int, **changes: object) -> dict[str, object]:
    new = f.new(n)
    data: dict[str, object] = {
        k: (str(v) if not isinstance(v, tuple) else list(v)) for k, v in new.__dict__.items() if k != "home_type"
    }
    data["program"] = "hh2023"
    data.update(changes)
    return data


def test_create_list_detail_batches_and_results(client_for: Callable[..., Client]) -> None:
    f.program()
    housing, finance = client_for("housing"), client_for("finance")
    assert finance.get("/api/subsidy/programs").json()[0] == {
        "code": "hh2023", "name": "2023年中心城区购房补贴", "from": "2022-01-01", "to": "2023-12-31",
        "document": "怀建发〔2023〕29号", "one_claim": True,
    }  # fmt: skip
    created = housing.post("/api/subsidy/applications", payload(1), content_type="application/json")
    assert created.status_code == 201 and created.json()["amount"] == "7800.00"
    again = housing.post(
        "/api/subsidy/applications", payload(2, unit_code=payload(1)["unit_code"]), content_type="application/json"
    ).json()
    assert again["flags"][0]["reason"] == "same_unit" and again["history"][0]["step"] == "create"
    bad = housing.post(
        "/api/subsidy/applications", payload(3, contract_date="2021-01-01"), content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "contract_date"
    assert finance.post("/api/subsidy/applications", payload(4), content_type="application/json").status_code == 403
    listed = finance.get("/api/subsidy/applications?flagged=true").json()
    assert listed["count"] == 2 and "*" in listed["items"][0]["buyer_id_number"]
    detail = housing.get(f"/api/subsidy/applications/{created.json()['id']}").json()
    assert "*" not in detail["buyer_id_number"] and detail["flagged"] is True
    # A batch and its results through the API.
    app = Application.objects.get(number=created.json()["number"])
    for flag in app.flags.all():
        actions.clear_flag(None, flag, reason="核对无误")
    for step in ("pass_documents", "verify_tax", "finance_pass", "approve"):
        actions.take_step(None, app, step)
    batch = payments.form_batch(None, Program.objects.get(), [app])
    batches = finance.get("/api/subsidy/batches").json()
    assert batches["items"][0]["label"] == "第一批" and batches["items"][0]["total"] == "7800.00"
    ref = finance.get(f"/api/subsidy/batches/{batch.pk}").json()["payments"][0]["reference"]
    content = f"用途/附言,金额,结果,交易流水号,交易日期\n{ref},7800.00,成功,T1,2023-09-20\n".encode()
    result = housing.post("/api/subsidy/results", {"file": SimpleUploadedFile("r.csv", content)})
    assert result.json() == {"paid": 1, "failed": 0, "skipped": 0}
    refused = housing.post(
        "/api/subsidy/results", {"file": SimpleUploadedFile("r.csv", content.replace(b"7800.00", b"1.00"))}
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["column"] == "金额"


def test_the_application_list_takes_as_many_queries_for_30_rows_as_for_3(client_for: Callable[..., Client]) -> None:
    program = f.program()
    housing = client_for("housing")
    housing.get("/api/subsidy/programs")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert housing.get("/api/subsidy/applications?limit=100").status_code == 200
        return len(captured.captured_queries)

    for n in range(3):
        f.application(program, n=n)
    few = count()
    for n in range(3, 30):
        f.application(program, n=n, unit_code=f"U{n % 3}")
    assert count() == few
